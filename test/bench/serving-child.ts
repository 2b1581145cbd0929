/**
 * The server side of the serving benchmark (see serving.ts), in its own process: a fresh database
 * (Postgres when KEEL_TEST_DATABASE_URL is set, else PGlite) with the demo project, a small MLP
 * trained on a seeded dataset, registered and deployed to staging, and the prediction server
 * listening on a free port. Prints `ready`; on "done N" from stdin it closes the server (writing
 * the prediction log), counts the logged rows, measures N in-process single-row
 * `predictor.predict([row])` calls of the same version, prints `result` and drops the database.
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
import type { ServingReady, ServingResult } from "./serving";

const PROJECT = "demo";

function emit(m: ServingReady | ServingResult): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
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

    const app = buildServeApp({ db: kdb.db, artifacts });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    const rows = sampleRows(256, 5);
    emit({ type: "ready", port, token, url: `http://127.0.0.1:${port}/api/v1/projects/${PROJECT}/deployments/bench/predict`, rows, database: kdb.driver, backend: backend.backend });

    let calls = 0;
    for await (const line of createInterface({ input: process.stdin })) {
      const [cmd, arg] = line.trim().split(/\s+/);
      if (cmd === "abort") break;
      if (cmd === "done") {
        calls = Number(arg ?? 0);
        break;
      }
    }
    if (calls <= 0) throw new Error("serving: the client side stopped before it was done");
    const stats = app.serving.stats();
    await app.close();
    const finalLog = app.serving.stats().log;
    const [dep] = await kdb.db.select({ id: schema.deployments.id }).from(schema.deployments).where(eq(schema.deployments.name, "bench"));
    const [logged] = await kdb.db
      .select({ n: count() })
      .from(schema.predictionLog)
      .where(and(eq(schema.predictionLog.deploymentId, dep?.id ?? ""), eq(schema.predictionLog.mode, "live")));

    // The baseline: the same version, in this process, one row per predict call.
    const [mv] = await kdb.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.runId, trained.runId));
    if (!mv) throw new Error("the model version is missing");
    const predictor = await loadVersionPredictor(artifacts, mv);
    for (let i = 0; i < 200; i++) await predictor.predict([rows[i % rows.length] ?? {}]);
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const r0 = performance.now();
      await predictor.predict([rows[(i + 2) % rows.length] ?? {}]);
      lat.push(performance.now() - r0);
    }
    const inProcessSeconds = (performance.now() - t0) / 1000;
    predictor.dispose();
    lat.sort((a, b) => a - b);
    emit({
      type: "result",
      loggedRows: logged?.n ?? 0,
      logStats: finalLog,
      predictCalls: stats.predict.calls,
      predictRows: stats.predict.rows,
      inProcessCalls: calls,
      inProcessSeconds,
      inProcessMsP50: percentile(lat, 50),
      inProcessMsP99: percentile(lat, 99),
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
