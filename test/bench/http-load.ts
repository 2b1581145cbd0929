/**
 * The HTTP load generator of the benchmarks: `wrk` (C, one thread, keep-alive connections) when
 * it is installed (`apt-get install -y wrk`), else undici's Pool in this process. Either sends
 * requests over `concurrency` keep-alive connections for `seconds`, each connection sending its
 * next request when the previous answer arrived, and reports what was answered and how fast.
 * wrk is preferred because it costs the machine far less per request than a Node client, so on
 * a small machine the figures measure the server rather than the load generator.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface LoadSpec {
  url: string;
  /** POST bodies, sent in turn (GET when absent). */
  bodies?: string[];
  headers?: Record<string, string>;
  concurrency: number;
  seconds: number;
}

export interface LoadResult {
  /** Answered requests (any status). */
  requests: number;
  /** Answers whose status was not 2xx, and transport errors. */
  failed: number;
  seconds: number;
  msP50: number;
  msP99: number;
  /** Latency (ms) at each of PERCENTILE_GRID's percentiles: lets runs be pooled (pooledPercentile). */
  grid: number[];
  /** The client process' CPU time per answered request (µs); wrk's is its own process'. */
  clientCpuMicrosPerRequest: number;
}

export type LoadGenerator = "wrk" | "undici";

/** The percentiles a run's latency distribution is kept at: 0.5 … 99.5 by 0.5, then 99.55 … 99.95 by 0.05. */
export const PERCENTILE_GRID: readonly number[] = [...Array.from({ length: 199 }, (_, k) => (k + 1) / 2), ...Array.from({ length: 9 }, (_, k) => 99.5 + (k + 1) / 20)];

/**
 * The p-th percentile of several runs' requests taken together, from each run's grid: the smallest
 * latency at which the runs' requests at or below it (each run counted at the largest grid
 * percentile whose latency is ≤ it) reach p% of all requests.
 */
export function pooledPercentile(runs: readonly Pick<LoadResult, "requests" | "grid">[], p: number): number {
  const total = runs.reduce((a, r) => a + r.requests, 0);
  const candidates = [...new Set(runs.flatMap((r) => r.grid))].sort((a, b) => a - b);
  for (const x of candidates) {
    let below = 0;
    for (const r of runs) {
      let share = 0;
      r.grid.forEach((ms, i) => {
        if (ms <= x) share = PERCENTILE_GRID[i] ?? share;
      });
      below += (share / 100) * r.requests;
    }
    if (below >= (p / 100) * total - 1e-9) return x;
  }
  return candidates.at(-1) ?? Number.NaN;
}

let wrkAvailable: boolean | undefined;
/** wrk when installed, unless KEEL_BENCH_CLIENT=undici asks for the Node client. */
export function loadGenerator(): LoadGenerator {
  if (process.env.KEEL_BENCH_CLIENT === "undici") return "undici";
  wrkAvailable ??= spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
  return wrkAvailable ? "wrk" : "undici";
}

export async function httpLoad(spec: LoadSpec): Promise<LoadResult> {
  return loadGenerator() === "wrk" ? wrkLoad(spec) : undiciLoad(spec);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface WrkFigures {
  requests: number;
  durationMicros: number;
  non2xx: number;
  errors: number;
  gridMicros: number[];
}

function wrkFigures(text: string): WrkFigures {
  const line = text.split("\n").find((l) => l.startsWith("KEEL "));
  if (!line) throw new Error(`wrk printed no figures:\n${text.slice(0, 2000)}`);
  return JSON.parse(line.slice(5)) as WrkFigures;
}

async function wrkLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-wrk-"));
  try {
    let target = "GET";
    if (spec.bodies) {
      target = path.join(dir, "bodies.txt");
      writeFileSync(target, `${spec.bodies.join("\n")}\n`);
    }
    const headers = Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
    const args = ["-t1", `-c${spec.concurrency}`, `-d${spec.seconds}s`, "--timeout", "10s", "-s", path.join(HERE, "http-load.lua"), spec.url, "--", target, ...headers];
    // bash's `times` prints the CPU time of its children (wrk) after it exits.
    const child = spawn("bash", ["-c", 'wrk "$@" && times', "wrk", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`wrk exited ${code}: ${err || out}`);
    const f = wrkFigures(out);
    // Non-decreasing, whatever wrk's rounding.
    let floor = 0;
    const grid = f.gridMicros.map((us) => (floor = Math.max(floor, us / 1000)));
    if (grid.length !== PERCENTILE_GRID.length) throw new Error(`wrk printed ${grid.length} percentiles, expected ${PERCENTILE_GRID.length}`);
    return {
      requests: f.requests,
      failed: f.non2xx + f.errors,
      seconds: f.durationMicros / 1e6,
      msP50: grid[PERCENTILE_GRID.indexOf(50)] ?? Number.NaN,
      msP99: grid[PERCENTILE_GRID.indexOf(99)] ?? Number.NaN,
      grid,
      clientCpuMicrosPerRequest: childrenCpuMicros(out) / Math.max(1, f.requests),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The children's user + system time from bash's `times` (its last line: "0m1.234s 0m0.567s"). */
function childrenCpuMicros(text: string): number {
  const last = text.trim().split("\n").at(-1) ?? "";
  const times = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return times.length === 2 ? ((times[0] ?? 0) + (times[1] ?? 0)) * 1e6 : Number.NaN;
}

async function undiciLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + spec.seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (performance.now() < until) {
          const body = spec.bodies ? spec.bodies[next++ % spec.bodies.length] : undefined;
          const r0 = performance.now();
          const res = await pool.request({ path: url.pathname, method: body === undefined ? "GET" : "POST", headers: spec.headers, body });
          await res.body.text();
          latencies.push(performance.now() - r0);
          if (res.statusCode < 200 || res.statusCode >= 300) failed += 1;
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failed,
    seconds,
    msP50: percentile(latencies, 50),
    msP99: percentile(latencies, 99),
    grid: PERCENTILE_GRID.map((p) => percentile(latencies, p)),
    clientCpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, latencies.length),
  };
}
