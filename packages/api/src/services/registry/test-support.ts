/** Test helpers for the registry: succeeded training runs made by direct inserts (no worker). */
import { Readable } from "node:stream";
import { eq, newId, schema } from "@keel/db";
import type { Fixture } from "../../testing";
import { createDataset } from "../datasets/datasets";
import { uploadDatasetVersion } from "../datasets/versions";
import { createExperiment } from "../experiments/experiments";
import { actorUserId } from "../access";
import { createToken } from "../tokens";
import { createModel } from "./models";
import { registerModelVersion } from "./versions";

export const TINY_CSV = "age,city,income,label\n34,paris,52000,yes\n51,lyon,61000,no\n29,paris,38000,yes\n44,nice,75000,no\n38,lyon,49000,yes\n61,nice,82000,no\n";

export interface RegistryWorld {
  projectId: string;
  experimentId: string;
  datasetVersionId: string;
  datasetSha256: string;
  /** Inserts a run as the worker would leave it; returns its id. */
  run(opts?: { status?: "succeeded" | "running" | "failed"; kind?: "training" | "external"; artifacts?: string[]; projectId?: string; experimentId?: string }): Promise<string>;
}

let runNumber = 10_000;

export async function setupRegistryWorld(fx: Fixture, project = "demo", dataset = "tiny", experiment = "reg"): Promise<RegistryWorld> {
  const ds = fx.ctx(fx.actors.data_scientist);
  await createDataset(ds, { project, name: dataset });
  const up = await uploadDatasetVersion(ds, { project, dataset, body: Readable.from([Buffer.from(TINY_CSV)]), filename: "tiny.csv", contentType: "text/csv" });
  const exp = await createExperiment(ds, { project, name: experiment });
  const [p] = await fx.kdb.db.select({ id: schema.projects.id }).from(schema.projects).where(eq(schema.projects.slug, project));
  if (!p) throw new Error("project missing");
  const projectId = p.id;
  const createdBy = actorUserId(ds);
  const world: RegistryWorld = {
    projectId,
    experimentId: exp.id,
    datasetVersionId: up.version.id,
    datasetSha256: up.version.sha256,
    async run(opts = {}) {
      const id = newId("run");
      const number = ++runNumber;
      const status = opts.status ?? "succeeded";
      const now = new Date();
      await fx.kdb.db.insert(schema.runs).values({
        id,
        projectId: opts.projectId ?? projectId,
        experimentId: opts.experimentId ?? exp.id,
        number,
        name: `run-${number}`,
        kind: opts.kind ?? "training",
        status,
        task: "binary",
        family: "logistic",
        target: "label",
        features: ["age", "city", "income"],
        datasetVersionId: up.version.id,
        datasetSha256: up.version.sha256,
        summary: { labels: ["no", "yes"], epochsRun: 3 },
        createdBy,
        startedAt: now,
        endedAt: status === "running" ? null : now,
      });
      const paths = opts.artifacts ?? ["model/model.json", "model/weights.bin", "pipeline.json", "evaluation.json"];
      if (paths.length > 0) {
        await fx.kdb.db
          .insert(schema.runArtifacts)
          .values(paths.map((path, i) => ({ runId: id, path, sha256: (i.toString(16) + number.toString(16)).padEnd(64, "a"), sizeBytes: 100 + i, contentType: "application/octet-stream" })));
      }
      await fx.kdb.db.insert(schema.runLatestMetrics).values([
        { runId: id, key: "test_accuracy", value: 0.9, step: 3, timestamp: now, count: 1, minStep: 3, maxStep: 3 },
        { runId: id, key: "test_log_loss", value: 0.25, step: 3, timestamp: now, count: 1, minStep: 3, maxStep: 3 },
      ]);
      return id;
    },
  };
  return world;
}

/** API tokens of the personas a REST test acts as: each persona makes their own (a token acts for its maker). */
export async function personaTokens(fx: Fixture, project = "demo"): Promise<{ scientist: string; manager: string; owner: string; viewer: string }> {
  return {
    scientist: (await createToken(fx.ctx(fx.actors.data_scientist), { project, name: "ds", role: "data_scientist" })).token,
    manager: (await createToken(fx.ctx(fx.actors.approver), { project, name: "mgr", role: "approver" })).token,
    owner: (await createToken(fx.ctx(fx.actors.owner), { project, name: "own", role: "owner" })).token,
    viewer: (await createToken(fx.ctx(fx.actors.admin), { project, name: "v", role: "viewer" })).token,
  };
}

/** A model with `versions` versions registered (by the data scientist) from fresh succeeded runs. */
export async function modelWithVersions(fx: Fixture, w: RegistryWorld, name: string, versions: number, project = "demo"): Promise<void> {
  const ds = fx.ctx(fx.actors.data_scientist);
  await createModel(ds, { project, name });
  for (let i = 0; i < versions; i++) await registerModelVersion(ds, { project, model: name, runId: await w.run() });
}
