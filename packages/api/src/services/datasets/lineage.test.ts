/**
 * The lineage of a dataset version on a real database: runs trained on it, the model versions
 * registered from them with their aliases, the deployments routing them now, the batch score that
 * wrote a version and the batch scores that read one; a fresh version has none; who may read it.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, newId, schema } from "@keel/db";
import { testDriver } from "@keel/db/testing";
import { KeelError } from "../../errors";
import { restClient } from "../../rest/test-client";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import { createDeployment } from "../deployments/index";
import { createModel, registerModelVersion, setAlias } from "../registry/index";
import { setupRegistryWorld, TINY_CSV, type RegistryWorld } from "../registry/test-support";
import { createToken } from "../tokens";
import { createDataset } from "./datasets";
import { getDatasetVersionLineage } from "./index";
import { uploadDatasetVersion } from "./versions";

const project = "demo";

async function refusal(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
}

describe(`dataset version lineage (${testDriver()})`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let world: RegistryWorld;
  let trainedRun: string;
  let failedRun: string;
  let mvId: string;
  let scoredId: string;
  let queuedId: string;

  beforeAll(async () => {
    fx = await setupFixture();
    world = await setupRegistryWorld(fx);
    const ds = fx.ctx(fx.actors.data_scientist);
    trainedRun = await world.run();
    failedRun = await world.run({ status: "failed", artifacts: [] });
    await createModel(ds, { project, name: "churn" });
    const mv = await registerModelVersion(ds, { project, model: "churn", runId: trainedRun });
    mvId = mv.id;
    await setAlias(ds, { project, model: "churn", alias: "champion", version: mv.version });
    await createDeployment(ds, { project, name: "churn-staging", model: "churn", environment: "staging", traffic: [{ version: mv.version }] });

    // A batch score of tiny v1 by churn v1 that wrote tiny-scored v1 (as the job leaves it), and one still queued.
    scoredId = newId("batchScore");
    queuedId = newId("batchScore");
    await fx.kdb.db.insert(schema.batchScores).values([
      { id: scoredId, projectId: world.projectId, modelVersionId: mvId, inputDatasetVersionId: world.datasetVersionId, outputDatasetName: "tiny-scored", status: "running", rowsTotal: 6 },
      { id: queuedId, projectId: world.projectId, modelVersionId: mvId, inputDatasetVersionId: world.datasetVersionId, outputDatasetName: "tiny-later", status: "queued", rowsTotal: 6 },
    ]);
    await createDataset(ds, { project, name: "tiny-scored" });
    const out = await uploadDatasetVersion(ds, {
      project,
      dataset: "tiny-scored",
      body: Readable.from([Buffer.from(TINY_CSV.replace("label\n", "label,prediction\n").replace(/(yes|no)\n/g, "$1,$1\n"))]),
      filename: "scores.csv",
      contentType: "text/csv",
      source: "job",
      sourceRef: scoredId,
    });
    await fx.kdb.db
      .update(schema.batchScores)
      .set({ status: "succeeded", rowsScored: 6, outputDatasetVersionId: out.version.id })
      .where(eq(schema.batchScores.id, scoredId));

    // A dataset nobody used.
    await createDataset(ds, { project, name: "fresh" });
    await uploadDatasetVersion(ds, { project, dataset: "fresh", body: Readable.from([Buffer.from(TINY_CSV)]), filename: "fresh.csv", contentType: "text/csv" });
  }, 120_000);

  afterAll(async () => {
    await fx.destroy();
  });

  it("lists the runs trained on a version, the model versions registered from them, their aliases and deployments, and the batch scores that read it", async () => {
    const before = await auditCount(fx.kdb);
    const lineage = await getDatasetVersionLineage(fx.ctx(fx.actors.viewer), { project, dataset: "tiny", version: 1 });
    expect(lineage.dataset).toBe("tiny");
    expect(lineage.version).toBe(1);
    expect(lineage.runs.total).toBe(2);
    expect(lineage.runs.items.map((r) => r.id).sort()).toEqual([trainedRun, failedRun].sort());
    expect(lineage.runs.items.find((r) => r.id === failedRun)).toMatchObject({ status: "failed", experiment: { id: world.experimentId, name: "reg" } });
    expect(lineage.runs.items.find((r) => r.id === trainedRun)).toMatchObject({ status: "succeeded", name: expect.stringMatching(/^run-\d+$/) as unknown });
    expect(lineage.modelVersions).toEqual([
      { id: mvId, model: "churn", version: 1, runId: trainedRun, experiment: { id: world.experimentId, name: "reg" }, status: "ready", aliases: ["champion"], createdAt: expect.any(String) as unknown },
    ]);
    expect(lineage.deployments).toEqual([{ name: "churn-staging", environment: "staging", model: "churn", version: 1, mode: "live", percent: 100 }]);
    expect(lineage.derivedFrom).toBeNull();
    expect(lineage.scoredInto).toHaveLength(2);
    const byId = new Map(lineage.scoredInto.map((s) => [s.batchScoreId, s]));
    expect(byId.get(scoredId)).toMatchObject({
      status: "succeeded",
      model: { id: mvId, model: "churn", version: 1 },
      outputDataset: "tiny-scored",
      output: { dataset: "tiny-scored", version: 1 },
    });
    expect(byId.get(queuedId)).toMatchObject({ status: "queued", outputDataset: "tiny-later", output: null });
    // Reading writes nothing.
    expect(await auditCount(fx.kdb)).toBe(before);
  });

  it("names the input version and the model version a batch-scored version was derived from", async () => {
    const lineage = await getDatasetVersionLineage(fx.ctx(fx.actors.data_scientist), { project, dataset: "tiny-scored", version: "latest" });
    expect(lineage.version).toBe(1);
    expect(lineage.derivedFrom).toMatchObject({
      batchScoreId: scoredId,
      input: { id: world.datasetVersionId, dataset: "tiny", version: 1 },
      model: { id: mvId, model: "churn", version: 1 },
    });
    expect(lineage.runs).toEqual({ total: 0, items: [] });
    expect(lineage.modelVersions).toEqual([]);
    expect(lineage.scoredInto).toEqual([]);
  });

  it("is empty for a version nothing used, and answers 404 naming the version that does not exist", async () => {
    const lineage = await getDatasetVersionLineage(fx.ctx(fx.actors.viewer), { project, dataset: "fresh", version: 1 });
    expect(lineage).toEqual({ dataset: "fresh", version: 1, runs: { total: 0, items: [] }, modelVersions: [], deployments: [], derivedFrom: null, scoredInto: [] });
    const missing = await refusal(getDatasetVersionLineage(fx.ctx(fx.actors.viewer), { project, dataset: "fresh", version: 7 }));
    expect(missing).toBeInstanceOf(KeelError);
    expect(missing).toMatchObject({ code: "NOT_FOUND", details: [{ path: "version" }] });
  });

  it("lets every member read it and refuses an outsider and an anonymous caller", async () => {
    for (const actor of [fx.actors.viewer, fx.actors.auditor, fx.actors.approver, fx.actors.owner]) {
      const lineage = await getDatasetVersionLineage(fx.ctx(actor), { project, dataset: "tiny", version: 1 });
      expect(lineage.runs.total).toBe(2);
    }
    const outsider = await refusal(getDatasetVersionLineage(fx.ctx(fx.actors.outsider), { project, dataset: "tiny", version: 1 }));
    expect(outsider).toBeInstanceOf(KeelError);
    expect((outsider as KeelError).reason).toBe("permission");
    const anonymous = await refusal(getDatasetVersionLineage(fx.ctx(null), { project, dataset: "tiny", version: 1 }));
    expect(anonymous).toBeInstanceOf(KeelError);
    expect((anonymous as KeelError).reason).toBe("authentication");
  });

  it("GET …/versions/{version}/lineage answers a viewer's token with the lineage", async () => {
    const call = restClient(() => fx);
    const viewer = (await createToken(fx.ctx(fx.actors.admin), { project, name: "lineage-viewer", role: "viewer" })).token;
    const ok = await call(`/projects/${project}/datasets/tiny/versions/1/lineage`, { token: viewer });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ dataset: "tiny", version: 1, runs: { total: 2 }, modelVersions: [{ model: "churn", aliases: ["champion"] }], deployments: [{ name: "churn-staging" }] });
    const anonymous = await call(`/projects/${project}/datasets/tiny/versions/1/lineage`);
    expect(anonymous.status).toBe(401);
  });

  it("lists at most 100 runs, newest first, and counts them all", async () => {
    const added: string[] = [];
    for (let i = 0; i < 100; i++) added.push(await world.run({ artifacts: [] }));
    const lineage = await getDatasetVersionLineage(fx.ctx(fx.actors.viewer), { project, dataset: "tiny", version: 1 });
    expect(lineage.runs.total).toBe(102);
    expect(lineage.runs.items).toHaveLength(100);
    const times = lineage.runs.items.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(lineage.runs.items.every((r) => added.includes(r.id))).toBe(true);
    expect(lineage.runs.items.map((r) => r.id)).not.toContain(trainedRun);
  });
});
