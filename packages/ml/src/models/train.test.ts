import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../backend";
import { logLossBinary } from "../metrics";
import { loadModelArtifacts, saveModelArtifacts } from "./artifacts";
import { resolveHyperparams } from "./hyperparams";
import { predictBatch } from "./predict";
import { matrix, seededNormal } from "./testing";
import { classWeights, type EpochLog, trainModel, type TrainModelOptions } from "./train";

beforeAll(async () => {
  await chooseBackend();
});

/** Two noisy classes in 4 columns (only the first two informative). */
function binaryData(rows: number, seed: number, positiveShare = 0.5, shift = 1.2): { x: Float64Array; y: number[] } {
  const normal = seededNormal(seed);
  const y = Array.from({ length: rows }, (_, i) => (i < rows * positiveShare ? 1 : 0));
  const cols = [0, 1, 2, 3].map((j) => y.map((c) => (j < 2 ? c * shift : 0) + normal()));
  return { x: matrix(cols), y };
}

function options(overrides: Partial<TrainModelOptions> = {}): TrainModelOptions {
  const train = binaryData(200, 1);
  const validation = binaryData(60, 2);
  return {
    family: "mlp",
    task: "binary",
    hyperparams: { hiddenLayers: [8], dropout: 0.2, epochs: 8, earlyStopping: false },
    cols: 4,
    train: { x: train.x, rows: 200, y: train.y },
    validation: { x: validation.x, rows: 60, y: validation.y },
    seed: 7,
    ...overrides,
  };
}

describe("trainModel", () => {
  it("is reproducible for a seed on one backend, and leaks no tensor", async () => {
    const before = tf.memory().numTensors;
    const a = await trainModel(options());
    const b = await trainModel(options());
    const c = await trainModel(options({ seed: 8 }));
    const strip = (h: EpochLog[]) => h.map(({ ms: _ms, ...rest }) => rest);
    expect(a.history).toHaveLength(8);
    expect(strip(a.history)).toEqual(strip(b.history));
    expect(strip(a.history)).not.toEqual(strip(c.history));
    const wa = a.model.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    expect(a.history.at(-1)?.valAccuracy).toBeGreaterThan(0.7);
    for (const r of [a, b, c]) r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("stops early and restores the best epoch's weights", async () => {
    const train = binaryData(60, 3, 0.5, 0.6);
    const validation = binaryData(60, 4, 0.5, 0.6);
    const result = await trainModel(
      options({
        family: "mlp",
        hyperparams: { hiddenLayers: [64], l2: 0, learningRate: 0.05, epochs: 300, earlyStopping: { patience: 3 } },
        train: { x: train.x, rows: 60, y: train.y },
        validation: { x: validation.x, rows: 60, y: validation.y },
      }),
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochsRun).toBe(result.bestEpoch + 3);
    const best = result.history[result.bestEpoch - 1];
    const valLosses = result.history.map((e) => e.valLoss ?? Number.POSITIVE_INFINITY);
    expect(best?.valLoss).toBe(Math.min(...valLosses));
    // The restored model's validation loss is the best epoch's, not the last one's.
    const p = predictBatch(result.model, validation.x, 60, 4, "binary").map((row) => row[1] ?? 0);
    const restored = logLossBinary(validation.y, p, 1);
    expect(restored).toBeCloseTo(best?.valLoss ?? Number.NaN, 4);
    expect(Math.abs(restored - (result.history.at(-1)?.valLoss ?? 0))).toBeGreaterThan(1e-4);
    result.model.dispose();
  });

  it("stops within one epoch when cancelled", async () => {
    const controller = new AbortController();
    const bySignal = await trainModel(
      options({
        hyperparams: { hiddenLayers: [8], epochs: 50, earlyStopping: false },
        signal: controller.signal,
        onEpoch: (e) => {
          if (e.epoch === 3) controller.abort();
        },
      }),
    );
    expect(bySignal).toMatchObject({ cancelled: true, epochsRun: 3, stoppedEarly: false });
    bySignal.model.dispose();

    let asked = 0;
    const byCallback = await trainModel(options({ hyperparams: { epochs: 50, earlyStopping: false, hiddenLayers: [8] }, shouldStop: async () => ++asked === 2 }));
    expect(byCallback).toMatchObject({ cancelled: true, epochsRun: 2 });
    byCallback.model.dispose();

    // Already aborted: the first batch's check stops it; the cut-short epoch is not reported.
    const seen: EpochLog[] = [];
    const before = tf.memory().numTensors;
    const aborted = await trainModel(options({ signal: AbortSignal.abort(), onEpoch: (e) => void seen.push(e) }));
    expect(aborted).toMatchObject({ cancelled: true, epochsRun: 0, bestEpoch: 0 });
    expect(seen).toEqual([]);
    aborted.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("weighs classes: balanced = n / (k · count)", async () => {
    expect(classWeights("balanced", [0, 0, 0, 1], 2, undefined)).toEqual([4 / (2 * 3), 4 / (2 * 1)]);
    expect(classWeights("none", [0, 1], 2, undefined)).toBeNull();
    expect(classWeights({ yes: 3 }, [0, 1], 2, ["no", "yes"])).toEqual([1, 3]);
    expect(() => classWeights({ maybe: 3 }, [0, 1], 2, ["no", "yes"])).toThrow(/"maybe" is not one of the classes/);

    // An imbalanced, overlapping problem: balanced weights raise the minority's predicted share.
    const train = binaryData(300, 5, 0.1, 0.8);
    const base = options({ family: "logistic", train: { x: train.x, rows: 300, y: train.y }, labels: [0, 1] });
    delete base.validation;
    const plain = await trainModel({ ...base, hyperparams: { epochs: 30, earlyStopping: false } });
    const weighted = await trainModel({ ...base, hyperparams: { epochs: 30, earlyStopping: false, classWeight: "balanced" } });
    const share = (m: tf.LayersModel) => predictBatch(m, train.x, 300, 4, "binary").filter((row) => (row[1] ?? 0) >= 0.5).length / 300;
    expect(share(plain.model)).toBeLessThan(0.1);
    expect(share(weighted.model)).toBeGreaterThan(share(plain.model) + 0.15);
    expect(plain.history[0]?.valLoss).toBeNull();
    plain.model.dispose();
    weighted.model.dispose();
  });

  it("learns a linear target of any scale (R² > 0.99) and predicts raw values", async () => {
    const normal = seededNormal(11);
    const rows = 400;
    const a = Array.from({ length: rows }, () => normal());
    const b = Array.from({ length: rows }, () => normal());
    const y = a.map((v, i) => 5000 * v - 2000 * (b[i] ?? 0) + 40000 + 10 * normal());
    const result = await trainModel({
      family: "linear",
      task: "regression",
      hyperparams: { epochs: 60, earlyStopping: false },
      cols: 2,
      train: { x: matrix([a, b]), rows, y },
      seed: 1,
    });
    expect(result.targetScale?.mean).toBeGreaterThan(39000);
    const predicted = predictBatch(result.model, matrix([a, b]), rows, 2, "regression");
    const mean = y.reduce((s, v) => s + v, 0) / rows;
    const r2 = 1 - y.reduce((s, v, i) => s + (v - (predicted[i] ?? 0)) ** 2, 0) / y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(r2).toBeGreaterThan(0.99);
    result.model.dispose();
  });

  it("checks its inputs", async () => {
    await expect(trainModel(options({ train: { x: new Float64Array(3), rows: 1, y: [1] } }))).rejects.toThrow(/3 values for 1 rows × 4 columns/);
    await expect(trainModel(options({ train: { x: new Float64Array(4), rows: 1, y: [2] } }))).rejects.toThrow(/binary target is 0 or 1/);
    await expect(trainModel(options({ task: "multiclass" }))).rejects.toThrow(/needs labels/);
    await expect(trainModel(options({ family: "linear" }))).rejects.toThrow(/^family:/);
  });
});

describe("saveModelArtifacts / loadModelArtifacts", () => {
  it("round-trips a model to identical predictions in the layers format", async () => {
    const trained = await trainModel({
      family: "mlp",
      task: "multiclass",
      labels: ["a", "b", "c"],
      cols: 4,
      train: { x: binaryData(90, 9).x, rows: 90, y: Array.from({ length: 90 }, (_, i) => i % 3) },
      hyperparams: { hiddenLayers: [6, 5], dropout: 0.1, epochs: 3 },
      seed: 3,
    });
    const artifacts = await saveModelArtifacts(trained.model);
    const json = JSON.parse(new TextDecoder().decode(artifacts.modelJson)) as { format: string; modelTopology: unknown; weightsManifest: { paths: string[]; weights: { name: string }[] }[] };
    expect(json.format).toBe("layers-model");
    expect(json.modelTopology).toBeTypeOf("object");
    expect(json.weightsManifest[0]?.paths).toEqual(["weights.bin"]);
    expect(artifacts.weights.byteLength).toBe((4 * 6 + 6 + 6 * 5 + 5 + 5 * 3 + 3) * 4);
    const loaded = await loadModelArtifacts(artifacts);
    const x = binaryData(50, 10).x;
    expect(predictBatch(loaded, x, 50, 4, "multiclass")).toEqual(predictBatch(trained.model, x, 50, 4, "multiclass"));
    // Same weights, same bytes.
    const again = await saveModelArtifacts(loaded);
    expect(Buffer.from(again.weights).equals(Buffer.from(artifacts.weights))).toBe(true);
    await expect(loadModelArtifacts({ modelJson: artifacts.modelJson, weights: artifacts.weights.subarray(4) })).rejects.toThrow(/weights.bin has/);
    await expect(loadModelArtifacts({ modelJson: new TextEncoder().encode("{"), weights: artifacts.weights })).rejects.toThrow(/not JSON/);
    trained.model.dispose();
    loaded.dispose();
  });

  it("resolves hyperparameters once", () => {
    expect(resolveHyperparams("mlp", "binary", { hiddenLayers: [6, 5] }).hiddenLayers).toEqual([6, 5]);
  });
});
