/**
 * The measured part of the runs-query benchmark (see runs-query.ts), in its own process: a fresh
 * database (Postgres when KEEL_TEST_DATABASE_URL is set, else PGlite) with the demo seed, one
 * experiment of RUNS runs × PARAMS params × METRICS latest metrics inserted by bulk SQL, and one run
 * with a HISTORY-point metric written through writeMetricPoints. Prints one JSON line of latencies.
 */
import { DEMO_PASSWORD, seedDemo, userActor, type Actor, type ServiceContext } from "@keel/api";
import { createExperiment, createExternalRun, listRuns, readMetricHistory, writeMetricPoints, type StoredPoint } from "@keel/api/services/experiments";
import { eq, rowsOf, schema, sql } from "@keel/db";
import { createTestDb, type TestDatabase } from "@keel/db/testing";

const PROJECT = "demo";
const EXPERIMENT = "query-bench";

export interface QueryMeasurement {
  database: string;
  runs: number;
  params: number;
  metrics: number;
  buildSeconds: number;
  filter: string;
  orderBy: string;
  matching: number;
  firstPage: Latency;
  nextPages: Latency & { pages: number };
  unfilteredFirstPage: Latency;
  historyPoints: number;
  historyWriteSeconds: number;
  historyMethod: string;
  historyReturned: number;
  history: Latency;
  peakRssMb: number;
}

interface Latency {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
  return { samples: s.length, p50: round(at(50)), p95: round(at(95)), max: round(s.at(-1) ?? Number.NaN) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** RUNS runs, each with PARAMS params (p0…: numbers in [0, 1)) and METRICS latest metrics (m0…: in [0, 1)), by bulk SQL. */
async function buildRuns(kdb: TestDatabase, projectId: string, experimentId: string, runs: number, params: number, metrics: number): Promise<void> {
  const start = Date.now() - runs * 1000;
  // Ids in creation order, and the same on every run of the benchmark (the values below hash them).
  const rows = Array.from({ length: runs }, (_, i) => ({ id: `run_${String(i + 1).padStart(26, "0")}`, n: i + 1, t: new Date(start + i * 1000).toISOString() }));
  await kdb.db.execute(sql`
    insert into runs (id, project_id, experiment_id, number, name, kind, status, created_at, started_at, ended_at)
    select x.id, ${projectId}, ${experimentId}, x.n, 'run-' || x.n, 'external', 'succeeded', x.t, x.t, x.t + interval '90 seconds'
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(id text, n int, t timestamptz)`);
  await kdb.db.execute(sql`update experiments set next_run_number = ${runs + 1} where id = ${experimentId}`);
  // Deterministic pseudo-random values in [0, 1) from a hash of (run, key).
  await kdb.db.execute(sql`
    insert into run_params (run_id, key, value, value_number)
    select r.id, 'p' || k, v::text, v
    from runs r cross join generate_series(0, ${params - 1}) k
    cross join lateral (select (hashtext(r.id || ':p' || k) & 2147483647)::float8 / 2147483648.0 as v) h
    where r.experiment_id = ${experimentId}`);
  await kdb.db.execute(sql`
    insert into run_latest_metrics (run_id, key, value, step, timestamp, count, min_step, max_step)
    select r.id, 'm' || k, v, 99, r.ended_at, 100, 0, 99
    from runs r cross join generate_series(0, ${metrics - 1}) k
    cross join lateral (select (hashtext(r.id || ':m' || k) & 2147483647)::float8 / 2147483648.0 as v) h
    where r.experiment_id = ${experimentId}`);
  await kdb.db.execute(sql`analyze runs`);
  await kdb.db.execute(sql`analyze run_params`);
  await kdb.db.execute(sql`analyze run_latest_metrics`);
}

async function main(): Promise<void> {
  const [runsArg, historyArg] = process.argv.slice(2);
  const runs = Number(runsArg ?? 10_000);
  const historyPoints = Number(historyArg ?? 1_000_000);
  const params = 20;
  const metricsPerRun = 20;
  const kdb = await createTestDb();
  try {
    await seedDemo(kdb, { password: DEMO_PASSWORD });
    const actorOf = async (email: string): Promise<Actor> => {
      const [u] = await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, email));
      const a = u ? await userActor(kdb.db, u.id) : null;
      if (!a) throw new Error(`demo user ${email} missing`);
      return a;
    };
    const admin = await actorOf("admin@keel.local");
    const scientist = await actorOf("scientist@keel.local");
    let requests = 0;
    // A fresh context per call, as each request gets one (no access cache carried over).
    const ctx = (actor: Actor): ServiceContext => ({ db: kdb.db, actor, requestId: `bench-runs-query-${++requests}`, ip: "127.0.0.1" });
    const experiment = await createExperiment(ctx(admin), { project: PROJECT, name: EXPERIMENT });
    const [project] = await kdb.db.select({ id: schema.projects.id }).from(schema.projects).where(eq(schema.projects.slug, PROJECT));
    if (!project) throw new Error("demo project missing");

    const b0 = performance.now();
    await buildRuns(kdb, project.id, experiment.id, runs, params, metricsPerRun);
    const buildSeconds = (performance.now() - b0) / 1000;

    const filter = "params.p3 < 0.5 and metrics.m7 > 0.2";
    const orderBy = "metrics.m1 desc";
    const query = { project: PROJECT, experiment: EXPERIMENT, filter, orderBy, limit: 50 };
    for (let i = 0; i < 3; i++) await listRuns(ctx(scientist), query); // warm-up
    const first: number[] = [];
    let matching = 0;
    for (let i = 0; i < 30; i++) {
      const r = await timed(() => listRuns(ctx(scientist), query));
      first.push(r.ms);
      matching = r.value.total;
    }
    // Every following page of the result, twice, by its cursor.
    const next: number[] = [];
    let pages = 0;
    for (let walk = 0; walk < 2; walk++) {
      let cursor = (await listRuns(ctx(scientist), query)).nextCursor;
      while (cursor !== null) {
        const c: string = cursor;
        const r = await timed(() => listRuns(ctx(scientist), { ...query, cursor: c }));
        next.push(r.ms);
        if (walk === 0) pages++;
        cursor = r.value.nextCursor;
      }
    }
    const unfiltered: number[] = [];
    for (let i = 0; i < 20; i++) unfiltered.push((await timed(() => listRuns(ctx(scientist), { project: PROJECT, experiment: EXPERIMENT, limit: 50 }))).ms);

    // One run with a HISTORY-point metric, written as logRun writes it: a transaction per 10,000 points.
    const { id: runId } = await createExternalRun(ctx(admin), { project: PROJECT, experiment: EXPERIMENT, name: "long-history" });
    const key = "loss";
    const batch = 10_000;
    const now = new Date();
    const w0 = performance.now();
    for (let start = 0; start < historyPoints; start += batch) {
      const points: StoredPoint[] = [];
      for (let step = start; step < Math.min(historyPoints, start + batch); step++) points.push({ key, value: Math.exp(-step / 200_000) + 0.01 * Math.sin(step), step, timestamp: now });
      await kdb.db.transaction((tx) => writeMetricPoints(tx, runId, 0, points));
    }
    const historyWriteSeconds = (performance.now() - w0) / 1000;
    await kdb.db.execute(sql`analyze metrics`);
    await kdb.db.execute(sql`analyze metric_rollups`);
    for (let i = 0; i < 3; i++) await readMetricHistory(kdb.db, runId, key, 1000); // warm-up
    const history: number[] = [];
    let historyMethod = "";
    let historyReturned = 0;
    for (let i = 0; i < 30; i++) {
      const r = await timed(() => readMetricHistory(kdb.db, runId, key, 1000));
      history.push(r.ms);
      historyMethod = r.value.method;
      historyReturned = r.value.points.length;
      if (r.value.total !== historyPoints) throw new Error(`history total ${r.value.total}, expected ${historyPoints}`);
    }
    const stored = Number(rowsOf<{ n: number }>(await kdb.db.execute(sql`select count(*)::int as n from metrics where run_id = ${runId}`))[0]?.n ?? 0);
    if (stored !== historyPoints) throw new Error(`${stored} points stored, expected ${historyPoints}`);

    const m: QueryMeasurement = {
      database: kdb.driver,
      runs,
      params,
      metrics: metricsPerRun,
      buildSeconds,
      filter,
      orderBy,
      matching,
      firstPage: latency(first),
      nextPages: { ...latency(next), pages },
      unfilteredFirstPage: latency(unfiltered),
      historyPoints,
      historyWriteSeconds,
      historyMethod,
      historyReturned,
      history: latency(history),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(`${JSON.stringify(m)}\n`);
  } finally {
    await kdb.destroy();
  }
}

await main();
