import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { latestWorkerHeartbeat } from "@keel/api/services/workers";
import { createTestDb, testDriver } from "@keel/db/testing";

const workerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** Runs src/main.ts with `env`; `onOutput` may signal the process. */
function runMain(env: NodeJS.ProcessEnv, onOutput?: (out: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: workerDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const take = (chunk: Buffer): void => {
      out += chunk.toString();
      onOutput?.(out, (s) => child.kill(s));
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", (code, signal) => resolve({ code, signal, out }));
  });
}

function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const n of names) delete env[n];
  return env;
}

describe("the standalone worker (src/main.ts)", () => {
  it("refuses to run without DATABASE_URL and points at npm start", async () => {
    const run = await runMain({ ...envWithout("DATABASE_URL"), KEEL_DATA_DIR: "/tmp/keel-never-opened" });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/DATABASE_URL/);
    expect(run.out).toMatch(/npm start/);
    expect(run.out).toMatch(/\/tmp\/keel-never-opened/);
  });

  it.runIf(testDriver() === "postgres")("runs on DATABASE_URL and exits 0 on SIGTERM, its heartbeat row stopped", async () => {
    const tdb = await createTestDb();
    try {
      let signalled = false;
      const run = await runMain({ ...process.env, DATABASE_URL: tdb.url, KEEL_WORKER_HEARTBEAT_MS: "200" }, (out, kill) => {
        if (!signalled && /worker wrk_\w+ started/.test(out)) {
          signalled = true;
          kill("SIGTERM");
        }
      });
      expect({ code: run.code, signal: run.signal, out: run.out }).toMatchObject({ code: 0 });
      expect(run.out).toMatch(/SIGTERM: stopping/);
      expect(run.code).toBe(0);
      const hb = await latestWorkerHeartbeat(tdb.db);
      expect(hb?.stoppedAt).toBeInstanceOf(Date);
    } finally {
      await tdb.destroy();
    }
  });
});
