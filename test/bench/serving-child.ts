/**
 * The server side of the serving benchmark (see serving.ts), in its own process: a fresh database
 * (Postgres when KEEL_TEST_DATABASE_URL is set, else PGlite) with the demo project, a small MLP
 * trained on a seeded dataset, registered and deployed to staging, and the prediction server
 * listening on a free port. Prints `ready`, then answers commands read from stdin (one per line):
 *
 * - `stage start` / `stage <name>`: a load stage starts / ends: prints `stage` with this process'
 *   CPU time and the requests answered so far (under KEEL_BENCH_PROFILE it profiles the stage);
 * - `inprocess <seconds>`: the baseline, while no request arrives: single-row
 *   `predictor.predict([row])` calls of the same version (its own loaded copy) for that long;
 * - `done`: closes the server (writing the prediction log), counts the logged rows, prints
 *   `result` and drops the database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { DEMO_PASSWORD, seedDemo, userActor, type ServiceContext } from "@keel/api";
import { loadVersionPredictor } from "@keel/api/services/serving";
import { and, count, eq, schema } from "@keel/db";
import { createTestDb } from "@keel/db/testing";
import { chooseBackend } from "@keel/ml/backend";
import { buildServeApp } from "@keel/serve";
import { sampleRows, servingCsv, setupServingWorld } from "@keel/serve/test-world";
import { createArtifactStore } from "@keel/storage";
import { windowProfiler } from "./host";
import type { ServingInProcess, ServingReady, ServingResult, ServingStage } from "./serving";

const PROJECT = "demo";

function emit(m: ServingReady | ServingResult | ServingStage | ServingInProcess): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function main(): Promise<void> {
  const kdb = await createTestDb();
  const dataDir = mkdtempSync(path.join(tmpdir(), "keel-bench-serving-"));
  const artifacts = createArtifactStore({ dataDir });
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  rssTimer.unref();
  try {
    const backend = await chooseBackend();
    await seedDemo(kdb, { password: DEMO_PASSWORD });
    const [admin] = await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, "admin@keel.local"));
    const actor = admin ? await userActor(kdb.db, admin.id) : null;
    if (!actor) throw new Error("the demo admin is missing");
    let n = 0;
    const ctx = (): ServiceContext => ({ db: kdb.db, actor, requestId: `bench-serving-${++n}`, ip: "127.0.0.1", artifacts });
    const world = await setupServingWorld(ctx, kdb.db, artifacts, PROJECT, servingCsv(2000, 3));
    const trained = await world.train({ target: "label", family: "mlp", epochs: 10, hiddenLayers: [64, 32] });
    trained.result.model.dispose();
    const version = await world.register("bench-mlp", trained.runId);
    await world.deploy("bench", "bench-mlp", [{ version }]);
    const token = await world.token("data_scientist");

    // The baseline's own copy of the version, warmed up like the server is.
    const [mv] = await kdb.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.runId, trained.runId));
    if (!mv) throw new Error("the model version is missing");
    const predictor = await loadVersionPredictor(artifacts, mv);
    const rows = sampleRows(256, 5);
    for (let i = 0; i < 3000; i++) await predictor.predict([rows[i % rows.length] ?? {}]);

    // On Postgres the log is written from the writer thread, as keel-serve and the launcher do.
    const app = buildServeApp({ db: kdb.db, artifacts, log: kdb.url ? { databaseUrl: kdb.url } : {} });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    emit({ type: "ready", port, token, url: `http://127.0.0.1:${port}/api/v1/projects/${PROJECT}/deployments/bench/predict`, rows, database: kdb.driver, backend: backend.backend });

    let done = false;
    let calls = 0;
    const profiler = windowProfiler();
    for await (const line of createInterface({ input: process.stdin })) {
      const [cmd, arg] = line.trim().split(/\s+/);
      if (cmd === "abort") break;
      if (cmd === "stage") {
        if (arg === "start") await profiler.start();
        else await profiler.stop(`serving-server-${arg ?? "stage"}`);
        const cpu = process.cpuUsage();
        emit({ type: "stage", cpuMicros: cpu.user + cpu.system, answered: app.serving.stats().requests.answered });
        continue;
      }
      if (cmd === "inprocess") {
        const latencies: number[] = [];
        const t0 = performance.now();
        const until = t0 + Number(arg ?? 1) * 1000;
        while (performance.now() < until) {
          const r0 = performance.now();
          await predictor.predict([rows[calls++ % rows.length] ?? {}]);
          latencies.push(performance.now() - r0);
        }
        emit({ type: "inprocess", calls: latencies.length, seconds: (performance.now() - t0) / 1000, latencies });
        continue;
      }
      if (cmd === "done") {
        done = true;
        break;
      }
    }
    predictor.dispose();
    if (!done) throw new Error("serving: the client side stopped before it was done");
    const stats = app.serving.stats();
    await app.close();
    const finalLog = app.serving.stats().log;
    const [dep] = await kdb.db.select({ id: schema.deployments.id }).from(schema.deployments).where(eq(schema.deployments.name, "bench"));
    const [logged] = await kdb.db
      .select({ n: count() })
      .from(schema.predictionLog)
      .where(and(eq(schema.predictionLog.deploymentId, dep?.id ?? ""), eq(schema.predictionLog.mode, "live")));
    emit({
      type: "result",
      answered: stats.requests.answered,
      loggedRows: logged?.n ?? 0,
      logStats: finalLog,
      predictCalls: stats.predict.calls,
      predictRows: stats.predict.rows,
      serverPeakRssMb: Math.round(peakRss / 1024 / 1024),
    });
  } finally {
    clearInterval(rssTimer);
    await kdb.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error("serving-child:", err);
    process.exit(1);
  },
);
