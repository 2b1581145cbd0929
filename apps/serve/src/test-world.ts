/**
 * Test and bench support: a project with REAL trained runs (trainTabular on a small seeded
 * dataset, stored in the fixture's artifact store as the worker stores them), registered as model
 * versions and deployed. Not used by the server itself.
 */
import { Readable } from "node:stream";
import { createToken, type ServiceContext } from "@keel/api";
import { assertTrainableVersion, columnsOf, createDataset, openVersionSource, uploadDatasetVersion } from "@keel/api/services/datasets";
import { createDeployment } from "@keel/api/services/deployments";
import { createExperiment } from "@keel/api/services/experiments";
import { createModel, registerModelVersion } from "@keel/api/services/registry";
import { eq, newId, schema, type Db } from "@keel/db";
import { chooseBackend } from "@keel/ml/backend";
import { type ModelFamily, trainTabular, type TrainTabularResult, WEIGHTS_FILE } from "@keel/ml/models";
import type { Cell } from "@keel/ml/tabular";
import type { ArtifactStore } from "@keel/storage";

/** A deterministic generator (mulberry32) so the dataset is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FEATURES = ["x1", "x2", "color"] as const;
const COLORS = ["red", "green", "blue"];

/** CSV with numeric x1, x2, categorical color, a binary `label` and a numeric `amount`. */
export function servingCsv(rows = 240, seed = 7): string {
  const rand = seeded(seed);
  const lines = ["x1,x2,color,label,amount"];
  for (let i = 0; i < rows; i++) {
    const x1 = Math.round((rand() * 4 - 2) * 1000) / 1000;
    const x2 = Math.round((rand() * 4 - 2) * 1000) / 1000;
    const color = COLORS[Math.floor(rand() * COLORS.length)] ?? "red";
    const shift = color === "blue" ? 0.8 : color === "green" ? -0.4 : 0;
    const label = x1 + 0.5 * x2 + shift + (rand() - 0.5) * 0.6 > 0 ? "yes" : "no";
    const amount = Math.round((3 * x1 - 2 * x2 + shift * 2 + (rand() - 0.5) * 0.2) * 1000) / 1000;
    lines.push(`${x1},${x2},${color},${label},${amount}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Rows as a client sends them (JSON numbers and strings). */
export function sampleRows(count: number, seed = 99): Record<string, string | number>[] {
  const rand = seeded(seed);
  return Array.from({ length: count }, () => ({
    x1: Math.round((rand() * 4 - 2) * 1000) / 1000,
    x2: Math.round((rand() * 4 - 2) * 1000) / 1000,
    color: COLORS[Math.floor(rand() * COLORS.length)] ?? "red",
  }));
}

export interface TrainedRun {
  runId: string;
  result: TrainTabularResult;
}

export interface ServingWorld {
  projectId: string;
  datasetVersionId: string;
  /** Trains on the world's dataset and records a succeeded run with the real artifacts. */
  train(opts: { target: "label" | "amount"; family: ModelFamily; epochs?: number; hiddenLayers?: number[]; seed?: number }): Promise<TrainedRun>;
  /** createModel (if needed) + registerModelVersion; returns the version number. */
  register(model: string, runId: string): Promise<number>;
  deploy(name: string, model: string, traffic: { version: number; mode?: "live" | "shadow"; percent?: number | null }[]): Promise<void>;
  /** A bearer token of `role` in the project. */
  token(role: "viewer" | "data_scientist" | "owner"): Promise<string>;
}

let runCounter = 50_000;
let backend: Promise<unknown> | undefined;

export async function setupServingWorld(ctx: (requestId?: string) => ServiceContext, db: Db, artifacts: ArtifactStore, project = "demo", csv = servingCsv()): Promise<ServingWorld> {
  backend ??= chooseBackend();
  await backend;
  const c = ctx();
  await createDataset(c, { project, name: "serving-data" });
  const up = await uploadDatasetVersion(c, { project, dataset: "serving-data", body: Readable.from([Buffer.from(csv)]), filename: "serving.csv", contentType: "text/csv" });
  const exp = await createExperiment(c, { project, name: "serving-exp" });
  const [p] = await db.select({ id: schema.projects.id }).from(schema.projects).where(eq(schema.projects.slug, project));
  if (!p) throw new Error(`no project ${project}`);
  const projectId = p.id;
  const version = await assertTrainableVersion(c, up.version.id);
  const cols = columnsOf(version);
  const source = await openVersionSource(c, version);
  const index = new Map(source.columns.map((name, i) => [name, i]));
  const columns: Record<string, Cell[]> = Object.fromEntries(source.columns.map((n) => [n, [] as Cell[]]));
  for await (const batch of source.batches()) {
    for (const row of batch.rows) for (const name of source.columns) columns[name]?.push(row[index.get(name) ?? -1] ?? null);
  }
  const models = new Set<string>();
  const userId = c.actor?.type === "user" ? c.actor.id : null;

  const store = async (bytes: Uint8Array): Promise<{ sha256: string; size: number }> => {
    const put = await artifacts.put(Readable.from([Buffer.from(bytes)]));
    return { sha256: put.sha256, size: put.size };
  };

  return {
    projectId,
    datasetVersionId: up.version.id,
    async train(opts) {
      const features = FEATURES.map((name) => ({ name, type: cols.find((col) => col.name === name)?.type ?? "numeric" }));
      const targetType = cols.find((col) => col.name === opts.target)?.type;
      const task = opts.target === "label" ? "binary" : "regression";
      const result = await trainTabular({
        columns,
        target: opts.target,
        targetType,
        features,
        task,
        family: opts.family,
        hyperparams: { epochs: opts.epochs ?? 20, ...(opts.family === "mlp" ? { hiddenLayers: opts.hiddenLayers ?? [16, 8] } : {}) },
        split: { seed: opts.seed ?? 42 },
        featureImportance: false,
      });
      const files: [string, Uint8Array][] = [
        ["model/model.json", result.artifacts.modelJson],
        [`model/${WEIGHTS_FILE}`, result.artifacts.weights],
        ["pipeline.json", new TextEncoder().encode(result.pipelineJson)],
        ["evaluation.json", new TextEncoder().encode(JSON.stringify(result.evaluation))],
      ];
      const id = newId("run");
      const number = ++runCounter;
      const now = new Date();
      await db.insert(schema.runs).values({
        id,
        projectId,
        experimentId: exp.id,
        number,
        name: `serve-run-${number}`,
        kind: "training",
        status: "succeeded",
        task: result.task,
        family: opts.family,
        target: opts.target,
        features: features.map((f) => f.name),
        datasetVersionId: up.version.id,
        datasetSha256: up.version.sha256,
        summary: { labels: result.labels, epochsRun: result.epochsRun },
        createdBy: userId,
        startedAt: now,
        endedAt: now,
      });
      const stored = [];
      for (const [path, bytes] of files) {
        const put = await store(bytes);
        stored.push({ runId: id, path, sha256: put.sha256, sizeBytes: put.size, contentType: "application/octet-stream" });
      }
      await db.insert(schema.runArtifacts).values(stored);
      return { runId: id, result };
    },
    async register(model, runId) {
      if (!models.has(model)) {
        await createModel(ctx(), { project, name: model });
        models.add(model);
      }
      const v = await registerModelVersion(ctx(), { project, model, runId });
      return v.version;
    },
    async deploy(name, model, traffic) {
      await createDeployment(ctx(), { project, name, model, environment: "staging", traffic });
    },
    async token(role) {
      return (await createToken(ctx(), { project, name: `serve-${role}-${++runCounter}`, role })).token;
    },
  };
}
