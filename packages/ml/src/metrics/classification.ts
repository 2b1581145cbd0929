/**
 * Label-based classification metrics and log loss, as scikit-learn 1.9 defines them.
 * The ranking metrics (ROC, precision-recall, AUC, average precision) are in ./ranking.
 */
import { assertLabels, assertSameLength, type Label, type Labels, mean, neumaierSum, uniqueLabels } from "./numeric";

/** A confusion matrix: `matrix[i][j]` counts rows whose true label is `labels[i]` and predicted label `labels[j]`. */
export interface ConfusionMatrix {
  /** Sorted: numbers numerically, strings by code point (np.unique's order). */
  labels: Label[];
  matrix: number[][];
}

/** Precision, recall, F1 and support of one class. */
export interface ClassScores {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true label is this class. */
  support: number;
}

/** Unweighted means over classes (sklearn's average="macro"). */
export interface MacroScores {
  precision: number;
  recall: number;
  f1: number;
}

function checkedLabels(what: string, yTrue: Labels, yPred: Labels): void {
  assertSameLength(what, yTrue, yPred);
  assertLabels(what, "yTrue", yTrue);
  assertLabels(what, "yPred", yPred);
  if (typeof yTrue[0] !== typeof yPred[0]) throw new Error(`${what}: yTrue and yPred mix numbers and strings`);
}

/**
 * The confusion matrix (sklearn's confusion_matrix): rows are true labels, columns predicted
 * labels, both in sorted order. `labels` defaults to the sorted union of yTrue and yPred;
 * when given, it is sorted too and rows with a label outside it are an error.
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, labels?: readonly Label[]): ConfusionMatrix {
  checkedLabels("confusionMatrix", yTrue, yPred);
  const sorted = labels === undefined ? uniqueLabels(yTrue, yPred) : uniqueLabels(labels);
  const index = new Map<Label, number>(sorted.map((l, i) => [l, i]));
  const matrix = sorted.map(() => sorted.map(() => 0));
  for (let k = 0; k < yTrue.length; k++) {
    const t = index.get(yTrue[k] ?? Number.NaN);
    const p = index.get(yPred[k] ?? Number.NaN);
    const row = t === undefined ? undefined : matrix[t];
    if (row === undefined || p === undefined) {
      throw new Error(`confusionMatrix: row ${k} has a label outside labels (${String(yTrue[k])} / ${String(yPred[k])})`);
    }
    row[p] = (row[p] ?? 0) + 1;
  }
  return { labels: sorted, matrix };
}

/** Fraction of rows with yPred equal to yTrue (sklearn's accuracy_score). */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  checkedLabels("accuracy", yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** x / y, or 0 when y is 0 (sklearn's zero_division="warn" result, without the warning). */
const ratio = (x: number, y: number): number => (y === 0 ? 0 : x / y);

/**
 * Per-class precision, recall, F1 and support from a confusion matrix, as sklearn's
 * precision_recall_fscore_support(average=None): precision = TP / (TP + FP),
 * recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN); a zero denominator gives 0.
 */
export function scoresFromConfusion(cm: ConfusionMatrix): ClassScores[] {
  return cm.labels.map((label, k) => {
    const row = cm.matrix[k] ?? [];
    const tp = row[k] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = cm.matrix.reduce((a, r) => a + (r[k] ?? 0), 0);
    return { label, precision: ratio(tp, predicted), recall: ratio(tp, support), f1: ratio(2 * tp, support + predicted), support };
  });
}

/** Per-class scores over the sorted union of labels (or the given labels). */
export function precisionRecallF1(yTrue: Labels, yPred: Labels, labels?: readonly Label[]): ClassScores[] {
  return scoresFromConfusion(confusionMatrix(yTrue, yPred, labels));
}

/** Macro averages: the unweighted mean of each score over classes (macro F1 is the mean of per-class F1). */
export function macroAverage(scores: readonly ClassScores[]): MacroScores {
  if (scores.length === 0) throw new Error("macroAverage: no classes");
  return {
    precision: mean(scores.map((s) => s.precision)),
    recall: mean(scores.map((s) => s.recall)),
    f1: mean(scores.map((s) => s.f1)),
  };
}

/**
 * The clipping bound of log loss. scikit-learn ≥ 1.5 clips to [eps, 1 − eps] with
 * eps = np.finfo(float64).eps = 2⁻⁵² (the older fixed 1e-15 and its `eps` parameter are gone),
 * so that is what Keel uses, to agree with sklearn 1.9 on probabilities of exactly 0 or 1.
 */
export const LOG_LOSS_EPS = Number.EPSILON;

const clip = (p: number): number => Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);

function assertProbability(what: string, p: number, where: string): void {
  if (!Number.isFinite(p)) throw new Error(`${what}: ${where} is ${p} (NaN and Infinity are not allowed)`);
  if (p < 0 || p > 1) throw new Error(`${what}: ${where} is ${p}, outside [0, 1]`);
}

/**
 * Binary log loss (sklearn's log_loss with a 1-D y_pred): mean of −ln q, where q is the clipped
 * P(positive) for positive rows and the clipped 1 − P(positive) for the others.
 * `positiveLabel` defaults to the larger of the two labels in yTrue.
 */
export function logLossBinary(yTrue: Labels, pPositive: readonly number[], positiveLabel?: Label): number {
  assertSameLength("logLoss", yTrue, pPositive);
  assertLabels("logLoss", "yTrue", yTrue);
  const classes = uniqueLabels(yTrue);
  const positive = positiveLabel ?? classes[1];
  if (positive === undefined) throw new Error("logLoss: yTrue has one class; pass positiveLabel");
  if (classes.length > 2) throw new Error(`logLoss: binary log loss needs at most two classes, got ${classes.length}`);
  const losses = pPositive.map((p, i) => {
    assertProbability("logLoss", p, `pPositive[${i}]`);
    return -Math.log(clip(yTrue[i] === positive ? p : 1 - p));
  });
  return mean(losses);
}

/**
 * Multiclass log loss (sklearn's log_loss with a 2-D y_pred): mean over rows of −ln of the
 * clipped probability of the true class. `labels[j]` is the class of column j.
 *
 * Rows are not renormalised: scikit-learn ≥ 1.5 only warns when a row does not sum to 1 and
 * uses the values as given, so Keel does the same (and, like sklearn, rejects values outside [0, 1]).
 */
export function logLossMulticlass(yTrue: Labels, probabilities: readonly (readonly number[])[], labels: readonly Label[]): number {
  assertSameLength("logLoss", yTrue, probabilities);
  assertLabels("logLoss", "yTrue", yTrue);
  const column = new Map<Label, number>(labels.map((l, j) => [l, j]));
  if (column.size !== labels.length) throw new Error("logLoss: labels has duplicates");
  const losses = probabilities.map((row, i) => {
    if (row.length !== labels.length) throw new Error(`logLoss: probabilities[${i}] has ${row.length} values for ${labels.length} labels`);
    row.forEach((p, j) => assertProbability("logLoss", p, `probabilities[${i}][${j}]`));
    const j = column.get(yTrue[i] ?? Number.NaN);
    const p = j === undefined ? undefined : row[j];
    if (p === undefined) throw new Error(`logLoss: yTrue[${i}] = ${String(yTrue[i])} is not one of labels`);
    return -Math.log(clip(p));
  });
  return neumaierSum(losses) / losses.length;
}
