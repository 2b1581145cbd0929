/**
 * Benchmark `serving` (acceptance 6): a deployed MLP answering single-row prediction requests
 * over HTTP. The server (serving-child.ts, its own process) trains a small MLP with trainTabular
 * on a seeded 2,000-row dataset, registers and deploys it (staging), and listens with the
 * prediction server (buildServeApp: token auth, model cache, micro-batching, prediction log on).
 * This process sends single-row `{instances:[row]}` requests over keep-alive HTTP (node:http),
 * first one at a time (concurrency 1), then 16 at a time.
 *
 * Baseline, in the server's process after the load: the same model loaded again, called in-process
 * with `predictor.predict([row])` one row at a time, for as many calls as the concurrency-16 stage
 * sent. Reports req/s and p50/p99 latency per concurrency, the ratio HTTP(c16) / in-process, and
 * checks after closing the server that the prediction log holds exactly one row per answered
 * request (the bench FAILS if not). For context it also measures the HTTP floor of the machine:
 * GET /metrics of the same server (no auth, no model, no database) at concurrency 16. Goals (printed, not enforced): ratio ≥ 1.0 at concurrency 16,
 * p99 ≤ 15 ms.
 *
 * Database: Postgres (KEEL_TEST_DATABASE_URL or the local default) when pg_isready answers, else PGlite.
 *
 *   npm run bench -w @keel/test -- serving
 */
import { Agent, request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machine, spawnBenchChild } from "./host";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const C1_REQUESTS = 2_000;
export const C16_REQUESTS = 10_000;
export const WARMUP_REQUESTS = 200;

export interface ServingReady {
  type: "ready";
  port: number;
  token: string;
  url: string;
  rows: Record<string, string | number>[];
  database: string;
  backend: string;
}

export interface ServingResult {
  type: "result";
  /** Live rows in prediction_log after the server closed. */
  loggedRows: number;
  logStats: { buffered: number; written: number; dropped: number; flushes: number; failedFlushes: number };
  predictCalls: number;
  predictRows: number;
  inProcessCalls: number;
  inProcessSeconds: number;
  inProcessMsP50: number;
  inProcessMsP99: number;
  serverPeakRssMb: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

interface Stage {
  requests: number;
  seconds: number;
  latencies: number[];
}

/** One keep-alive HTTP/1.1 request with node:http (a lighter client than fetch, so the bench measures the server). */
function send(agent: Agent, url: URL, method: "GET" | "POST", headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent, hostname: url.hostname, port: url.port, path: url.pathname, method, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function load(ready: ServingReady, total: number, concurrency: number, offset: number, floor = false): Promise<Stage> {
  const bodies = ready.rows.map((r) => JSON.stringify({ instances: [r] }));
  const headers = { authorization: `Bearer ${ready.token}`, "content-type": "application/json" };
  const predictUrl = new URL(ready.url);
  const metricsUrl = new URL("/metrics", ready.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= total) return;
          const r0 = performance.now();
          const res = floor ? await send(agent, metricsUrl, "GET", {}) : await send(agent, predictUrl, "POST", headers, bodies[(i + offset) % bodies.length]);
          latencies.push(performance.now() - r0);
          if (res.status !== 200) throw new Error(`predict answered ${res.status}: ${res.text.slice(0, 300)}`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: total, seconds, latencies };
}

export async function servingBench(): Promise<Record<string, number | string>> {
  const host = machine();
  const { child, exited, next } = spawnBenchChild<ServingReady | ServingResult>("serving", path.join(HERE, "serving-child.ts"));
  try {
    const ready = await next<ServingReady>("ready");
    await load(ready, WARMUP_REQUESTS, 4, 0);
    const c1 = await load(ready, C1_REQUESTS, 1, 1);
    const c16 = await load(ready, C16_REQUESTS, 16, 2);
    // The HTTP floor on this machine: GET /metrics (no auth, no model, no database), 16 at a time.
    const floor = await load(ready, C16_REQUESTS, 16, 0, true);
    const answered = WARMUP_REQUESTS + c1.requests + c16.requests;
    child.stdin.write(`done ${C16_REQUESTS}\n`);
    const result = await next<ServingResult>("result");
    child.stdin.end();
    await exited;
    const c1Rate = c1.requests / c1.seconds;
    const c16Rate = c16.requests / c16.seconds;
    const inProcessRate = result.inProcessCalls / result.inProcessSeconds;
    const ratio = c16Rate / inProcessRate;
    const p99c16 = percentile(c16.latencies, 99);
    const logOk = result.loggedRows === answered;
    const figures: Record<string, number | string> = {
      benchmark: "serving",
      database: ready.database,
      backend: ready.backend,
      ...host,
      requestsAnswered: answered,
      c1RequestsPerSecond: Math.round(c1Rate),
      c1MsP50: round(percentile(c1.latencies, 50)),
      c1MsP99: round(percentile(c1.latencies, 99)),
      c16RequestsPerSecond: Math.round(c16Rate),
      c16MsP50: round(percentile(c16.latencies, 50)),
      c16MsP99: round(p99c16),
      httpFloorC16RequestsPerSecond: Math.round(floor.requests / floor.seconds),
      httpFloorC16MsP50: round(percentile(floor.latencies, 50)),
      inProcessCallsPerSecond: Math.round(inProcessRate),
      inProcessMsP50: round(result.inProcessMsP50),
      inProcessMsP99: round(result.inProcessMsP99),
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
      goals: "ratioHttpC16ToInProcess >= 1.0, c16MsP99 <= 15; logged rows = requests answered (checked)",
    };
    if (!logOk) {
      console.log(JSON.stringify(figures));
      throw new Error(`serving: the prediction log holds ${result.loggedRows} rows for ${answered} answered requests`);
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
