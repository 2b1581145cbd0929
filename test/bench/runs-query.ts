/**
 * Benchmark `runs-query`: the runs table's query and a long metric history.
 *
 * - 10,000 runs × 20 params × 20 latest metrics in one experiment (bulk SQL into runs, run_params,
 *   run_latest_metrics), then listRuns (the service behind the runs table, as the demo data
 *   scientist, a fresh context per call) for `params.p3 < 0.5 and metrics.m7 > 0.2` ordered by
 *   `metrics.m1 desc`, 50 a page: the first page 30 times, then every following page by its
 *   cursor (twice), and the unfiltered default page (newest first).
 * - 1,000,000 points of one metric of one run written through writeMetricPoints (a transaction
 *   per 10,000 points, as logRun does), then readMetricHistory(db, run, key, 1000) 30 times.
 *
 * Reports p50/p95/max latency in ms. Goals: p95 under 100 ms for listRuns and for the history
 * read. Figures, never pass/fail. Runs in its own process (runs-query-child.ts) on Postgres at
 * 127.0.0.1:5432 when pg_isready answers (a fresh database, dropped afterwards), else PGlite.
 *
 *   npm run bench -w @keel/test -- runs-query
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchDatabaseUrl, machine } from "./host";
import type { QueryMeasurement } from "./runs-query-child";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNS = 10_000;
const HISTORY_POINTS = 1_000_000;

export async function runsQueryBench(): Promise<Record<string, number | string>> {
  const host = machine();
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(HERE, "runs-query-child.ts"), String(RUNS), String(HISTORY_POINTS)], {
    encoding: "utf8",
    env: { ...process.env, KEEL_TEST_DATABASE_URL: benchDatabaseUrl() },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`runs-query run failed (exit ${child.status ?? child.signal ?? "?"})`);
  const m = JSON.parse(child.stdout.trim().split("\n").pop() ?? "") as QueryMeasurement;
  return {
    benchmark: "runs-query",
    database: m.database,
    ...host,
    runs: m.runs,
    paramsPerRun: m.params,
    metricsPerRun: m.metrics,
    buildSeconds: round(m.buildSeconds),
    filter: m.filter,
    orderBy: m.orderBy,
    matchingRuns: m.matching,
    firstPageMsP50: m.firstPage.p50,
    firstPageMsP95: m.firstPage.p95,
    firstPageMsMax: m.firstPage.max,
    nextPages: m.nextPages.pages,
    nextPageMsP50: m.nextPages.p50,
    nextPageMsP95: m.nextPages.p95,
    nextPageMsMax: m.nextPages.max,
    unfilteredPageMsP50: m.unfilteredFirstPage.p50,
    unfilteredPageMsP95: m.unfilteredFirstPage.p95,
    historyPoints: m.historyPoints,
    historyWriteSeconds: round(m.historyWriteSeconds),
    historyWritePointsPerSecond: Math.round(m.historyPoints / m.historyWriteSeconds),
    historyMethod: m.historyMethod,
    historyPointsReturned: m.historyReturned,
    historyMsP50: m.history.p50,
    historyMsP95: m.history.p95,
    historyMsMax: m.history.max,
    peakRssMb: m.peakRssMb,
    goals: "firstPageMsP95 < 100, nextPageMsP95 < 100, historyMsP95 < 100",
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
