import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../backend";
import { evaluateBinary } from "../metrics";
import { fitPipeline, transform } from "../pipeline";
import { seededRandom } from "../tabular/testing";
import { evaluate, MAX_CURVE_POINTS, thinCurveIndices, ZEvaluationReport } from "./evaluation";
import { featureColumns, permutationImportance } from "./importance";
import { seededNormal } from "./testing";
import { trainModel } from "./train";

beforeAll(async () => {
  await chooseBackend();
});

const split = { trainRows: 10, validationRows: 2, seed: 42 };

describe("evaluate", () => {
  it("reports a binary classifier with the metrics' own numbers, JSON-safe", () => {
    const random = seededRandom(3);
    const yTrue = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? "yes" : "no"));
    const p = yTrue.map((y) => Math.min(1, Math.max(0, (y === "yes" ? 0.3 : 0) + random() * 0.7)));
    const report = evaluate({ task: "binary", labels: ["no", "yes"], yTrue, probabilities: p.map((v) => [1 - v, v]), split });
    const reference = evaluateBinary(yTrue, p);
    expect(report.metrics).toEqual({ accuracy: reference.accuracy, precision: reference.precision, recall: reference.recall, f1: reference.f1, rocAuc: reference.rocAuc, logLoss: reference.logLoss });
    expect(report.split).toEqual({ rows: 3000, trainRows: 10, validationRows: 2, seed: 42 });
    expect(report.confusionMatrix).toEqual({ labels: ["no", "yes"], matrix: reference.confusionMatrix });
    expect(report.perClass?.map((c) => c.support)).toEqual([2000, 1000]);
    // Over 3000 distinct scores: thinned to at most 1000 points, ends kept, Infinity → null.
    const roc = report.rocCurve;
    expect(reference.rocCurve.fpr.length).toBeGreaterThan(MAX_CURVE_POINTS);
    expect(roc?.fpr.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(roc?.fpr.length).toBe(roc?.thresholds.length);
    expect([roc?.fpr[0], roc?.tpr[0], roc?.thresholds[0]]).toEqual([0, 0, null]);
    expect([roc?.fpr.at(-1), roc?.tpr.at(-1)]).toEqual([1, 1]);
    expect(report.prCurve?.precision.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect([report.prCurve?.recall.at(-1), report.prCurve?.precision.at(-1), report.prCurve?.thresholds.at(-1)]).toEqual([0, 1, null]);
    const json = JSON.stringify(report);
    expect(json).not.toMatch(/Infinity|NaN/);
    expect(ZEvaluationReport.parse(JSON.parse(json))).toEqual(report);
  });

  it("reports multiclass macro scores, and null ROC-AUC when a class is missing from the test rows", () => {
    const labels = ["a", "b", "c"];
    const probabilities = [
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.2, 0.7],
      [0.5, 0.4, 0.1],
    ];
    const full = evaluate({ task: "multiclass", labels, yTrue: ["a", "b", "c", "b"], probabilities, split });
    expect(full.metrics).toMatchObject({ accuracy: 0.75 });
    expect(full.confusionMatrix?.matrix).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect("rocAuc" in full.metrics && typeof full.metrics.rocAuc).toBe("number");
    const missing = evaluate({ task: "multiclass", labels, yTrue: ["a", "b", "b", "b"], probabilities, split });
    expect(missing.metrics).toMatchObject({ accuracy: 0.5, rocAuc: null });
    expect(missing.confusionMatrix?.labels).toEqual(labels);
    expect(missing.rocCurve).toBeUndefined();
  });

  it("reports regression with a seeded residual sample of at most 2000 rows", () => {
    const normal = seededNormal(5);
    const actual = Array.from({ length: 5000 }, () => normal());
    const predicted = actual.map((y) => y + 0.1 * normal());
    const a = evaluate({ task: "regression", yTrue: actual, predicted, split });
    const b = evaluate({ task: "regression", yTrue: actual, predicted, split });
    expect(a.residuals?.actual).toHaveLength(2000);
    expect(a.residuals).toEqual(b.residuals);
    a.residuals?.residual.forEach((r, i) => expect(r).toBeCloseTo((a.residuals?.actual[i] ?? 0) - (a.residuals?.predicted[i] ?? 0), 12));
    expect(a.metrics).toMatchObject({ r2: expect.closeTo(0.99, 1) as number });
    expect(a.labels).toBeUndefined();
    const small = evaluate({ task: "regression", yTrue: [1], predicted: [1.5], split });
    expect(small.metrics).toMatchObject({ mae: 0.5, r2: null });
  });

  it("thins a curve by length, keeping both ends", () => {
    const xs = Array.from({ length: 5000 }, (_, i) => i / 4999);
    const ys = xs.map((x) => Math.sqrt(x));
    const kept = thinCurveIndices(xs, ys, 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(4999);
    expect(thinCurveIndices([0, 1], [0, 1], 100)).toEqual([0, 1]);
  });
});

describe("permutationImportance", () => {
  it("ranks an informative feature above noise, one-hot columns moved together", async () => {
    const normal = seededNormal(21);
    const rows = 300;
    const signal = Array.from({ length: rows }, () => normal());
    const noise = Array.from({ length: rows }, () => normal());
    const color = Array.from({ length: rows }, (_, i) => ["red", "green", "blue"][i % 3] ?? "red");
    const hidden = Array.from({ length: rows }, () => normal());
    const y = signal.map((s, i) => (s + 0.3 * (hidden[i] ?? 0) > 0 ? 1 : 0));
    const columns = { signal, noise, color };
    const pipeline = fitPipeline(columns, { features: [{ name: "signal", type: "numeric" }, { name: "noise", type: "numeric" }, { name: "color", type: "categorical" }] });
    expect(featureColumns(pipeline)).toEqual([
      { feature: "signal", start: 0, end: 1 },
      { feature: "noise", start: 1, end: 2 },
      { feature: "color", start: 2, end: 6 },
    ]);
    const x = transform(pipeline, columns);
    const trained = await trainModel({ family: "logistic", task: "binary", hyperparams: { epochs: 40, earlyStopping: false }, cols: 6, train: { x: x.values, rows, y }, seed: 1 });
    const before = tf.memory().numTensors;
    const importance = permutationImportance({ model: trained.model, pipeline, task: "binary", values: x.values, rows, yTrue: y, labels: [0, 1], seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(importance.map((f) => f.feature)).toHaveLength(3);
    expect(importance[0]?.feature).toBe("signal");
    expect(importance[0]?.importanceMean).toBeGreaterThan(0.2);
    const noiseDrop = importance.find((f) => f.feature === "noise")?.importanceMean ?? 1;
    expect(noiseDrop).toBeLessThan(0.05);
    expect(importance.find((f) => f.feature === "color")?.importanceMean).toBeLessThan(0.05);
    expect(permutationImportance({ model: trained.model, pipeline, task: "binary", values: x.values, rows, yTrue: y, labels: [0, 1], seed: 3 })).toEqual(importance);
    trained.model.dispose();
  });
});
