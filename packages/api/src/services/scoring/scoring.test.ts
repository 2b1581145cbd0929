/**
 * Batch scoring end to end on a real database and artifact store: a registered classifier (really
 * trained) scores its own training dataset version; the output is a new, profiled dataset version
 * whose rows carry predictions equal to the Predictor's, with its lineage readable; the rules that
 * refuse a batch score up front; a bad row that fails the job naming row and column, writing nothing.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq, schema } from "@keel/db";
import { testDriver } from "@keel/db/testing";
import { chooseBackend } from "@keel/ml/backend";
import { systemActor, type ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { getJob } from "../../jobs/send";
import { createQueue, type PgBoss } from "../../jobs/queue";
import { NonRetryableJobError } from "../../jobs/errors";
import { restClient } from "../../rest/test-client";
import { createToken } from "../tokens";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import { createDataset } from "../datasets/datasets";
import { getDatasetVersion, listDatasetVersions, uploadDatasetVersion } from "../datasets/versions";
import { getModelVersion } from "../registry/versions";
import { setupRegistryWorld, TINY_CSV, type RegistryWorld } from "../registry/test-support";
import { loadVersionPredictor } from "../serving/predictor";
import { getBatchScore, listBatchScores, runBatchScore, startBatchScore } from "./index";
import { registerTrainedClassifier, versionColumns, type TrainedVersion } from "./test-support";

const project = "demo";

describe(`batch scoring (${testDriver()})`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let boss: PgBoss;
  let world: RegistryWorld;
  let trained: TrainedVersion;
  let worker: ServiceContext;

  beforeAll(async () => {
    await chooseBackend();
    fx = await setupFixture();
    boss = await createQueue(fx.kdb, { supervise: false });
    world = await setupRegistryWorld(fx);
    trained = await registerTrainedClassifier(fx, world);
    worker = { db: fx.kdb.db, actor: systemActor("worker"), requestId: "job-test", artifacts: fx.artifacts };
  }, 120_000);

  afterAll(async () => {
    await boss.stop({ graceful: false });
    await fx.destroy();
  });

  async function auditActions(entityId: string): Promise<string[]> {
    const rows = await fx.kdb.db.select({ action: schema.auditEvents.action }).from(schema.auditEvents).where(eq(schema.auditEvents.entityId, entityId)).orderBy(schema.auditEvents.seq);
    return rows.map((r) => r.action);
  }

  it("scores the training dataset version into a new, profiled dataset version with the Predictor's predictions and its lineage", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const started = await startBatchScore(ds, { project, model: trained.model, version: trained.version, dataset: "tiny", datasetVersion: 1 });
    expect(started).toMatchObject({
      status: "queued",
      model: { name: "scorer", version: trained.version, versionId: trained.versionId },
      input: { dataset: "tiny", version: 1, versionId: world.datasetVersionId },
      output: { dataset: "tiny-scored-scorer", datasetId: null, versionId: null, version: null },
      outputColumns: ["prediction", "probability_no", "probability_yes"],
      rowsTotal: 6,
      rowsScored: 0,
      error: null,
      attempts: 0,
      createdBy: { id: fx.actors.data_scientist.id },
    });
    expect(started.id).toMatch(/^bs_[0-9a-z]{26}$/);
    // the queue job exists, in the same transaction as the row and its audit event
    const job = await getJob(fx.kdb.db, started.jobId ?? "");
    expect(job).toMatchObject({ type: "batch-score", state: "created", data: { batchScoreId: started.id } });
    expect(await auditActions(started.id)).toEqual(["registry.batch_score.create"]);

    const result = await runBatchScore(worker, { batchScoreId: started.id, chunkRows: 4 });
    expect(result).toMatchObject({ status: "succeeded", rows: 6, created: true });

    const done = await getBatchScore(fx.ctx(fx.actors.viewer), { project, id: started.id });
    expect(done).toMatchObject({ status: "succeeded", rowsScored: 6, attempts: 1, error: null, errorDetails: [], output: { dataset: "tiny-scored-scorer", version: 1 } });
    expect(done.startedAt).not.toBeNull();
    expect(done.endedAt).not.toBeNull();

    // the output version: computed schema/profile/quality, lineage to this batch score
    const out = await getDatasetVersion(ds, { project, dataset: "tiny-scored-scorer", version: 1 });
    expect(out.id).toBe(done.output.versionId);
    expect(out).toMatchObject({ source: "job", sourceRef: started.id, rowCount: 6, columnCount: 7, format: "csv", parentVersion: null, createdBy: { id: fx.actors.data_scientist.id } });
    expect(out.columns.map((c) => c.name)).toEqual(["age", "city", "income", "label", "prediction", "probability_no", "probability_yes"]);
    expect(out.columns.find((c) => c.name === "probability_yes")?.type).toBe("numeric");
    expect(out.profile.columns.map((c) => c.name)).toEqual(out.columns.map((c) => c.name));
    expect(out.profile.columns.find((c) => c.name === "prediction")?.count).toBe(6);
    expect(["pass", "warn", "fail"]).toContain(out.quality.status);

    // the predictions are the Predictor's on the same rows
    const [mv] = await fx.kdb.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.id, trained.versionId));
    if (!mv) throw new Error("model version missing");
    const predictor = await loadVersionPredictor(fx.artifacts, mv);
    const input = await versionColumns(fx, project, "tiny", 1);
    const expected = await predictor.predict(input.rows.map((r) => Object.fromEntries(input.names.map((n, j) => [n, r[j] ?? null]))));
    predictor.dispose();
    const scored = await versionColumns(fx, project, "tiny-scored-scorer", 1);
    expect(scored.rows.length).toBe(6);
    expect(scored.rows.map((r) => r.slice(0, 4))).toEqual(input.rows);
    scored.rows.forEach((r, i) => {
      const e = expected[i];
      expect(r[4]).toBe(e?.prediction);
      expect(Number(r[5])).toBe(e?.probabilities?.no);
      expect(Number(r[6])).toBe(e?.probabilities?.yes);
    });
    expect(scored.rows.every((r) => r[4] === "yes" || r[4] === "no")).toBe(true);

    // lineage both ways: by model, by the input dataset and by the output dataset
    const byModel = await listBatchScores(fx.ctx(fx.actors.viewer), { project, model: "scorer" });
    expect(byModel.map((b) => b.id)).toContain(started.id);
    expect((await listBatchScores(ds, { project, dataset: "tiny" })).map((b) => b.id)).toContain(started.id);
    expect((await listBatchScores(ds, { project, dataset: "tiny-scored-scorer" })).map((b) => b.id)).toContain(started.id);
    expect(await listBatchScores(ds, { project, status: "failed" })).toEqual([]);

    // one audit event per write of the finished job, all in its transaction
    expect(await auditActions(started.id)).toEqual(["registry.batch_score.create", "registry.batch_score.succeeded"]);
    expect(await auditActions(out.id)).toEqual(["dataset.version.create"]);
    expect(await auditActions(out.datasetId)).toEqual(["dataset.create"]);

    // a second delivery of the same job is skipped: no second version
    expect(await runBatchScore(worker, { batchScoreId: started.id })).toMatchObject({ status: "skipped" });
    expect(await listDatasetVersions(ds, { project, dataset: "tiny-scored-scorer" })).toHaveLength(1);
  });

  it("scoring the same rows again with the same model reuses the content-addressed version", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const again = await startBatchScore(ds, { project, model: "scorer", version: trained.version, dataset: "tiny" });
    expect(await runBatchScore(worker, { batchScoreId: again.id })).toMatchObject({ status: "succeeded", created: false });
    const done = await getBatchScore(ds, { project, id: again.id });
    expect(done).toMatchObject({ status: "succeeded", output: { dataset: "tiny-scored-scorer", version: 1 } });
    expect(await listDatasetVersions(ds, { project, dataset: "tiny-scored-scorer" })).toHaveLength(1);
  });

  it("refuses a viewer, an auditor and an approver (403) and hides the project from an outsider (404), writing nothing", async () => {
    const before = await auditCount(fx.kdb);
    const statuses: number[] = [];
    for (const who of [fx.actors.viewer, fx.actors.auditor, fx.actors.approver, fx.actors.outsider]) {
      const err = await startBatchScore(fx.ctx(who), { project, model: "scorer", version: trained.version, dataset: "tiny" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeelError);
      statuses.push((err as KeelError).status);
    }
    expect(statuses).toEqual([403, 403, 403, 404]);
    expect(await auditCount(fx.kdb)).toBe(before);
  });

  it("refuses up front what cannot be scored: a missing input column, a clashing column, the input as output, an unknown version", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project, name: "no-income" });
    await uploadDatasetVersion(ds, { project, dataset: "no-income", body: Readable.from([Buffer.from("age,city\n34,paris\n51,lyon\n")]), filename: "x.csv" });
    await createDataset(ds, { project, name: "clash" });
    await uploadDatasetVersion(ds, { project, dataset: "clash", body: Readable.from([Buffer.from("age,city,income,prediction\n34,paris,52000,yes\n51,lyon,61000,no\n")]), filename: "x.csv" });
    const before = await auditCount(fx.kdb);
    const refusal = async (input: Parameters<typeof startBatchScore>[1]): Promise<KeelError> => {
      const err = await startBatchScore(ds, input).then(
        () => new Error("expected a refusal"),
        (e: unknown) => e,
      );
      if (!(err instanceof KeelError)) throw err;
      return err;
    };

    const missing = await refusal({ project, model: "scorer", version: trained.version, dataset: "no-income" });
    expect(missing).toMatchObject({ code: "BAD_REQUEST", details: [{ path: "datasetVersion.columns.income" }] });
    expect(missing.message).toMatch(/'income'/);
    const clash = await refusal({ project, model: "scorer", version: trained.version, dataset: "clash" });
    expect(clash).toMatchObject({ code: "BAD_REQUEST", details: [{ path: "datasetVersion.columns.prediction" }] });
    const same = await refusal({ project, model: "scorer", version: trained.version, dataset: "tiny", outputDataset: "TINY" });
    expect(same).toMatchObject({ code: "BAD_REQUEST", details: [{ path: "outputDataset" }] });
    expect(await refusal({ project, model: "scorer", version: 99, dataset: "tiny" })).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal({ project, model: "scorer", version: trained.version, dataset: "tiny", datasetVersion: 7 })).toMatchObject({ code: "NOT_FOUND" });
    expect(await auditCount(fx.kdb)).toBe(before);
    expect((await fx.kdb.db.select({ n: count() }).from(schema.batchScores))[0]?.n).toBe(2);
  });

  it("fails the job on a bad row, naming its row and column, and writes no dataset version", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project, name: "tiny-bad" });
    const bad = TINY_CSV.replace("29,paris,38000,yes", "twenty-nine,paris,38000,yes");
    await uploadDatasetVersion(ds, { project, dataset: "tiny-bad", body: Readable.from([Buffer.from(bad)]), filename: "bad.csv" });
    const started = await startBatchScore(ds, { project, model: "scorer", version: trained.version, dataset: "tiny-bad", outputDataset: "bad-scores" });
    const versionsBefore = (await fx.kdb.db.select({ n: count() }).from(schema.datasetVersions))[0]?.n;

    const err = await runBatchScore(worker, { batchScoreId: started.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableJobError);
    expect((err as Error).message).toMatch(/row 3, column "age": "twenty-nine" is not a number/);

    const failed = await getBatchScore(ds, { project, id: started.id });
    expect(failed).toMatchObject({ status: "failed", rowsScored: 0, output: { dataset: "bad-scores", versionId: null }, errorDetails: [{ path: "rows[3].age", message: '"twenty-nine" is not a number' }] });
    expect(failed.error).toMatch(/version 1 of dataset 'tiny-bad': row 3, column "age".*Nothing was written/);
    expect((await fx.kdb.db.select({ n: count() }).from(schema.datasetVersions))[0]?.n).toBe(versionsBefore);
    expect(await fx.kdb.db.select().from(schema.datasets).where(eq(schema.datasets.name, "bad-scores"))).toEqual([]);
    expect(await auditActions(started.id)).toEqual(["registry.batch_score.create", "registry.batch_score.failed"]);
    // a failed batch score stays failed: a redelivery is skipped
    expect(await runBatchScore(worker, { batchScoreId: started.id })).toMatchObject({ status: "skipped" });
    expect(await listBatchScores(ds, { project, status: "failed" })).toHaveLength(1);
  });

  it("accepts missing values (imputed) and records the model version's lineage on the output", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project, name: "gaps" });
    await uploadDatasetVersion(ds, { project, dataset: "gaps", body: Readable.from([Buffer.from("city,age,income\nparis,,52000\n,51,NA\nrome,40,45000\n")]), filename: "gaps.csv" });
    const started = await startBatchScore(ds, { project, model: "scorer", version: trained.version, dataset: "gaps" });
    await runBatchScore(worker, { batchScoreId: started.id });
    const done = await getBatchScore(ds, { project, id: started.id });
    expect(done).toMatchObject({ status: "succeeded", rowsScored: 3, output: { dataset: "gaps-scored-scorer", version: 1 } });
    const mv = await getModelVersion(ds, { project, model: "scorer", version: trained.version });
    expect(done.model.versionId).toBe(mv.id);
    const rows = await versionColumns(fx, project, "gaps-scored-scorer", 1);
    expect(rows.names).toEqual(["city", "age", "income", "prediction", "probability_no", "probability_yes"]);
    for (const r of rows.rows) expect(Number(r[4]) + Number(r[5])).toBeCloseTo(1, 5);
  });

  it("puts a batch score back in the queue after an error that a retry may fix, and fails it on the last attempt", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const started = await startBatchScore(ds, { project, model: "scorer", version: trained.version, dataset: "tiny", outputDataset: "flaky-scores" });
    // a store whose writes fail (as a full disk would); reads work
    const flaky = new Proxy(fx.artifacts, {
      get(target, key, receiver) {
        if (key === "stage") return () => Promise.reject(new Error("ENOSPC: no space left on device"));
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const flakyWorker: ServiceContext = { ...worker, artifacts: flaky };
    const first = await runBatchScore(flakyWorker, { batchScoreId: started.id }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(NonRetryableJobError);
    const queued = await getBatchScore(ds, { project, id: started.id });
    expect(queued).toMatchObject({ status: "queued", attempts: 1 });
    expect(queued.error).toMatch(/Attempt 1 failed \(it will be retried\): ENOSPC/);
    expect(await auditActions(started.id)).toEqual(["registry.batch_score.create"]);

    const last = await runBatchScore(flakyWorker, { batchScoreId: started.id, lastAttempt: true }).catch((e: unknown) => e);
    expect(last).toBeInstanceOf(NonRetryableJobError);
    expect(await getBatchScore(ds, { project, id: started.id })).toMatchObject({ status: "failed", attempts: 2, error: "ENOSPC: no space left on device" });
    expect(await auditActions(started.id)).toEqual(["registry.batch_score.create", "registry.batch_score.failed"]);
    expect(await fx.kdb.db.select().from(schema.datasets).where(eq(schema.datasets.name, "flaky-scores"))).toEqual([]);
  });

  it("shows a batch score whose queue job was cancelled as failed", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const started = await startBatchScore(ds, { project, model: "scorer", version: trained.version, dataset: "tiny", outputDataset: "cancelled-scores" });
    await boss.cancel("batch-score", started.jobId ?? "");
    const seen = await getBatchScore(ds, { project, id: started.id });
    expect(seen).toMatchObject({ status: "failed" });
    expect(seen.error).toMatch(/was cancelled/);
  });

  describe("over REST", () => {
    const call = restClient(() => fx);
    it("POST …/versions/{version}/batch-scores answers 202 with the queued job; GET reads it; a viewer's token gets 403", async () => {
      const writer = (await createToken(fx.ctx(fx.actors.admin), { project, name: "bs-writer", role: "data_scientist" })).token;
      const viewer = (await createToken(fx.ctx(fx.actors.admin), { project, name: "bs-viewer", role: "viewer" })).token;
      const path = `/projects/${project}/models/scorer/versions/${trained.version}/batch-scores`;
      const posted = await call(path, { method: "POST", token: writer, json: { dataset: "tiny", datasetVersion: "1", outputDataset: "rest-scores" } });
      expect(posted).toMatchObject({ status: 202, body: { status: "queued", output: { dataset: "rest-scores" }, rowsTotal: 6 } });
      const id = String(posted.body.id);
      const read = await call(`/projects/${project}/batch-scores/${id}`, { token: viewer });
      expect(read).toMatchObject({ status: 200, body: { id, status: "queued" } });
      const list = await call(`/projects/${project}/batch-scores?model=scorer`, { token: viewer });
      expect(list.status).toBe(200);
      expect((list.body.items as { id: string }[]).map((b) => b.id)).toContain(id);
      const denied = await call(path, { method: "POST", token: viewer, json: { dataset: "tiny" } });
      expect(denied.status).toBe(403);
      const bad = await call(path, { method: "POST", token: writer, json: { dataset: "tiny", datasetVersion: "x" } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/datasetVersion/);
    });
  });
});
