/**
 * Issue 5, acceptance 3: a Predictor loaded from a run's saved bytes (model.json, weights.bin,
 * pipeline JSON) predicts exactly what the run itself predicted on its test rows.
 */
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../backend";
import { predictBatch } from "../models/predict";
import { trainTabular, type TrainTabularResult } from "../models/tabular";
import { blobs } from "../models/testing";
import { transform } from "../pipeline/pipeline";
import { openTabular } from "../tabular";
import type { Cell } from "../tabular/types";
import { createMicroBatcher } from "./batcher";
import { loadPredictor, type Prediction, type Predictor } from "./predictor";
import { parsePredictRequest } from "./request";
import { type Signature, signatureFromPipeline } from "./signature";

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

let columns: Record<string, Cell[]> = {};
let names: string[] = [];

beforeAll(async () => {
  await chooseBackend();
  const source = await openTabular(root("test/fixtures/datasets/breast-cancer.csv"), { format: "csv" });
  names = source.columns;
  columns = Object.fromEntries(source.columns.map((c) => [c, [] as Cell[]]));
  for await (const batch of source.batches()) {
    for (const row of batch.rows) source.columns.forEach((c, j) => columns[c]?.push(row[j] ?? null));
  }
});

/** The test rows as the CSV gave them (strings), for the in-memory model + pipeline. */
function csvRows(result: TrainTabularResult, features: readonly string[]): Record<string, Cell>[] {
  return result.split.test.map((r) => Object.fromEntries(features.map((f) => [f, columns[f]?.[r] ?? null])));
}

/** What a client sends: the same rows as JSON numbers. */
function jsonRows(rows: readonly Record<string, Cell>[]): Record<string, Cell>[] {
  return JSON.parse(JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]))))) as Record<string, Cell>[];
}

async function predictorOf(result: TrainTabularResult, signature: Signature): Promise<Predictor> {
  // Bytes only: copies, so nothing is shared with the in-memory model.
  return loadPredictor({
    modelJson: result.artifacts.modelJson.slice(),
    weights: result.artifacts.weights.slice(),
    pipelineJson: result.pipelineJson,
    signature: JSON.parse(JSON.stringify(signature)) as unknown,
    batchSize: 64,
  });
}

describe("Predictor: served predictions equal the run's own", () => {
  it("logistic on breast cancer: same probabilities (1e-6) and the same labels as the evaluation", async () => {
    const features = names.filter((n) => n !== "diagnosis");
    const result = await trainTabular({
      columns,
      target: "diagnosis",
      targetType: "categorical",
      features: features.map((name) => ({ name, type: "numeric" as const })),
      family: "logistic",
      hyperparams: { epochs: 8 },
      featureImportance: false,
    });
    const signature = signatureFromPipeline(result.pipeline, result.task, result.labels);
    expect(signature.output).toEqual({ task: "binary", labels: ["benign", "malignant"] });
    const predictor = await predictorOf(result, signature);
    try {
      const raw = csvRows(result, features);
      const rows = parsePredictRequest({ instances: jsonRows(raw) }, signature);
      expect(rows).toHaveLength(result.split.test.length);
      const served = await predictor.predict(rows);

      const x = transform(result.pipeline, raw);
      const expected = predictBatch(result.model, x.values, x.rows, x.outputColumns.length, "binary");
      expect(served).toHaveLength(expected.length);
      served.forEach((p, i) => {
        const [neg = Number.NaN, pos = Number.NaN] = expected[i] ?? [];
        expect(Math.abs((p.probabilities?.benign ?? Number.NaN) - neg)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs((p.probabilities?.malignant ?? Number.NaN) - pos)).toBeLessThanOrEqual(1e-6);
        expect(p.prediction).toBe(pos > neg ? "malignant" : "benign");
      });

      // The evaluation's confusion matrix (true × predicted) and accuracy, from the served labels.
      const truth = result.split.test.map((r) => columns.diagnosis?.[r]);
      const labels = result.evaluation.confusionMatrix?.labels ?? [];
      const matrix = labels.map((t) => labels.map((p) => served.filter((s, i) => truth[i] === t && s.prediction === p).length));
      expect(matrix).toEqual(result.evaluation.confusionMatrix?.matrix);
      const metrics = result.evaluation.metrics;
      expect("accuracy" in metrics ? metrics.accuracy : Number.NaN).toBeCloseTo(served.filter((s, i) => s.prediction === truth[i]).length / served.length, 12);
    } finally {
      predictor.dispose();
      result.model.dispose();
    }
  });

  it("linear regression of mean area on 3 features: same values as the run (dataframe_split)", async () => {
    const features = ["mean radius", "mean texture", "mean perimeter"];
    const result = await trainTabular({
      columns,
      target: "mean area",
      targetType: "numeric",
      task: "regression",
      features: features.map((name) => ({ name, type: "numeric" as const })),
      family: "linear",
      hyperparams: { epochs: 10 },
      featureImportance: false,
    });
    const signature = signatureFromPipeline(result.pipeline, "regression", result.labels);
    expect(signature.output).toEqual({ task: "regression" });
    const predictor = await predictorOf(result, signature);
    try {
      const raw = csvRows(result, features);
      const json = jsonRows(raw);
      const rows = parsePredictRequest({ dataframe_split: { columns: [...features].reverse(), data: json.map((r) => [...features].reverse().map((f) => r[f] ?? null)) } }, signature);
      const served = await predictor.predict(rows);
      const x = transform(result.pipeline, raw);
      const expected = predictBatch(result.model, x.values, x.rows, x.outputColumns.length, "regression");
      // The evaluation's residuals hold every test row's prediction (fewer than MAX_RESIDUAL_POINTS), in order.
      expect(result.evaluation.residuals?.predicted).toEqual(expected);
      expect(served).toHaveLength(expected.length);
      served.forEach((p, i) => {
        expect(p.probabilities).toBeUndefined();
        const want = expected[i] ?? Number.NaN;
        expect(Math.abs(Number(p.prediction) - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
      });
    } finally {
      predictor.dispose();
      result.model.dispose();
    }
  });

  it("multiclass with a categorical input and nulls: label order, argmax and imputation", async () => {
    const data = blobs({ perClass: [40, 40, 40], dims: 2, spread: 0.6, seed: 3 });
    const n = data.label?.length ?? 0;
    data.shade = Array.from({ length: n }, (_, i): Cell => ["dark", "light", "mid"][i % 3] ?? null);
    const features = [
      { name: "x1", type: "numeric" as const },
      { name: "x2", type: "numeric" as const },
      { name: "shade", type: "categorical" as const },
    ];
    const result = await trainTabular({ columns: data, target: "label", features, family: "logistic", hyperparams: { epochs: 5 }, featureImportance: false });
    const signature = signatureFromPipeline(result.pipeline, result.task, result.labels);
    expect(signature.output).toEqual({ task: "multiclass", labels: ["a", "b", "c"] });
    const predictor = await predictorOf(result, signature);
    try {
      const rows = parsePredictRequest({ instances: [{ x1: 1, x2: -1, shade: "light" }, { x1: null, x2: 0.5, shade: null }, { x1: 0, x2: 0, shade: "never seen" }] }, signature);
      const served: Prediction[] = await predictor.predict(rows);
      const x = transform(result.pipeline, rows);
      const expected = predictBatch(result.model, x.values, x.rows, x.outputColumns.length, "multiclass");
      served.forEach((p, i) => {
        const probs = expected[i] ?? [];
        expect(Object.keys(p.probabilities ?? {})).toEqual(["a", "b", "c"]);
        expect(Object.values(p.probabilities ?? {})).toEqual(probs);
        expect(p.prediction).toBe(["a", "b", "c"][probs.indexOf(Math.max(...probs))]);
      });
      await expect(predictor.predict([])).resolves.toEqual([]);

      // Micro-batched single-row requests: one predict call, the same answers as one batch.
      const calls: number[] = [];
      const batcher = createMicroBatcher({
        maxBatch: 32,
        maxWaitMs: 2,
        run: (batch: Record<string, Cell>[]) => {
          calls.push(batch.length);
          return predictor.predict(batch);
        },
      });
      const singles = await Promise.all(rows.map((row) => batcher.submit(row)));
      await batcher.close();
      expect(calls).toEqual([rows.length]);
      expect(singles).toEqual(served);
    } finally {
      predictor.dispose();
      result.model.dispose();
    }
  });
});

describe("loadPredictor: the pieces must fit together", () => {
  it("refuses a signature, pipeline or model that do not match, and predicts nothing after dispose", async () => {
    const data = blobs({ perClass: [30, 30], dims: 2, spread: 0.6, seed: 4 });
    const features = [
      { name: "x1", type: "numeric" as const },
      { name: "x2", type: "numeric" as const },
    ];
    const result = await trainTabular({ columns: data, target: "label", features, family: "logistic", hyperparams: { epochs: 2 }, featureImportance: false });
    result.model.dispose();
    const signature = signatureFromPipeline(result.pipeline, result.task, result.labels);
    const load = (changes: { signature?: unknown; pipelineJson?: string }) =>
      loadPredictor({ modelJson: result.artifacts.modelJson, weights: result.artifacts.weights, pipelineJson: result.pipelineJson, signature, ...changes });
    const before = tf.memory().numTensors;

    await expect(load({ signature: { ...signature, inputs: [{ name: "x1", type: "integer" }, signature.inputs[1]] } })).rejects.toThrow(/are not the pipeline's/);
    await expect(load({ signature: { ...signature, output: { task: "multiclass", labels: ["a", "b", "c"] } } })).rejects.toThrow(/the model has 1 outputs; a multiclass model with this signature has 3/);
    await expect(load({ signature: { ...signature, output: { task: "binary" } } })).rejects.toThrow(/invalid signature: output.labels: a binary model needs its labels/);
    const narrower = JSON.stringify({ ...result.pipeline, steps: result.pipeline.steps.slice(0, 1) });
    await expect(load({ pipelineJson: narrower, signature: { ...signature, inputs: [signature.inputs[0]] } })).rejects.toThrow(/the model takes 2 columns, the pipeline makes 1/);
    await expect(load({ pipelineJson: "{" })).rejects.toThrow(/parsePipeline/);
    // Failed loads free the model they loaded.
    expect(tf.memory().numTensors).toBe(before);

    const predictor = await load({});
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    const [p] = await predictor.predict([{ x1: 0.1, x2: 0.2 }]);
    expect(Object.keys(p?.probabilities ?? {})).toEqual(["a", "b"]);
    predictor.dispose();
    predictor.dispose();
    expect(predictor.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect(predictor.predict([{ x1: 0, x2: 0 }])).rejects.toThrow(/after dispose/);
  });
});
