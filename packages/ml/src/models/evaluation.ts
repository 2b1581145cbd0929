/**
 * The evaluation report of a trained model on its test rows: the public API's `evaluation`
 * (GET /runs/{run}), JSON-safe by construction (checked with ZEvaluationReport).
 *
 * Metrics come from @keel/ml/metrics (scikit-learn's definitions). Binary: the scores of the
 * positive class (the larger label). Multiclass: macro averages, and one-vs-rest macro ROC-AUC
 * (null when a class is missing from the test rows, where it is undefined).
 *
 * Curves: every point of sklearn's drop_intermediate=False curves, thinned to at most
 * MAX_CURVE_POINTS by arc length (first and last points kept, so the shape stays). JSON has no
 * Infinity: the ROC curve's first threshold (sklearn's np.inf, the point (0, 0)) is null, and
 * the precision-recall curve's last point (recall 0, precision 1), which has no threshold in
 * sklearn, gets a null threshold so that the three arrays have one length.
 */
import { z } from "zod";
import {
  accuracy,
  type ClassScores,
  confusionMatrix,
  evaluateBinary,
  evaluateMulticlass,
  evaluateRegression,
  logLossBinary,
  logLossMulticlass,
  macroAverage,
  scoresFromConfusion,
} from "../metrics";
import type { Label, Labels } from "../metrics/numeric";
import { seededRandom } from "../tabular/testing";
import { MODEL_TASKS, type ModelTask } from "./hyperparams";

export const MAX_CURVE_POINTS = 1000;
export const MAX_RESIDUAL_POINTS = 2000;

const ZLabel = z.union([z.string(), z.number()]);
const count = z.int().min(0);

export const ZClassificationMetrics = z.strictObject({
  accuracy: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** Null when undefined (a class absent from the test rows). */
  rocAuc: z.number().nullable(),
  logLoss: z.number(),
});
export const ZRegressionMetrics = z.strictObject({
  mae: z.number(),
  mse: z.number(),
  rmse: z.number(),
  /** Null with fewer than two test rows (sklearn returns NaN). */
  r2: z.number().nullable(),
});

export const ZFeatureImportance = z.strictObject({ feature: z.string(), importanceMean: z.number(), importanceStd: z.number() });

export const ZEvaluationReport = z.strictObject({
  task: z.enum(MODEL_TASKS),
  split: z.strictObject({
    /** Test rows (the rows evaluated). */
    rows: count,
    trainRows: count,
    validationRows: count,
    seed: z.int(),
  }),
  /** Classification: the class labels, sorted. */
  labels: z.array(ZLabel).optional(),
  metrics: z.union([ZClassificationMetrics, ZRegressionMetrics]),
  perClass: z.array(z.strictObject({ label: ZLabel, precision: z.number(), recall: z.number(), f1: z.number(), support: count })).optional(),
  /** Rows = true label, columns = predicted label. */
  confusionMatrix: z.strictObject({ labels: z.array(ZLabel), matrix: z.array(z.array(count)) }).optional(),
  /** Binary only. thresholds[0] is null (sklearn's Infinity). */
  rocCurve: z.strictObject({ fpr: z.array(z.number()), tpr: z.array(z.number()), thresholds: z.array(z.number().nullable()) }).optional(),
  /** Binary only, sklearn's order (thresholds ascending); the last threshold is null. */
  prCurve: z.strictObject({ precision: z.array(z.number()), recall: z.array(z.number()), thresholds: z.array(z.number().nullable()) }).optional(),
  /** Regression only: a seeded sample of at most MAX_RESIDUAL_POINTS test rows; residual = actual − predicted. */
  residuals: z.strictObject({ predicted: z.array(z.number()), actual: z.array(z.number()), residual: z.array(z.number()) }).optional(),
  featureImportance: z.array(ZFeatureImportance).optional(),
  /** k-fold cross-validation on train + validation: accuracy (classification) or R² (regression) per fold. */
  cv: z
    .strictObject({
      folds: z.int().min(2),
      metric: z.strictObject({ name: z.enum(["accuracy", "r2"]), mean: z.number(), std: z.number(), values: z.array(z.number()) }),
    })
    .optional(),
});
export type EvaluationReport = z.infer<typeof ZEvaluationReport>;
export type CrossValidation = NonNullable<EvaluationReport["cv"]>;

export interface EvaluateInput {
  task: ModelTask;
  /** Classification: labels in model-output order (sorted). */
  labels?: readonly Label[];
  /** Classification: the true label per test row; regression: the true value. */
  yTrue: readonly Label[];
  /** Classification: class probabilities per row, in `labels` order. */
  probabilities?: readonly (readonly number[])[];
  /** Regression: the predicted value per row. */
  predicted?: readonly number[];
  split: { trainRows: number; validationRows: number; seed: number };
  featureImportance?: EvaluationReport["featureImportance"];
  cv?: CrossValidation;
}

/**
 * Indices of at most `max` points of a curve, first and last included, spread evenly along
 * its length (so steep and flat stretches both keep their shape).
 */
export function thinCurveIndices(xs: readonly number[], ys: readonly number[], max = MAX_CURVE_POINTS): number[] {
  const n = xs.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const length = [0];
  for (let i = 1; i < n; i++) length.push((length[i - 1] ?? 0) + Math.hypot((xs[i] ?? 0) - (xs[i - 1] ?? 0), (ys[i] ?? 0) - (ys[i - 1] ?? 0)));
  const total = length[n - 1] ?? 0;
  const kept = [0];
  if (total > 0) {
    const step = total / (max - 1);
    let next = step;
    for (let i = 1; i < n - 1; i++) {
      if ((length[i] ?? 0) >= next) {
        kept.push(i);
        next = (Math.floor((length[i] ?? 0) / step) + 1) * step;
      }
    }
  }
  kept.push(n - 1);
  if (kept.length <= max) return kept;
  // Fallback (cannot happen with the rule above, kept for safety): an even stride.
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

const pick = <T>(values: readonly T[], indices: readonly number[]): T[] => indices.map((i) => values[i] as T);

function asLabels(values: readonly Label[]): Labels {
  return typeof values[0] === "number" ? values.map(Number) : values.map(String);
}

function classScores(perClass: readonly ClassScores[]): NonNullable<EvaluationReport["perClass"]> {
  return perClass.map(({ label, precision, recall, f1, support }) => ({ label, precision, recall, f1, support }));
}

function argmaxLabel(row: readonly number[], labels: readonly Label[]): Label {
  let best = 0;
  row.forEach((p, j) => {
    if (p > (row[best] ?? Number.NEGATIVE_INFINITY)) best = j;
  });
  return labels[best] ?? Number.NaN;
}

function evaluateClassification(input: EvaluateInput, base: Pick<EvaluationReport, "task" | "split">): EvaluationReport {
  const labels = asLabels(input.labels ?? []);
  const probabilities = input.probabilities;
  if (probabilities === undefined) throw new Error("evaluate: classification needs probabilities");
  if (labels.length < 2) throw new Error("evaluate: classification needs at least two labels");
  const yTrue = asLabels(input.yTrue);
  const present = new Set<Label>(yTrue);
  const everyClass = labels.every((l) => present.has(l));
  const report: EvaluationReport = { ...base, labels: [...labels], metrics: { accuracy: 0, precision: 0, recall: 0, f1: 0, rocAuc: null, logLoss: 0 } };
  if (everyClass && input.task === "binary") {
    const r = evaluateBinary(yTrue, probabilities.map((row) => row[1] ?? Number.NaN));
    report.metrics = { accuracy: r.accuracy, precision: r.precision, recall: r.recall, f1: r.f1, rocAuc: r.rocAuc, logLoss: r.logLoss };
    report.perClass = classScores(r.perClass);
    report.confusionMatrix = { labels: r.labels, matrix: r.confusionMatrix };
    const roc = thinCurveIndices(r.rocCurve.fpr, r.rocCurve.tpr);
    report.rocCurve = {
      fpr: pick(r.rocCurve.fpr, roc),
      tpr: pick(r.rocCurve.tpr, roc),
      thresholds: pick(r.rocCurve.thresholds, roc).map((t) => (Number.isFinite(t) ? t : null)),
    };
    const pr = r.precisionRecallCurve;
    const prKept = thinCurveIndices(pr.recall, pr.precision);
    const prThresholds: (number | null)[] = [...pr.thresholds, null];
    report.prCurve = { precision: pick(pr.precision, prKept), recall: pick(pr.recall, prKept), thresholds: pick(prThresholds, prKept) };
    return ZEvaluationReport.parse(report);
  }
  if (everyClass) {
    const r = evaluateMulticlass(yTrue, probabilities, labels);
    report.metrics = { accuracy: r.accuracy, ...r.macro, rocAuc: r.rocAucOvrMacro, logLoss: r.logLoss };
    report.perClass = classScores(r.perClass);
    report.confusionMatrix = { labels: r.labels, matrix: r.confusionMatrix };
    return ZEvaluationReport.parse(report);
  }
  // A class is missing from the test rows: ROC-AUC is undefined; the rest still is.
  const yPred = asLabels(probabilities.map((row) => argmaxLabel(row, labels)));
  const cm = confusionMatrix(yTrue, yPred, labels);
  const perClass = scoresFromConfusion(cm);
  const positive = perClass[1];
  const scores = input.task === "binary" && positive !== undefined ? positive : macroAverage(perClass);
  report.metrics = {
    accuracy: accuracy(yTrue, yPred),
    precision: scores.precision,
    recall: scores.recall,
    f1: scores.f1,
    rocAuc: null,
    logLoss:
      input.task === "binary"
        ? logLossBinary(yTrue, probabilities.map((row) => row[1] ?? Number.NaN), labels[1])
        : logLossMulticlass(yTrue, probabilities, labels),
  };
  report.perClass = classScores(perClass);
  report.confusionMatrix = { labels: cm.labels, matrix: cm.matrix };
  return ZEvaluationReport.parse(report);
}

/** Builds the evaluation report of test-set predictions. */
export function evaluate(input: EvaluateInput): EvaluationReport {
  const rows = input.yTrue.length;
  if (rows === 0) throw new Error("evaluate: no test rows");
  const base = {
    task: input.task,
    split: { rows, trainRows: input.split.trainRows, validationRows: input.split.validationRows, seed: input.split.seed },
  };
  let report: EvaluationReport;
  if (input.task === "regression") {
    const predicted = input.predicted;
    if (predicted === undefined) throw new Error("evaluate: regression needs predicted values");
    const actual = input.yTrue.map(Number);
    const r = evaluateRegression(actual, predicted);
    let sample = Array.from({ length: rows }, (_, i) => i);
    if (rows > MAX_RESIDUAL_POINTS) {
      const random = seededRandom(input.split.seed);
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const a = sample[i] ?? 0;
        sample[i] = sample[j] ?? 0;
        sample[j] = a;
      }
      sample = sample.slice(0, MAX_RESIDUAL_POINTS).sort((a, b) => a - b);
    }
    report = {
      ...base,
      metrics: { mae: r.mae, mse: r.mse, rmse: r.rmse, r2: Number.isFinite(r.r2) ? r.r2 : null },
      residuals: { predicted: pick(predicted, sample), actual: pick(actual, sample), residual: pick(r.residuals, sample) },
    };
  } else {
    report = evaluateClassification(input, base);
  }
  if (input.featureImportance !== undefined) report.featureImportance = input.featureImportance;
  if (input.cv !== undefined) report.cv = input.cv;
  return ZEvaluationReport.parse(report);
}
