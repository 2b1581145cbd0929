import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../backend";
import { parsePipeline, transform } from "../pipeline";
import type { Cell } from "../tabular/types";
import { loadModelArtifacts } from "./artifacts";
import { ZEvaluationReport } from "./evaluation";
import { predictBatch } from "./predict";
import { trainTabular } from "./tabular";
import { blobs, linearData } from "./testing";

beforeAll(async () => {
  await chooseBackend();
});

describe("trainTabular", () => {
  it("trains a multiclass model end to end: drops rows without a target, evaluates, cross-validates, serialises", async () => {
    const columns = blobs({ perClass: [80, 60, 40], dims: 2, spread: 0.8, seed: 1 });
    const rows = columns.label?.length ?? 0;
    columns.shade = Array.from({ length: rows }, (_, i): Cell => (i % 7 === 0 ? null : ["dark", "light"][i % 2] ?? null));
    if (columns.label) columns.label[5] = null;
    if (columns.label) columns.label[100] = "";
    const lines: string[] = [];
    const epochs: number[] = [];
    const before = tf.memory().numTensors;
    const result = await trainTabular({
      columns,
      target: "label",
      features: [
        { name: "x1", type: "numeric" },
        { name: "x2", type: "numeric" },
        { name: "shade", type: "categorical" },
      ],
      family: "mlp",
      hyperparams: { hiddenLayers: [16], epochs: 60 },
      folds: 3,
      onLog: (line) => lines.push(line),
      onEpoch: (e) => void epochs.push(e.epoch),
    });
    expect(result.task).toBe("multiclass");
    expect(result.labels).toEqual(["a", "b", "c"]);
    expect(result.counts).toEqual({ rows: 180, missingTarget: 2, train: 124, validation: 18, test: 36 });
    expect(lines.join("\n")).toMatch(/backend: wasm/);
    expect(lines.join("\n")).toMatch(/2 dropped because the target "label" is missing/);
    expect(lines.join("\n")).toMatch(/split \(seed 42, stratified\): train 124, validation 18, test 36/);
    expect(lines.join("\n")).toMatch(/evaluation on 36 test rows: accuracy/);
    expect(epochs).toEqual(result.history.map((e) => e.epoch));
    const ev = ZEvaluationReport.parse(result.evaluation);
    expect(ev.split).toEqual({ rows: 36, trainRows: 124, validationRows: 18, seed: 42 });
    expect(ev.metrics).toMatchObject({ accuracy: expect.any(Number) as number, rocAuc: expect.any(Number) as number });
    expect("accuracy" in ev.metrics && ev.metrics.accuracy).toBeGreaterThan(0.85);
    expect(ev.confusionMatrix?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(36);
    expect(ev.featureImportance?.map((f) => f.feature).sort()).toEqual(["shade", "x1", "x2"]);
    expect(ev.featureImportance?.at(-1)?.feature).toBe("shade");
    expect(ev.cv?.folds).toBe(3);
    expect(ev.cv?.metric.name).toBe("accuracy");
    expect(ev.cv?.metric.values).toHaveLength(3);
    expect(ev.cv?.metric.mean).toBeGreaterThan(0.8);

    // The serialised pipeline and model predict exactly as the trained ones.
    const pipeline = parsePipeline(result.pipelineJson);
    const x = transform(pipeline, { x1: [3, -1], x2: [0, 2], shade: ["dark", "unseen"] });
    const loaded = await loadModelArtifacts(result.artifacts);
    expect(predictBatch(loaded, x.values, 2, x.outputColumns.length, "multiclass")).toEqual(predictBatch(result.model, x.values, 2, x.outputColumns.length, "multiclass"));
    loaded.dispose();
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("trains a linear regression (R² > 0.99) with residuals and importance", async () => {
    const result = await trainTabular({
      columns: linearData(500, 3, 5),
      target: "y",
      features: ["x1", "x2", "noise"].map((name) => ({ name, type: "numeric" as const })),
      family: "linear",
      hyperparams: { epochs: 100 },
      split: { seed: 7 },
    });
    expect(result.task).toBe("regression");
    expect(result.labels).toEqual([]);
    const ev = result.evaluation;
    expect("r2" in ev.metrics && ev.metrics.r2).toBeGreaterThan(0.99);
    expect(ev.residuals?.actual).toHaveLength(100);
    expect(ev.featureImportance?.[0]?.feature).toBe("x1");
    expect(ev.featureImportance?.at(-1)?.feature).toBe("noise");
    expect(ev.rocCurve).toBeUndefined();
    result.model.dispose();
  });

  it("stops when cancelled and still returns the model and its evaluation", async () => {
    const controller = new AbortController();
    const result = await trainTabular({
      columns: blobs({ perClass: [50, 50], dims: 2, spread: 1, seed: 2 }),
      target: "label",
      features: [{ name: "x1", type: "numeric" }, { name: "x2", type: "numeric" }],
      family: "logistic",
      hyperparams: { epochs: 500, earlyStopping: false },
      signal: controller.signal,
      onEpoch: (e) => {
        if (e.epoch === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ cancelled: true, epochsRun: 2, task: "binary" });
    expect(result.evaluation.featureImportance).toBeUndefined();
    result.model.dispose();
  });

  it("stops cross-validation when asked to, and reports the run as cancelled", async () => {
    let asked = 0;
    const result = await trainTabular({
      columns: blobs({ perClass: [40, 40], dims: 2, spread: 1, seed: 4 }),
      target: "label",
      features: [{ name: "x1", type: "numeric" }, { name: "x2", type: "numeric" }],
      family: "logistic",
      hyperparams: { epochs: 5, earlyStopping: false },
      folds: 3,
      shouldStop: () => ++asked > 5,
    });
    expect(result).toMatchObject({ cancelled: true, epochsRun: 5 });
    expect(result.evaluation.cv).toBeUndefined();
    result.model.dispose();
  });

  it("refuses what it cannot train", async () => {
    const base = { features: [{ name: "x", type: "numeric" as const }], family: "logistic" as const };
    await expect(trainTabular({ ...base, columns: { x: [1, 2, 3], y: ["a", "a", null] }, target: "y" })).rejects.toThrow(/one class/);
    await expect(trainTabular({ ...base, columns: { x: [1, 2], y: [null, ""] }, target: "y" })).rejects.toThrow(/every row's target "y" is missing/);
    await expect(trainTabular({ ...base, columns: { x: [1, 2] }, target: "y" })).rejects.toThrow(/no column "y"/);
    await expect(trainTabular({ ...base, columns: { x: [1, 2] }, target: "x" })).rejects.toThrow(/cannot also be a feature/);
    await expect(trainTabular({ ...base, columns: { x: [1, 2, 3], y: [1.5, 2.25, 3.75] }, target: "y" })).rejects.toThrow(/^family: a logistic model cannot learn a regression/);
    await expect(trainTabular({ ...base, columns: { x: [1, 2, 3], y: ["a", "b", "c"] }, target: "y", task: "binary" })).rejects.toThrow(/exactly two classes/);
  });
});
