import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  accuracy,
  averagePrecision,
  confusionMatrix,
  evaluateBinary,
  evaluateMulticlass,
  type Label,
  logLossBinary,
  logLossMulticlass,
  precisionRecallCurve,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
  rocCurve,
} from "./index";

// Expected values: scikit-learn 1.9 (scripts/reference/make_metric_fixtures.py), or by hand.
const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/metrics/", import.meta.url));

interface LabelScores {
  labels: Label[];
  accuracy: number;
  confusion_matrix: number[][];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: { precision: number; recall: number; f1: number };
  f1_macro: number;
  log_loss: number;
}
interface BinaryCase extends LabelScores {
  name: string;
  y_true: number[];
  p_positive: number[];
  threshold: number;
  y_pred: number[];
  f1_binary: number;
  roc_auc: number;
  roc_curve: { fpr: number[]; tpr: number[]; thresholds: (number | null)[] };
  pr_curve: { precision: number[]; recall: number[]; thresholds: number[] };
  average_precision: number;
}
interface MulticlassCase extends LabelScores {
  y_true: string[];
  probabilities: number[][];
  class_order: string[];
  y_pred: string[];
  roc_auc_ovr_macro: number;
  roc_auc_ovr_per_class: number[];
}

const load = <T>(file: string): T => JSON.parse(readFileSync(FIXTURES + file, "utf8")) as T;
const binary = load<BinaryCase>("binary.json");
const edges = load<{ binary: BinaryCase[] }>("edge-cases.json").binary;
const multi = load<MulticlassCase>("multiclass.json");

/** |actual − expected| ≤ 1e-9 · |expected| (exact when expected is 0). */
function expectClose(actual: number, expected: number, what = ""): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
}
function expectAllClose(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  actual.forEach((a, i) => expectClose(a, expected[i] ?? Number.NaN, `${what}[${i}]`));
}

describe.each([binary, ...edges])("binary fixture $name", (c) => {
  const report = evaluateBinary(c.y_true, c.p_positive, c.threshold);

  it("matches sklearn's label metrics (counts exactly)", () => {
    expect(report.yPred).toEqual(c.y_pred);
    expect(report.labels).toEqual([0, 1]);
    expect(report.confusionMatrix).toEqual(c.confusion_matrix);
    expect(report.perClass.map((s) => s.support)).toEqual(c.support);
    expectClose(report.accuracy, c.accuracy, "accuracy");
    expectAllClose(report.perClass.map((s) => s.precision), c.precision, "precision");
    expectAllClose(report.perClass.map((s) => s.recall), c.recall, "recall");
    expectAllClose(report.perClass.map((s) => s.f1), c.f1, "f1");
    expectClose(report.macro.precision, c.macro.precision, "macro precision");
    expectClose(report.macro.recall, c.macro.recall, "macro recall");
    expectClose(report.macro.f1, c.macro.f1, "macro f1");
    expectClose(report.macro.f1, c.f1_macro, "f1_score macro");
    expectClose(report.f1, c.f1_binary, "f1_score binary");
    expectClose(report.logLoss, c.log_loss, "log_loss");
  });

  it("matches sklearn's ROC curve, ROC-AUC, PR curve and average precision", () => {
    expect(report.rocCurve.thresholds).toEqual(c.roc_curve.thresholds.map((t) => t ?? Number.POSITIVE_INFINITY));
    expectAllClose(report.rocCurve.fpr, c.roc_curve.fpr, "fpr");
    expectAllClose(report.rocCurve.tpr, c.roc_curve.tpr, "tpr");
    expectClose(report.rocAuc, c.roc_auc, "roc_auc");
    expect(report.precisionRecallCurve.thresholds).toEqual(c.pr_curve.thresholds);
    expectAllClose(report.precisionRecallCurve.precision, c.pr_curve.precision, "pr precision");
    expectAllClose(report.precisionRecallCurve.recall, c.pr_curve.recall, "pr recall");
    expectClose(report.averagePrecision, c.average_precision, "average_precision");
  });

  it("gives the same numbers through the single-metric functions", () => {
    expect(confusionMatrix(c.y_true, c.y_pred).matrix).toEqual(c.confusion_matrix);
    expectClose(accuracy(c.y_true, c.y_pred), c.accuracy);
    expectAllClose(precisionRecallF1(c.y_true, c.y_pred).map((s) => s.f1), c.f1, "f1");
    expectClose(logLossBinary(c.y_true, c.p_positive), c.log_loss);
    expectClose(rocAuc(c.y_true, c.p_positive), c.roc_auc);
    expect(rocCurve(c.y_true, c.p_positive)).toEqual(report.rocCurve);
    expect(precisionRecallCurve(c.y_true, c.p_positive)).toEqual(report.precisionRecallCurve);
    expectClose(averagePrecision(c.y_true, c.p_positive), c.average_precision);
  });
});

describe("multiclass fixture (3 string classes, 150 rows)", () => {
  // Columns in a shuffled order: evaluateMulticlass maps them through `labels`.
  const order = [2, 0, 1];
  const labels = order.map((j) => multi.class_order[j] ?? "");
  const shuffled = multi.probabilities.map((row) => order.map((j) => row[j] ?? Number.NaN));
  const report = evaluateMulticlass(multi.y_true, shuffled, labels);

  it("matches sklearn's label metrics and log loss", () => {
    expect(report.labels).toEqual(multi.labels);
    expect(report.yPred).toEqual(multi.y_pred);
    expect(report.confusionMatrix).toEqual(multi.confusion_matrix);
    expect(report.perClass.map((s) => s.support)).toEqual(multi.support);
    expectClose(report.accuracy, multi.accuracy, "accuracy");
    expectAllClose(report.perClass.map((s) => s.precision), multi.precision, "precision");
    expectAllClose(report.perClass.map((s) => s.recall), multi.recall, "recall");
    expectAllClose(report.perClass.map((s) => s.f1), multi.f1, "f1");
    expectClose(report.macro.precision, multi.macro.precision, "macro precision");
    expectClose(report.macro.recall, multi.macro.recall, "macro recall");
    expectClose(report.macro.f1, multi.f1_macro, "macro f1");
    expectClose(report.logLoss, multi.log_loss, "log_loss");
    expectClose(logLossMulticlass(multi.y_true, multi.probabilities, multi.class_order), multi.log_loss);
  });

  it("matches sklearn's one-vs-rest ROC-AUC", () => {
    expectClose(report.rocAucOvrMacro, multi.roc_auc_ovr_macro, "ovr macro");
    expectAllClose(report.rocAucPerClass.map((p) => p.auc), multi.roc_auc_ovr_per_class, "ovr per class");
    expect(rocAucOvr(multi.y_true, multi.probabilities, multi.class_order).macro).toBe(report.rocAucOvrMacro);
  });
});
