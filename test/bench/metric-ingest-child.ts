/**
 * The server side of the metric-ingest benchmark (see metric-ingest.ts), in its own process: a
 * fresh database (Postgres when KEEL_TEST_DATABASE_URL is set, else PGlite) seeded with the demo
 * project, an API token, one experiment and external runs for each stage, and a plain node:http
 * server handing /api/v1 to handleRestRequest. Prints `ready`; on "done" from stdin it counts the
 * stored points, then, each from empty metric tables: the raw-insert baseline, writeMetricPoints
 * alone and the logRun service in-process; prints `result`, and drops the database.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { authenticateApiToken, createToken, DEMO_PASSWORD, seedDemo, userActor, type ServiceContext } from "@keel/api";
import { handleRestRequest } from "@keel/api/rest";
import { createExperiment, createExternalRun, logRun, writeMetricPoints } from "@keel/api/services/experiments";
import { eq, rowsOf, schema, sql } from "@keel/db";
import { createTestDb, type TestDatabase } from "@keel/db/testing";
import { ingestBatch, type IngestReady, type IngestResult } from "./metric-ingest";

const PROJECT = "demo";

function emit(m: IngestReady | IngestResult): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  headers.set("x-forwarded-for", req.socket.remoteAddress ?? "unknown");
  const method = req.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = Buffer.concat(chunks);
  }
  return new Request(`${origin}${req.url ?? "/"}`, { method, headers, body });
}

async function respond(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...headers, "content-length": String(body.length) });
  res.end(body);
}

/** The same statement writeMetricPoints starts with, alone: points into `metrics`, nothing else. */
async function rawInsert(kdb: TestDatabase, runId: string, points: ReturnType<typeof ingestBatch>): Promise<void> {
  const now = new Date().toISOString();
  await kdb.db.execute(sql`
    insert into metrics (run_id, key, step, value, timestamp, attempt)
    select ${runId}, x.k, x.s, x.v, x.t, ${0}
    from json_to_recordset(${JSON.stringify(points.map((p) => ({ k: p.key, s: p.step, v: p.value, t: now })))}::json)
      as x(k text, s bigint, v float8, t timestamptz)`);
}

async function countMetrics(kdb: TestDatabase): Promise<number> {
  return Number(rowsOf<{ n: number }>(await kdb.db.execute(sql`select count(*)::int as n from metrics`))[0]?.n ?? 0);
}

/**
 * Empties the metric tables and flushes dirty pages, so each stage starts from the same state and
 * no stage pays for a checkpoint of the one before (1M points write ~300 MB of WAL).
 */
async function resetMetrics(kdb: TestDatabase): Promise<void> {
  await kdb.db.execute(sql`truncate metrics, metric_rollups, run_latest_metrics`);
  await kdb.db.execute(sql`checkpoint`);
}

async function main(): Promise<void> {
  const clients = Number(process.argv[2] ?? 4);
  const batchesPerClient = Number(process.argv[3] ?? 25);
  const kdb = await createTestDb();
  const server = createServer();
  try {
    await seedDemo(kdb, { password: DEMO_PASSWORD });
    const [admin] = await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, "admin@keel.local"));
    const actor = admin ? await userActor(kdb.db, admin.id) : null;
    if (!actor) throw new Error("the demo admin is missing");
    const ctx: ServiceContext = { db: kdb.db, actor, requestId: "bench-metric-ingest", ip: "127.0.0.1" };
    const { token } = await createToken(ctx, { project: PROJECT, name: "bench-ingest", role: "data_scientist" });
    await createExperiment(ctx, { project: PROJECT, name: "ingest" });
    const run = async (name: string): Promise<string> => (await createExternalRun(ctx, { project: PROJECT, experiment: "ingest", name })).id;
    const restRuns: string[] = [];
    const rawRuns: string[] = [];
    const storeRuns: string[] = [];
    const serviceRuns: string[] = [];
    for (let i = 0; i < clients; i++) restRuns.push(await run(`rest-${i}`));
    for (let i = 0; i < clients; i++) rawRuns.push(await run(`raw-${i}`));
    for (let i = 0; i < clients; i++) storeRuns.push(await run(`store-${i}`));
    for (let i = 0; i < clients; i++) serviceRuns.push(await run(`service-${i}`));

    let origin = "";
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        try {
          await respond(res, await handleRestRequest(await toRequest(req, origin), { db: kdb.db, driver: kdb.driver }));
        } catch (err) {
          console.error("metric-ingest server:", err);
          if (!res.headersSent) res.writeHead(500);
          res.end();
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    await resetMetrics(kdb);
    const cpu0 = process.cpuUsage();
    emit({ type: "ready", port, token, project: PROJECT, runs: restRuns, database: kdb.driver });

    // The parent sends "done" after its load, "abort" (or closes stdin) when it failed: then the
    // finally below still drops the database.
    let done = false;
    for await (const line of createInterface({ input: process.stdin })) {
      if (line.trim() === "abort") break;
      if (line.trim() === "done") {
        done = true;
        break;
      }
    }
    if (!done) throw new Error("metric-ingest: the client side stopped before it was done");
    const cpu = process.cpuUsage(cpu0);
    const restServerCpuSeconds = (cpu.user + cpu.system) / 1e6;
    server.close();
    server.closeAllConnections();

    const restRowsStored = await countMetrics(kdb);
    // The baseline starts from empty metric tables too, as the REST load did.
    await resetMetrics(kdb);
    const batches = Array.from({ length: batchesPerClient }, (_, b) => ingestBatch(b));
    const t0 = performance.now();
    await Promise.all(
      rawRuns.map(async (runId) => {
        for (const points of batches) await rawInsert(kdb, runId, points);
      }),
    );
    const rawSeconds = (performance.now() - t0) / 1000;
    const rawPoints = await countMetrics(kdb);

    // Two steps between the two, to tell where REST's time goes: writeMetricPoints alone (latest
    // values and rollups, one transaction per batch), then the logRun service (validation, the
    // run's row lock, heartbeat) called in-process with the token's actor.
    const stage = async (runIds: string[], write: (runId: string, points: ReturnType<typeof ingestBatch>) => Promise<unknown>): Promise<number> => {
      await resetMetrics(kdb);
      const s0 = performance.now();
      await Promise.all(
        runIds.map(async (runId) => {
          for (const points of batches) await write(runId, points);
        }),
      );
      const seconds = (performance.now() - s0) / 1000;
      const stored = await countMetrics(kdb);
      if (stored !== rawPoints) throw new Error(`${stored} points stored, expected ${rawPoints}`);
      return seconds;
    };
    const storeSeconds = await stage(storeRuns, (runId, points) => {
      const now = new Date();
      return kdb.db.transaction((tx) => writeMetricPoints(tx, runId, 0, points.map((p) => ({ ...p, timestamp: now }))));
    });
    const auth = await authenticateApiToken(kdb.db, token);
    if (!auth.ok) throw new Error(`the bench token does not authenticate: ${auth.reason}`);
    const serviceSeconds = await stage(serviceRuns, (runId, points) =>
      logRun({ db: kdb.db, actor: auth.actor, requestId: "bench-metric-ingest", ip: "127.0.0.1" }, { project: PROJECT, run: runId, metrics: points }),
    );
    emit({
      type: "result",
      restRowsStored,
      restServerCpuSeconds,
      rawSeconds,
      rawPoints,
      storeSeconds,
      serviceSeconds,
      serverPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  } finally {
    if (server.listening) server.close();
    await kdb.destroy();
  }
}

await main();
