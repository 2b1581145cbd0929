/** What every benchmark asks of the machine it runs on. */
import { spawnSync } from "node:child_process";
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
