/**
 * Test helper: a registered model version with real artifacts. A logistic regression is trained
 * in-process (trainTabular, as the worker would) on the registry world's dataset version, its
 * model, weights and pipeline are stored in the fixture's artifact store, and the run is
 * registered as a version of `model`.
 */
import { Readable } from "node:stream";
import { schema } from "@keel/db";
import { trainTabular } from "@keel/ml/models";
import type { Cell, ColumnType } from "@keel/ml/tabular";
import type { Fixture } from "../../testing";
import { getDatasetVersion, getVersionRows } from "../datasets/versions";
import { createModel } from "../registry/models";
import { registerModelVersion } from "../registry/versions";
import type { RegistryWorld } from "../registry/test-support";

export interface TrainedVersion {
  model: string;
  version: number;
  versionId: string;
  runId: string;
}

/** Reads every row of a dataset version as columns of cells. */
export async function versionColumns(fx: Fixture, project: string, dataset: string, version: number): Promise<{ names: string[]; columns: Record<string, Cell[]>; rows: Cell[][] }> {
  const ctx = fx.ctx(fx.actors.data_scientist);
  const page = await getVersionRows(ctx, { project, dataset, version, offset: 0, limit: 500 });
  const columns: Record<string, Cell[]> = Object.fromEntries(page.columns.map((c) => [c, []]));
  for (const row of page.rows) page.columns.forEach((c, j) => (columns[c] as Cell[]).push(row[j] ?? null));
  return { names: page.columns, columns, rows: page.rows };
}

export async function registerTrainedClassifier(
  fx: Fixture,
  world: RegistryWorld,
  opts: { project?: string; dataset?: string; model?: string } = {},
): Promise<TrainedVersion> {
  const project = opts.project ?? "demo";
  const dataset = opts.dataset ?? "tiny";
  const modelName = opts.model ?? "scorer";
  const ds = fx.ctx(fx.actors.data_scientist);
  const dv = await getDatasetVersion(ds, { project, dataset, version: "latest" });
  const types = new Map<string, ColumnType>(dv.columns.map((c) => [c.name, c.type]));
  const { columns } = await versionColumns(fx, project, dataset, dv.version);
  const features = ["age", "city", "income"].map((name) => ({ name, type: types.get(name) ?? "numeric" }));
  const result = await trainTabular({
    columns,
    target: "label",
    features,
    task: "binary",
    family: "logistic",
    hyperparams: { epochs: 5 },
    split: { test: 0.34, validation: 0, seed: 1 },
    featureImportance: false,
  });
  result.model.dispose();
  const runId = await world.run({ artifacts: [] });
  const files: [string, Uint8Array][] = [
    ["model/model.json", result.artifacts.modelJson],
    ["model/weights.bin", result.artifacts.weights],
    ["pipeline.json", new TextEncoder().encode(result.pipelineJson)],
  ];
  for (const [path, bytes] of files) {
    const put = await fx.artifacts.put(Readable.from([Buffer.from(bytes)]));
    await fx.kdb.db.insert(schema.runArtifacts).values({ runId, path, sha256: put.sha256, sizeBytes: put.size, contentType: "application/octet-stream" });
  }
  // The world's runs record the labels ["no", "yes"]: the trained model's must be the same.
  if (JSON.stringify(result.labels) !== JSON.stringify(["no", "yes"])) throw new Error(`unexpected labels ${JSON.stringify(result.labels)}`);
  await createModel(ds, { project, name: modelName });
  const mv = await registerModelVersion(ds, { project, model: modelName, runId });
  return { model: modelName, version: mv.version, versionId: mv.id, runId };
}
