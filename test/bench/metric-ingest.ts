/**
 * Benchmark `metric-ingest`: 1,000,000 metric points logged through the REST API
 * (`POST /api/v1/projects/{project}/runs/{run}/log`, `{metrics: [{key, value, step}]}` batches of
 * 10,000 points, bearer-token auth) to a real HTTP server — a plain node:http server calling
 * handleRestRequest, in its own process (metric-ingest-child.ts) — by 4 keep-alive clients, each
 * logging to its own external run. The baseline: the same points written by the bare batched
 * INSERT … SELECT FROM json_to_recordset into `metrics` that writeMetricPoints runs (no latest
 * values, no rollups, no HTTP, no validation), with the same batches and concurrency, into the same
 * database after the REST points were counted and the metric tables emptied.
 *
 * Database: Postgres at 127.0.0.1:5432 (db `test`, or KEEL_TEST_DATABASE_URL) when pg_isready
 * answers, in a fresh database dropped afterwards; else an in-memory PGlite.
 *
 * Two more stages, from empty metric tables too, tell where REST's time goes: writeMetricPoints
 * alone (latest values and rollups, a transaction per batch) and the logRun service called
 * in-process (validation, the run's row lock, heartbeat). The server runs with
 * NODE_ENV=production, as in Keel's built server (see below).
 *
 * Reports points/s of each, the ratio REST / raw, per-request latency, the server's CPU share
 * during the REST load, and the machine's load (figures from a busy machine are not comparable).
 * Goals: ratio ≥ 0.5 and ≥ 100,000 points/s on Postgres. Figures, never pass/fail.
 *
 *   npm run bench -w @keel/test -- metric-ingest
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machine, spawnBenchChild } from "./host";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const BATCH_POINTS = 10_000;
export const TOTAL_POINTS = 1_000_000;
export const CLIENTS = 4;
/** Metric keys logged at every step (a batch holds BATCH_POINTS / KEYS.length steps). */
export const KEYS = ["loss", "val_loss", "accuracy", "val_accuracy", "learning_rate"] as const;

export interface IngestPoint {
  key: string;
  value: number;
  step: number;
}

/** The points of one client's `batch`-th batch (0-based): KEYS at consecutive steps. */
export function ingestBatch(batch: number): IngestPoint[] {
  const steps = BATCH_POINTS / KEYS.length;
  const points: IngestPoint[] = new Array<IngestPoint>(BATCH_POINTS);
  let i = 0;
  for (let s = 0; s < steps; s++) {
    const step = batch * steps + s;
    for (const [k, key] of KEYS.entries()) points[i++] = { key, value: Math.exp(-step / 50_000) + 0.01 * Math.sin(step * 0.37 + k), step };
  }
  return points;
}

/** What the child prints once its server listens. */
export interface IngestReady {
  type: "ready";
  port: number;
  token: string;
  project: string;
  runs: string[];
  database: string;
}

/** What the child prints after the REST load and the raw baseline. */
export interface IngestResult {
  type: "result";
  /** Rows in `metrics` after the REST load (checks every point was stored). */
  restRowsStored: number;
  /** CPU time the server process spent during the REST load (user + system). */
  restServerCpuSeconds: number;
  rawSeconds: number;
  rawPoints: number;
  /** writeMetricPoints alone (latest values and rollups too), a transaction per batch. */
  storeSeconds: number;
  /** The logRun service in-process (validation, row lock, heartbeat, writeMetricPoints). */
  serviceSeconds: number;
  serverPeakRssMb: number;
}


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}


export async function metricIngestBench(): Promise<Record<string, number | string>> {
  const host = machine();
  const batchesPerClient = Math.ceil(TOTAL_POINTS / BATCH_POINTS / CLIENTS);
  const { child, exited, next } = spawnBenchChild<IngestReady | IngestResult>("metric-ingest", path.join(HERE, "metric-ingest-child.ts"), [String(CLIENTS), String(batchesPerClient)]);
  try {
    const ready = await next<IngestReady>("ready");
    const base = `http://127.0.0.1:${ready.port}/api/v1/projects/${ready.project}/runs`;
    // Request bodies are serialised before the clock starts: the clients' JSON is not Keel's cost.
    const bodies = Array.from({ length: batchesPerClient }, (_, b) => JSON.stringify({ metrics: ingestBatch(b) }));
    const latencies: number[] = [];
    let sentPoints = 0;
    const t0 = performance.now();
    await Promise.all(
      ready.runs.map(async (run) => {
        for (const body of bodies) {
          const r0 = performance.now();
          const res = await fetch(`${base}/${run}/log`, { method: "POST", headers: { authorization: `Bearer ${ready.token}`, "content-type": "application/json" }, body });
          const text = await res.text();
          latencies.push(performance.now() - r0);
          if (res.status !== 200) throw new Error(`POST …/runs/${run}/log answered ${res.status}: ${text.slice(0, 300)}`);
          sentPoints += (JSON.parse(text) as { metrics: number }).metrics;
        }
      }),
    );
    const restSeconds = (performance.now() - t0) / 1000;
    child.stdin.write("done\n");
    const result = await next<IngestResult>("result");
    child.stdin.end();
    await exited;
    latencies.sort((a, b) => a - b);
    const restRate = sentPoints / restSeconds;
    const rawRate = result.rawPoints / result.rawSeconds;
    return {
      benchmark: "metric-ingest",
      database: ready.database,
      ...host,
      points: sentPoints,
      batchPoints: BATCH_POINTS,
      clients: CLIENTS,
      restSeconds: round(restSeconds),
      restPointsPerSecond: Math.round(restRate),
      restRowsStored: result.restRowsStored,
      requestMsP50: round(percentile(latencies, 50)),
      requestMsP95: round(percentile(latencies, 95)),
      restServerCpuShare: round(result.restServerCpuSeconds / restSeconds),
      rawSeconds: round(result.rawSeconds),
      rawPointsPerSecond: Math.round(rawRate),
      ratioRestToRaw: round(restRate / rawRate),
      writeMetricPointsPointsPerSecond: Math.round(result.rawPoints / result.storeSeconds),
      logRunServicePointsPerSecond: Math.round(result.rawPoints / result.serviceSeconds),
      serverPeakRssMb: result.serverPeakRssMb,
      goals: "ratioRestToRaw >= 0.5, restPointsPerSecond >= 100000 (Postgres)",
    };
  } finally {
    if (child.exitCode === null) {
      // Failed midway: let the server drop its database, then make sure it is gone.
      child.stdin.end("abort\n");
      const timer = setTimeout(() => child.kill(), 30_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
