/** Starts the real Keel launcher on a fresh data folder and drives Debian's Chromium. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-results", "screenshots");
export const DEMO_PASSWORD = "keel-demo-password";

export const PERSONAS = {
  admin: "admin@keel.local",
  data_scientist: "scientist@keel.local",
  approver: "manager@keel.local",
  auditor: "auditor@keel.local",
  viewer: "viewer@keel.local",
} as const;

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface KeelProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `apps/web/server.ts` (what `npm start` runs after building) and waits until it is ready. */
export async function startKeel(opts: { dataDir?: string; env?: Record<string, string>; expectFailure?: boolean } = {}): Promise<KeelProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "keel-e2e-"));
  const port = await freePort();
  const env: Record<string, string> = { ...process.env, PORT: String(port), KEEL_DATA_DIR: dataDir, NODE_ENV: "production", ...opts.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: path.join(REPO_ROOT, "apps/web"), env });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = await Promise.race([
    (async () => {
      for (let i = 0; i < 1200; i++) {
        if (out.includes("Keel is ready")) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    })(),
    exited.then(() => false),
  ]);
  const proc: KeelProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    child,
    output: () => out,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
  if (!ready && !opts.expectFailure) {
    await proc.stop("SIGKILL");
    throw new Error(`Keel did not start:\n${out}`);
  }
  return proc;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Runs the real `keel` CLI against a data folder. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(REPO_ROOT, "apps/cli/bin/keel.mjs"), args, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}

/** Signs in through the sign-in page and waits for the demo project. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/demo`);
}
