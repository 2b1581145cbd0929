import { describe, expect, it } from "vitest";
import { familiesFor, resolveHyperparams, ZHyperparams } from "./hyperparams";
import { detectTask, labelsForTask } from "./task";

describe("resolveHyperparams", () => {
  it("fills each family's defaults", () => {
    const mlp = resolveHyperparams("mlp", "binary", {});
    expect(mlp).toMatchObject({ hiddenLayers: [64, 32], activation: "relu", optimizer: "adam", learningRate: 0.001, batchSize: 32, earlyStopping: { patience: 10, minDelta: 0 }, classWeight: "none" });
    expect(resolveHyperparams("logistic", "multiclass", undefined)).toMatchObject({ hiddenLayers: [], learningRate: 0.01, l2: 0.001 });
    expect(resolveHyperparams("linear", "regression", { epochs: 5, earlyStopping: false })).toMatchObject({ hiddenLayers: [], l2: 0, epochs: 5, earlyStopping: false });
    expect(resolveHyperparams("mlp", "regression", { earlyStopping: { patience: 3 } }).earlyStopping).toEqual({ patience: 3, minDelta: 0 });
  });

  it("keeps what the user gave", () => {
    const h = resolveHyperparams("mlp", "multiclass", { hiddenLayers: [8], activation: "tanh", dropout: 0.2, optimizer: "rmsprop", learningRate: 0.5, batchSize: 7, classWeight: { a: 2 } });
    expect(h).toMatchObject({ hiddenLayers: [8], activation: "tanh", dropout: 0.2, optimizer: "rmsprop", learningRate: 0.5, batchSize: 7, classWeight: { a: 2 } });
  });

  it("names the field of an invalid combination", () => {
    expect(() => resolveHyperparams("logistic", "binary", { hiddenLayers: [4] })).toThrow(/^hiddenLayers:/);
    expect(() => resolveHyperparams("linear", "regression", { activation: "relu" })).toThrow(/^activation:/);
    expect(() => resolveHyperparams("logistic", "binary", { dropout: 0.1 })).toThrow(/^dropout:/);
    expect(() => resolveHyperparams("logistic", "regression", {})).toThrow(/^family: a logistic model cannot learn a regression/);
    expect(() => resolveHyperparams("linear", "binary", {})).toThrow(/^family: a linear model cannot learn a binary/);
    expect(() => resolveHyperparams("mlp", "regression", { classWeight: "balanced" })).toThrow(/^classWeight:/);
    expect(resolveHyperparams("mlp", "regression", { classWeight: "none" }).classWeight).toBe("none");
  });

  it("names the field of an invalid value", () => {
    expect(() => resolveHyperparams("mlp", "binary", { hiddenLayers: [0] })).toThrow(/^hiddenLayers\.0:/);
    expect(() => resolveHyperparams("mlp", "binary", { hiddenLayers: [1, 1, 1, 1, 1, 1, 1, 1, 1] })).toThrow(/^hiddenLayers:/);
    expect(() => resolveHyperparams("mlp", "binary", { dropout: 0.95 })).toThrow(/^dropout:/);
    expect(() => resolveHyperparams("mlp", "binary", { learningRate: 0 })).toThrow(/^learningRate:/);
    expect(() => resolveHyperparams("mlp", "binary", { batchSize: 1.5 })).toThrow(/^batchSize:/);
    expect(() => resolveHyperparams("mlp", "binary", { epochs: 10001 })).toThrow(/^epochs:/);
    expect(() => resolveHyperparams("mlp", "binary", { optimizer: "lbfgs" })).toThrow(/^optimizer:/);
    expect(() => resolveHyperparams("mlp", "binary", { classWeight: { a: 0 } })).toThrow(/^classWeight/);
    expect(() => resolveHyperparams("mlp", "binary", { earlyStopping: { patience: -1 } })).toThrow(/^earlyStopping\.patience:/);
    expect(() => resolveHyperparams("mlp", "binary", { momentum: 0.9 })).toThrow(/momentum/);
    expect(ZHyperparams.safeParse({ l2: -1 }).success).toBe(false);
  });

  it("lists the families of a task", () => {
    expect(familiesFor("binary")).toEqual(["logistic", "mlp"]);
    expect(familiesFor("multiclass")).toEqual(["logistic", "mlp"]);
    expect(familiesFor("regression")).toEqual(["linear", "mlp"]);
  });
});

describe("detectTask", () => {
  it("reads categorical, text and boolean targets as classes", () => {
    expect(detectTask(["yes", "no", null, "", "yes"], "categorical")).toEqual({ task: "binary", labels: ["no", "yes"] });
    expect(detectTask(["b", "a", "c", "a"], "text")).toEqual({ task: "multiclass", labels: ["a", "b", "c"] });
    expect(detectTask([true, false, null], "boolean")).toEqual({ task: "binary", labels: ["false", "true"] });
    expect(detectTask(["True", "false", "1"], "boolean")).toEqual({ task: "binary", labels: ["false", "true"] });
  });

  it("reads numeric targets as binary, class codes or regression", () => {
    expect(detectTask(["0", "1", "1", ""], "integer")).toEqual({ task: "binary", labels: [0, 1] });
    expect(detectTask([1.5, 2.5, 1.5], "numeric")).toEqual({ task: "binary", labels: [1.5, 2.5] });
    expect(detectTask([0, 1, 2, 3, 2], "integer")).toEqual({ task: "multiclass", labels: [0, 1, 2, 3] });
    expect(detectTask([0, 1, 2.5], "numeric").task).toBe("regression");
    expect(detectTask([-1, 0, 1], "integer").task).toBe("regression");
    expect(detectTask(Array.from({ length: 21 }, (_, i) => i), "integer").task).toBe("regression");
    expect(detectTask(Array.from({ length: 20 }, (_, i) => i), "integer").task).toBe("multiclass");
  });

  it("refuses targets with nothing to learn", () => {
    expect(() => detectTask(["a", "a", null], "categorical")).toThrow(/one class/);
    expect(() => detectTask([null, ""], "numeric")).toThrow(/no values/);
    expect(() => detectTask(["2020-01-01"], "datetime")).toThrow(/datetime/);
    expect(() => detectTask(Array.from({ length: 1001 }, (_, i) => `id${i}`), "categorical")).toThrow(/1000 classes/);
    expect(() => detectTask(["1", "x"], "numeric")).toThrow(/not a number/);
  });

  it("checks a task the caller chose", () => {
    expect(labelsForTask(["a", "b", "c"], "categorical", "multiclass")).toEqual(["a", "b", "c"]);
    expect(labelsForTask([0, 1], "integer", "multiclass")).toEqual([0, 1]);
    expect(() => labelsForTask(["a", "b", "c"], "categorical", "binary")).toThrow(/exactly two/);
    expect(() => labelsForTask(["a", "b"], "categorical", "regression")).toThrow(/numeric target/);
    expect(labelsForTask([1, 2, 3.5], "numeric", "regression")).toEqual([]);
  });
});
