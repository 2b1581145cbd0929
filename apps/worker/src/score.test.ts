/**
 * The `batch-score` job on the worker: a batch score started through the service is taken from the
 * queue, scored and written as a new dataset version; a bad row fails the job for good (no retry)
 * with the row and column named on the batch score, and no version written.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueue, getJob, type PgBoss } from "@keel/api/jobs";
import { createDataset, getDatasetVersion, uploadDatasetVersion } from "@keel/api/services/datasets";
import { setupRegistryWorld, TINY_CSV } from "@keel/api/services/registry/test-support";
import { getBatchScore, startBatchScore } from "@keel/api/services/scoring/index";
import { registerTrainedClassifier, versionColumns, type TrainedVersion } from "@keel/api/services/scoring/test-support";
import { setupFixture, type Fixture } from "@keel/api/testing";
import { testDriver } from "@keel/db/testing";
import { chooseBackend } from "@keel/ml/backend";
import { startWorker, type RunningWorker, type WorkerEvent } from "./index";
import { waitFor } from "./test-fixtures/support";

const project = "demo";

describe(`batch scoring on the worker (${testDriver()})`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let boss: PgBoss;
  let worker: RunningWorker;
  let trained: TrainedVersion;
  const events: WorkerEvent[] = [];

  beforeAll(async () => {
    await chooseBackend();
    fx = await setupFixture();
    boss = await createQueue(fx.kdb, { supervise: false });
    const world = await setupRegistryWorld(fx);
    trained = await registerTrainedClassifier(fx, world);
    worker = await startWorker({ kdb: fx.kdb, boss, artifacts: fx.artifacts, concurrency: 2, pollingIntervalMs: 100, reconcileIntervalMs: 0, onEvent: (e) => events.push(e) });
  }, 120_000);

  afterAll(async () => {
    await worker.stop({ timeoutMs: 5000 });
    await boss.stop({ graceful: false });
    await fx.destroy();
  });

  const ended = (id: string) =>
    waitFor(
      `batch score ${id} to end`,
      async () => {
        const b = await getBatchScore(fx.ctx(fx.actors.data_scientist), { project, id });
        return b.status === "succeeded" || b.status === "failed" ? b : undefined;
      },
      60_000,
      100,
    );

  it("takes the job from the queue and writes the scored rows as a new dataset version", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const started = await startBatchScore(ds, { project, model: trained.model, version: trained.version, dataset: "tiny" });
    const done = await ended(started.id);
    expect(done).toMatchObject({ status: "succeeded", rowsScored: 6, attempts: 1, error: null, output: { dataset: "tiny-scored-scorer", version: 1 } });
    const out = await getDatasetVersion(ds, { project, dataset: "tiny-scored-scorer", version: 1 });
    expect(out).toMatchObject({ source: "job", sourceRef: started.id, rowCount: 6 });
    const rows = await versionColumns(fx, project, "tiny-scored-scorer", 1);
    expect(rows.names).toEqual(["age", "city", "income", "label", "prediction", "probability_no", "probability_yes"]);
    const job = await waitFor("the job to complete", async () => {
      const j = await getJob(fx.kdb.db, started.jobId ?? "");
      return j?.state === "completed" ? j : undefined;
    });
    expect(job.output).toMatchObject({ status: "succeeded", batchScoreId: started.id, outputDatasetVersionId: out.id, rows: 6, backend: expect.any(String) as string });
  });

  it("fails a batch score with a bad row for good, naming row and column, without retrying", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project, name: "tiny-bad" });
    await uploadDatasetVersion(ds, { project, dataset: "tiny-bad", body: Readable.from([Buffer.from(TINY_CSV.replace("44,nice,75000,no", "44,nice,lots,no"))]), filename: "bad.csv" });
    const started = await startBatchScore(ds, { project, model: trained.model, version: trained.version, dataset: "tiny-bad" });
    const failed = await ended(started.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, errorDetails: [{ path: "rows[4].income" }], output: { versionId: null } });
    expect(failed.error).toMatch(/row 4, column "income": "lots" is not a number/);
    const job = await waitFor("the job to fail", async () => {
      const j = await getJob(fx.kdb.db, started.jobId ?? "");
      return j?.state === "failed" ? j : undefined;
    });
    expect(job.retryCount).toBe(0);
    expect(events.some((e) => e.type === "job.failed" && e.jobId === started.jobId && !e.retryable)).toBe(true);
    const datasets = await fx.kdb.query<{ n: number }>("select count(*)::int as n from datasets where name = 'tiny-bad-scored-scorer'");
    expect(datasets.rows[0]?.n).toBe(0);
  });
});
