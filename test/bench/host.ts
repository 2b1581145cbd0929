/** What every benchmark asks of the machine it runs on. */
import { spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { availableParallelism, loadavg } from "node:os";

/** Postgres when it answers (KEEL_TEST_DATABASE_URL, else the local default), else "" (PGlite). */
export function benchDatabaseUrl(): string {
  const url = process.env.KEEL_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const ready = spawnSync("pg_isready", ["-d", url, "-t", "2"], { stdio: "ignore" });
  return ready.status === 0 ? url : "";
}

/** How busy the machine was when a benchmark started: the figures are only comparable on a quiet one. */
export function machine(): { cpus: number; loadAverage1m: number } {
  return { cpus: availableParallelism(), loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
}

/**
 * A bench server in its own process (`node --import tsx script …args`, NODE_ENV=production as in
 * Keel's built server, on the bench database) that reports on stdout as JSON lines `{type, …}`.
 * `next(type)` waits for the next message of that type, failing if the child exits first.
 */
export function spawnBenchChild<M extends { type: string }>(
  name: string,
  script: string,
  args: string[] = [],
  /** The child profiles a window of its own (it reads KEEL_BENCH_PROFILE itself): no whole-process profile. */
  profilesItself = false,
): { child: ChildProcessByStdio<Writable, Readable, null>; exited: Promise<number | null>; next: <T extends M>(type: T["type"]) => Promise<T> } {
  // KEEL_BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there (open it in Chrome DevTools).
  const profile = process.env.KEEL_BENCH_PROFILE && !profilesItself ? ["--cpu-prof", `--cpu-prof-dir=${process.env.KEEL_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script, ...args], {
    env: { ...process.env, KEEL_TEST_DATABASE_URL: benchDatabaseUrl(), NODE_ENV: "production" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const messages: M[] = [];
  let wake: (() => void) | null = null;
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    messages.push(JSON.parse(line) as M);
    wake?.();
  });
  const next = async <T extends M>(type: T["type"]): Promise<T> => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return messages.splice(i, 1)[0] as T;
      const code = await Promise.race([exited, new Promise<"line">((resolve) => (wake = () => resolve("line")))]);
      if (code !== "line") throw new Error(`${name} server exited (${String(code)}) before sending '${type}'`);
    }
  };
  return { child, exited, next };
}

/**
 * A V8 CPU profile of a window of this process (KEEL_BENCH_PROFILE=<dir>; a no-op otherwise):
 * `start()`, then `stop(name)` writes `<dir>/<name>.cpuprofile` (open it in Chrome DevTools).
 */
export function windowProfiler(): { start(): Promise<void>; stop(name: string): Promise<void> } {
  const dir = process.env.KEEL_BENCH_PROFILE;
  let session: import("node:inspector/promises").Session | null = null;
  return {
    async start() {
      if (!dir || session) return;
      const { Session } = await import("node:inspector/promises");
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 250 });
      await session.post("Profiler.start");
    },
    async stop(name) {
      if (!dir || !session) return;
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      session = null;
      const { mkdirSync, writeFileSync } = await import("node:fs");
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    },
  };
}
