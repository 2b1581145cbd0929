/**
 * The `train` job end to end on a real database and artifact store: a run trains on the
 * breast-cancer dataset and succeeds with its evaluation and artifacts; a running MLP is cancelled
 * within an epoch; a sweep runs its trials under its parallelism and picks the best.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueue, type PgBoss } from "@keel/api/jobs";
import { createDataset, uploadDatasetVersion } from "@keel/api/services/datasets";
import { cancelRun, createExperiment, getMetricHistory, getRun, launchRun, launchSweep, listRuns, rerunRun } from "@keel/api/services/experiments";
import { setupFixture, type Fixture } from "@keel/api/testing";
import { loadModelArtifacts, predictBatch } from "@keel/ml/models";
import { parsePipeline, transform } from "@keel/ml/pipeline";
import { testDriver } from "@keel/db/testing";
import { startWorker, type RunningWorker } from "./index";
import { waitFor } from "./test-fixtures/support";

const here = path.dirname(fileURLToPath(import.meta.url));
const CSV = readFileSync(path.resolve(here, "../../../test/fixtures/datasets/breast-cancer.csv"));

async function bytesOf(fx: Fixture, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await fx.artifacts.openRead(sha256)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

describe(`training runs on the worker (${testDriver()})`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let boss: PgBoss;
  let worker: RunningWorker;
  let dsv: string;
  const project = "demo";
  const experiment = "bc";

  beforeAll(async () => {
    fx = await setupFixture();
    boss = await createQueue(fx.kdb, { supervise: false });
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project, name: "breast-cancer" });
    const up = await uploadDatasetVersion(ds, { project, dataset: "breast-cancer", body: Readable.from([CSV]), filename: "bc.csv", contentType: "text/csv" });
    dsv = up.version.id;
    await createExperiment(ds, { project, name: experiment });
    worker = await startWorker({ kdb: fx.kdb, boss, artifacts: fx.artifacts, concurrency: 2, pollingIntervalMs: 100, onEvent: () => undefined });
  }, 120_000);

  afterAll(async () => {
    await worker.stop({ timeoutMs: 5000 });
    await boss.stop({ graceful: false });
    await fx.destroy();
  });

  const ended = (runId: string, timeoutMs = 60_000) =>
    waitFor(
      `run ${runId} to end`,
      async () => {
        const r = await getRun(fx.ctx(fx.actors.data_scientist), { project, run: runId });
        return r.status === "queued" || r.status === "running" ? undefined : r;
      },
      timeoutMs,
      100,
    );

  it("trains a logistic regression, streams its curves, evaluates it and stores a model that predicts the same", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const { id } = await launchRun(ds, { project, experiment, datasetVersionId: dsv, target: "diagnosis", model: { family: "logistic", hyperparams: { epochs: 60 } } });
    const run = await ended(id);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(["wasm", "cpu", "tensorflow"]).toContain(run.backend);
    expect(run.backendAttempts?.at(-1)).toMatchObject({ backend: run.backend, ok: true });
    expect(run.packageVersions?.["@tensorflow/tfjs"]).toMatch(/^4\./);
    expect(run.attempt).toBe(1);
    expect(run.evaluation?.metrics).toMatchObject({ accuracy: expect.any(Number) as number, rocAuc: expect.any(Number) as number });
    const accuracy = run.metrics.test_accuracy ?? 0;
    expect(accuracy).toBeGreaterThan(0.93);
    expect(run.evaluation?.confusionMatrix?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(run.evaluation?.split.rows);
    expect(run.artifacts.map((a) => a.path)).toEqual(["evaluation.json", "model/model.json", "model/weights.bin", "pipeline.json"]);
    const epochs = Number(run.summary?.epochsRun);
    const curve = await getMetricHistory(ds, { project, run: id, key: "val_loss" });
    expect(curve.points.map((p) => p.step)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));

    // The stored model and pipeline give back the evaluation's predictions on the test rows.
    const byPath = new Map(run.artifacts.map((a) => [a.path, a.sha256]));
    const model = await loadModelArtifacts({ modelJson: await bytesOf(fx, byPath.get("model/model.json") ?? ""), weights: await bytesOf(fx, byPath.get("model/weights.bin") ?? "") });
    const pipeline = parsePipeline((await bytesOf(fx, byPath.get("pipeline.json") ?? "")).toString("utf8"));
    const rows = CSV.toString("utf8").trim().split("\n");
    const header = (rows[0] ?? "").split(",");
    const first = Object.fromEntries(header.map((h, i) => [h, (rows[1] ?? "").split(",")[i] ?? null]));
    const t = transform(pipeline, [first]);
    const probs = predictBatch(model, t.values, t.rows, t.outputColumns.length, "binary");
    expect(probs[0]?.[0]).toBeGreaterThanOrEqual(0);
    expect((probs[0]?.[0] ?? 0) + (probs[0]?.[1] ?? 0)).toBeCloseTo(1, 5);
    model.dispose();

    const logs = await fx.kdb.query<{ message: string }>("select message from run_logs where run_id = $1 order by id", [id]);
    expect(logs.rows.map((l) => l.message).join("\n")).toMatch(/on the (wasm|cpu|tensorflow) backend/);
    const audit = await fx.kdb.query<{ action: string }>("select action from audit_events where entity_id = $1 order by seq", [id]);
    expect(audit.rows.map((a) => a.action)).toEqual(["experiment.run.create", "experiment.run.succeeded"]);

    // Re-running from the receipt reproduces the test metrics exactly on the same backend.
    const again = await rerunRun(ds, { project, run: id });
    const rerun = await ended(again.id);
    expect(rerun.reproduction).toMatchObject({ originalRunId: id, sameBackend: true, sameDataset: true, reproduced: true });
  });

  it("cancels a running MLP within one epoch", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const { id } = await launchRun(ds, {
      project,
      experiment,
      datasetVersionId: dsv,
      target: "diagnosis",
      model: { family: "mlp", hyperparams: { epochs: 2000, earlyStopping: false } },
    });
    await waitFor("a few epochs", async () => {
      const h = await getMetricHistory(ds, { project, run: id, key: "train_loss" });
      return h.points.length >= 3 ? h : undefined;
    });
    const asked = await cancelRun(ds, { project, run: id });
    expect(asked).toMatchObject({ status: "running", cancelRequested: true });
    // the backend is on the run while it trains, not only once it ends
    expect(["wasm", "cpu", "tensorflow"]).toContain(asked.backend);
    expect(asked.packageVersions?.["@tensorflow/tfjs"]).toMatch(/^4\./);
    const atCancel = (await getMetricHistory(ds, { project, run: id, key: "train_loss" })).points.length;
    const run = await ended(id, 20_000);
    expect(run.status).toBe("cancelled");
    const after = (await getMetricHistory(ds, { project, run: id, key: "train_loss" })).points.length;
    // the epoch under way when the cancel landed may finish; no further epoch starts
    expect(after - atCancel).toBeLessThanOrEqual(1);
    expect(run.artifacts).toEqual([]);
  });

  it("runs a grid sweep under its parallelism and ends it with the best trial", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const sweep = await launchSweep(ds, {
      project,
      experiment,
      datasetVersionId: dsv,
      target: "diagnosis",
      model: { family: "logistic", hyperparams: { epochs: 15 } },
      search: { method: "grid", space: { learningRate: [0.001, 0.01, 0.1] }, parallelism: 2, metric: "test_roc_auc", goal: "maximize" },
    });
    expect(sweep.trials).toBe(3);
    const trialsAtStart = await listRuns(ds, { project, parent: sweep.id });
    expect(trialsAtStart.items.filter((t) => t.status === "queued").length).toBe(3);
    const { rows: queued } = await fx.kdb.query<{ n: number }>("select count(*)::int as n from runs where parent_run_id = $1 and job_id is not null", [sweep.id]);
    expect(queued[0]?.n).toBeLessThanOrEqual(2);
    const parent = await ended(sweep.id, 90_000);
    expect(parent.status).toBe("succeeded");
    const trials = await listRuns(ds, { project, parent: sweep.id, orderBy: "metrics.test_roc_auc desc" });
    expect(trials.items.map((t) => t.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(parent.children).toMatchObject({ total: 3, bestRunId: trials.items[0]?.id });
    expect(new Set(trials.items.map((t) => t.params.learningRate))).toEqual(new Set(["0.001", "0.01", "0.1"]));
    // trials stay out of the experiment's top-level table
    const top = await listRuns(ds, { project, experiment });
    expect(top.items.some((r) => r.parentRunId !== null)).toBe(false);
  });

  it("trains a linear regression and reports regression metrics and residuals", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const { id } = await launchRun(ds, {
      project,
      experiment,
      datasetVersionId: dsv,
      target: "mean area",
      features: ["mean radius", "mean perimeter", "mean texture"],
      model: { family: "linear", hyperparams: { epochs: 150, learningRate: 0.05 } },
    });
    const run = await ended(id);
    expect(run).toMatchObject({ status: "succeeded", task: "regression", family: "linear" });
    expect(run.evaluation?.metrics).toMatchObject({ r2: expect.any(Number) as number, rmse: expect.any(Number) as number });
    expect(run.metrics.test_r2).toBeGreaterThan(0.9);
    expect(run.evaluation?.residuals?.residual.length).toBe(run.evaluation?.split.rows);
    expect(run.evaluation?.confusionMatrix).toBeUndefined();
  });

  it("fails a run whose data cannot be read, with the reason on the run and the job", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project, name: "vanishing" });
    const rows = ["x,y", ...Array.from({ length: 40 }, (_, i) => `${i},${i % 2 === 0 ? "a" : "b"}`)].join("\n");
    const up = await uploadDatasetVersion(ds, { project, dataset: "vanishing", body: Readable.from([Buffer.from(rows)]), filename: "v.csv", contentType: "text/csv" });
    // the stored bytes disappear (a lost disk, a bucket emptied by hand) after the version was made
    await fx.artifacts.delete(up.version.sha256);
    const { id } = await launchRun(ds, { project, experiment, datasetVersionId: up.version.id, target: "y", model: { family: "logistic" } });
    const run = await ended(id);
    expect(run.status).toBe("failed");
    expect(run.error).toBe(`The file of dataset version ${up.version.id} (sha256 ${up.version.sha256}) is missing from the artifact store.`);
    expect(run.artifacts).toEqual([]);
    const audit = await fx.kdb.query<{ action: string }>("select action from audit_events where entity_id = $1 order by seq", [id]);
    expect(audit.rows.map((a) => a.action)).toEqual(["experiment.run.create", "experiment.run.failed"]);
    const { rows: jobs } = await fx.kdb.query<{ state: string }>("select state::text from pgboss.job where name = 'train' and data->>'runId' = $1", [id]);
    expect(jobs.map((j) => j.state)).toEqual(["failed"]);
  });
});
