/**
 * Benchmark `serving` (acceptance 6): a deployed MLP answering single-row prediction requests
 * over HTTP. The server (serving-child.ts, its own process) trains a small MLP with trainTabular
 * on a seeded 2,000-row dataset, registers and deploys it (staging), and listens with the
 * prediction server (buildServeApp: token auth, model cache, micro-batching, prediction log on).
 * The load generator (http-load.ts: wrk when installed, else undici) sends single-row
 * `{instances:[row]}` requests over keep-alive connections: a warm-up, then one at a time
 * (concurrency 1), then 16 at a time.
 *
 * Baseline: in the server's process, while no request arrives, the same version (its own loaded
 * copy) called in-process with `predictor.predict([row])`, one row per call. The concurrency-16
 * stage and the baseline alternate in rounds, so a machine that speeds up or slows down during
 * the run (shared cloud cores do) weighs on both alike. Reports req/s and p50/p99 latency per
 * concurrency, the ratio HTTP(c16) / in-process, the CPU time each process spends per request
 * (server, load generator, Postgres), and checks after closing the server that the prediction
 * log holds exactly one row per answered request (the bench FAILS if not, or if any request
 * failed). For context it measures the HTTP floor of the machine: GET /metrics of the same
 * server (no auth, no model, no database) at concurrency 16. Goals (printed, not enforced):
 * ratio ≥ 1.0 at concurrency 16, p99 ≤ 15 ms.
 *
 * Database: Postgres (KEEL_TEST_DATABASE_URL or the local default) when pg_isready answers, else PGlite.
 *
 *   npm run bench -w @keel/test -- serving
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machine, spawnBenchChild } from "./host";
import { httpLoad, loadGenerator, pooledPercentile, type LoadResult } from "./http-load";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Seconds of each stage. */
export const WARMUP_SECONDS = 3;
export const C1_SECONDS = 3;
export const C16_ROUNDS = 5;
export const C16_SECONDS_PER_ROUND = 3;
export const IN_PROCESS_SECONDS_PER_ROUND = 2;
export const FLOOR_SECONDS = 2;

export interface ServingReady {
  type: "ready";
  port: number;
  token: string;
  url: string;
  rows: Record<string, string | number>[];
  database: string;
  backend: string;
}

/** The child's answer to a "stage start|<name>" line: its CPU time and answered requests so far (it also profiles the stage under KEEL_BENCH_PROFILE). */
export interface ServingStage {
  type: "stage";
  cpuMicros: number;
  answered: number;
}

/** The child's answer to "inprocess <seconds>": the baseline's calls and their latencies (ms). */
export interface ServingInProcess {
  type: "inprocess";
  calls: number;
  seconds: number;
  latencies: number[];
}

export interface ServingResult {
  type: "result";
  /** Requests the server answered (its own counter), warm-up included. */
  answered: number;
  /** Live rows in prediction_log after the server closed. */
  loggedRows: number;
  logStats: { buffered: number; written: number; dropped: number; flushes: number; failedFlushes: number };
  predictCalls: number;
  predictRows: number;
  serverPeakRssMb: number;
}

/** CPU time (µs) of the machine's postgres processes so far (Linux /proc; 0 elsewhere). */
export function postgresCpuMicros(): number {
  let ticks = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
      const fields = stat.slice(close + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended
    }
  }
  return (ticks * 1_000_000) / 100;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length === 0 ? Number.NaN : ((sorted[(sorted.length - 1) >> 1] ?? 0) + (sorted[sorted.length >> 1] ?? 0)) / 2;
}

export async function servingBench(): Promise<Record<string, number | string>> {
  const host = machine();
  const generator = loadGenerator();
  const { child, exited, next } = spawnBenchChild<ServingReady | ServingResult | ServingStage | ServingInProcess>("serving", path.join(HERE, "serving-child.ts"), [], true);
  // The server's CPU time and answered count at a stage's start and end (KEEL_BENCH_PROFILE=<dir>: it profiles the stage).
  const stage = async (arg: string): Promise<ServingStage> => {
    child.stdin.write(`stage ${arg}\n`);
    return next<ServingStage>("stage");
  };
  try {
    const ready = await next<ServingReady>("ready");
    const predict = {
      url: ready.url,
      bodies: ready.rows.map((r) => JSON.stringify({ instances: [r] })),
      headers: { authorization: `Bearer ${ready.token}`, "content-type": "application/json" },
    };
    const failures: string[] = [];
    const checked = (name: string, r: LoadResult): LoadResult => {
      if (r.failed > 0) failures.push(`${name}: ${r.failed} requests failed`);
      return r;
    };
    checked("warm-up", await httpLoad({ ...predict, concurrency: 16, seconds: WARMUP_SECONDS }));
    const c1 = checked("c1", await httpLoad({ ...predict, concurrency: 1, seconds: C1_SECONDS }));

    // Concurrency 16 and the in-process baseline, in alternating rounds.
    const rounds: LoadResult[] = [];
    const inProcess: ServingInProcess[] = [];
    let serverCpu = 0;
    let databaseCpu = 0;
    for (let round = 1; round <= C16_ROUNDS; round++) {
      const s0 = await stage("start");
      const db0 = postgresCpuMicros();
      rounds.push(checked(`c16 round ${round}`, await httpLoad({ ...predict, concurrency: 16, seconds: C16_SECONDS_PER_ROUND })));
      databaseCpu += postgresCpuMicros() - db0;
      serverCpu += (await stage(`c16-${round}`)).cpuMicros - s0.cpuMicros;
      child.stdin.write(`inprocess ${IN_PROCESS_SECONDS_PER_ROUND}\n`);
      inProcess.push(await next<ServingInProcess>("inprocess"));
    }
    // The HTTP floor on this machine: GET /metrics (no auth, no model, no database), 16 at a time.
    const floor = checked("floor", await httpLoad({ url: new URL("/metrics", ready.url).toString(), concurrency: 16, seconds: FLOOR_SECONDS }));
    child.stdin.write("done\n");
    const result = await next<ServingResult>("result");
    child.stdin.end();
    await exited;

    const c16Requests = rounds.reduce((a, r) => a + r.requests, 0);
    const c16Rate = c16Requests / rounds.reduce((a, r) => a + r.seconds, 0);
    const c1Rate = c1.requests / c1.seconds;
    const baselineLatencies = inProcess.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const inProcessRate = inProcess.reduce((a, r) => a + r.calls, 0) / inProcess.reduce((a, r) => a + r.seconds, 0);
    const ratio = c16Rate / inProcessRate;
    // Percentiles of all concurrency-16 requests together.
    const p99c16 = pooledPercentile(rounds, 99);
    const logOk = result.loggedRows === result.answered;
    const figures: Record<string, number | string> = {
      benchmark: "serving",
      database: ready.database,
      backend: ready.backend,
      loadGenerator: generator === "wrk" ? "wrk" : "undici (install wrk for figures that measure the server: apt-get install -y wrk)",
      ...host,
      requestsAnswered: result.answered,
      c1RequestsPerSecond: Math.round(c1Rate),
      c1MsP50: round(c1.msP50),
      c1MsP99: round(c1.msP99),
      c16RequestsPerSecond: Math.round(c16Rate),
      c16RequestsPerSecondByRound: rounds.map((r) => Math.round(r.requests / r.seconds)).join(" "),
      c16MsP50: round(pooledPercentile(rounds, 50)),
      c16MsP99: round(p99c16),
      c16MsP99ByRound: rounds.map((r) => round(r.msP99)).join(" "),
      // CPU time per request of the concurrency-16 rounds (µs): what each process costs on this machine.
      c16ServerCpuMicrosPerRequest: Math.round(serverCpu / c16Requests),
      c16LoadGeneratorCpuMicrosPerRequest: Math.round(median(rounds.map((r) => r.clientCpuMicrosPerRequest))),
      c16PostgresCpuMicrosPerRequest: ready.database === "postgres" ? Math.round(databaseCpu / c16Requests) : "in the server (PGlite)",
      httpFloorC16RequestsPerSecond: Math.round(floor.requests / floor.seconds),
      httpFloorC16MsP50: round(floor.msP50),
      inProcessCallsPerSecond: Math.round(inProcessRate),
      inProcessCallsPerSecondByRound: inProcess.map((r) => Math.round(r.calls / r.seconds)).join(" "),
      inProcessMsP50: round(percentile(baselineLatencies, 50)),
      inProcessMsP99: round(percentile(baselineLatencies, 99)),
      ratioHttpC16ToInProcess: round(ratio),
      ratioHttpC1ToInProcess: round(c1Rate / inProcessRate),
      predictCalls: result.predictCalls,
      rowsPerPredictCall: round(result.predictRows / Math.max(1, result.predictCalls)),
      loggedRows: result.loggedRows,
      logDropped: result.logStats.dropped,
      logFlushes: result.logStats.flushes,
      serverPeakRssMb: result.serverPeakRssMb,
      goalRatio: ratio >= 1 ? "pass" : "miss",
      goalP99: p99c16 <= 15 ? "pass" : "miss",
      logCheck: logOk ? "pass" : "FAIL",
      goals: "ratioHttpC16ToInProcess >= 1.0, c16MsP99 <= 15; logged rows = requests answered, no failed request (checked)",
    };
    if (!logOk) failures.push(`the prediction log holds ${result.loggedRows} rows for ${result.answered} answered requests`);
    if (failures.length > 0) {
      console.log(JSON.stringify(figures));
      throw new Error(`serving: ${failures.join("; ")}`);
    }
    return figures;
  } finally {
    if (child.exitCode === null) {
      child.stdin.end("abort\n");
      const timer = setTimeout(() => child.kill(), 30_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
