/**
 * Ranking metrics of a binary score: ROC curve, ROC-AUC (binary and one-vs-rest macro),
 * precision-recall curve and average precision, as scikit-learn 1.9 defines them.
 */
import { assertFinite, assertLabels, assertSameLength, type Label, type Labels, neumaierSum, uniqueLabels } from "./numeric";

/** A ROC curve: point i is (fpr[i], tpr[i]) for "score ≥ thresholds[i] is positive". */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Descending; thresholds[0] is Infinity (the point (0, 0)), as sklearn ≥ 1.3 returns np.inf. */
  thresholds: number[];
}

/** A precision-recall curve in sklearn's order: thresholds ascending, recall decreasing. */
export interface PrecisionRecallCurve {
  /** One longer than thresholds: the last point is (recall 0, precision 1). */
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/** Cumulative counts at each distinct score, highest score first (sklearn's _binary_clf_curve). */
interface ClfCurve {
  fps: number[];
  tps: number[];
  thresholds: number[];
  positives: number;
  negatives: number;
}

/** The positive label: the given one, or the larger of exactly two classes (sklearn's roc_auc_score convention). */
function resolvePositive(what: string, yTrue: Labels, positiveLabel: Label | undefined): Label {
  if (positiveLabel !== undefined) return positiveLabel;
  const classes = uniqueLabels(yTrue);
  if (classes.length > 2) throw new Error(`${what}: yTrue has ${classes.length} classes; a binary curve needs two`);
  const positive = classes[1];
  if (positive === undefined) {
    throw new Error(what.startsWith("roc") ? "ROC-AUC is undefined when y_true has one class" : `${what}: yTrue has one class; pass positiveLabel`);
  }
  return positive;
}

function clfCurve(what: string, yTrue: Labels, scores: readonly number[], positiveLabel: Label | undefined): ClfCurve {
  assertSameLength(what, yTrue, scores);
  assertLabels(what, "yTrue", yTrue);
  assertFinite(what, "scores", scores);
  const positive = resolvePositive(what, yTrue, positiveLabel);
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((row, k) => {
    if (yTrue[row] === positive) tp++;
    else fp++;
    const score = scores[row] ?? Number.NaN;
    const next = order[k + 1];
    // Close a point at the last row of each run of equal scores (sklearn's np.diff(y_score) != 0).
    if (next === undefined || scores[next] !== score) {
      fps.push(fp);
      tps.push(tp);
      thresholds.push(score);
    }
  });
  return { fps, tps, thresholds, positives: tp, negatives: fp };
}

function assertTwoClasses(curve: ClfCurve): void {
  if (curve.positives === 0 || curve.negatives === 0) throw new Error("ROC-AUC is undefined when y_true has one class");
}

/**
 * The ROC curve (sklearn's roc_curve with drop_intermediate=False): one point per distinct
 * score, highest first, plus the starting point (0, 0) at threshold Infinity. Keeping every
 * point (instead of sklearn's default drop_intermediate=True, which drops collinear points)
 * changes neither the area nor the shape, only the number of points.
 * Throws when yTrue has one class (fpr or tpr would be 0/0).
 */
export function rocCurve(yTrue: Labels, scores: readonly number[], positiveLabel?: Label): RocCurve {
  const c = clfCurve("rocCurve", yTrue, scores, positiveLabel);
  assertTwoClasses(c);
  return {
    fpr: [0, ...c.fps.map((f) => f / c.negatives)],
    tpr: [0, ...c.tps.map((t) => t / c.positives)],
    thresholds: [Number.POSITIVE_INFINITY, ...c.thresholds],
  };
}

/**
 * Binary ROC-AUC (sklearn's roc_auc_score): the trapezoidal area under the ROC curve. A run of
 * tied scores is one diagonal step, so a tied positive/negative pair counts ½, as in sklearn
 * (this is the Mann-Whitney U / (P·N)). The area is summed in integer counts and divided once.
 */
export function rocAuc(yTrue: Labels, scores: readonly number[], positiveLabel?: Label): number {
  const c = clfCurve("rocAuc", yTrue, scores, positiveLabel);
  assertTwoClasses(c);
  let twiceArea = 0;
  let prevF = 0;
  let prevT = 0;
  c.fps.forEach((f, i) => {
    const t = c.tps[i] ?? 0;
    twiceArea += (f - prevF) * (t + prevT);
    prevF = f;
    prevT = t;
  });
  return twiceArea / (2 * c.positives * c.negatives);
}

/**
 * One-vs-rest ROC-AUC of a multiclass problem (sklearn's roc_auc_score(multi_class="ovr")):
 * for each class (sorted order), the binary AUC of "is this class" against its column of
 * probabilities. `labels[j]` is the class of column j. Like sklearn, rows must sum to 1
 * (np.allclose) and each class must occur in yTrue along with some other class.
 */
export function rocAucOvr(yTrue: Labels, probabilities: readonly (readonly number[])[], labels: readonly Label[]): { perClass: { label: Label; auc: number }[]; macro: number } {
  assertSameLength("rocAucOvr", yTrue, probabilities);
  probabilities.forEach((row, i) => {
    if (row.length !== labels.length) throw new Error(`rocAucOvr: probabilities[${i}] has ${row.length} values for ${labels.length} labels`);
    assertFinite("rocAucOvr", `probabilities[${i}]`, row);
    if (Math.abs(neumaierSum(row) - 1) > 1e-8 + 1e-5) throw new Error(`rocAucOvr: probabilities[${i}] does not sum to 1`);
  });
  const sorted = uniqueLabels(labels);
  if (sorted.length !== labels.length) throw new Error("rocAucOvr: labels has duplicates");
  const known = new Set<Label>(labels);
  yTrue.forEach((y, i) => {
    if (!known.has(y)) throw new Error(`rocAucOvr: yTrue[${i}] = ${String(y)} is not one of labels`);
  });
  const perClass = sorted.map((label) => {
    const j = labels.indexOf(label);
    const isClass = yTrue.map((y) => y === label);
    const column = probabilities.map((row) => row[j] ?? Number.NaN);
    return { label, auc: rocAuc(isClass.map(Number), column, 1) };
  });
  return { perClass, macro: neumaierSum(perClass.map((p) => p.auc)) / perClass.length };
}

/**
 * The precision-recall curve (sklearn's precision_recall_curve with drop_intermediate=False):
 * one point per distinct score in ascending threshold order, then the point (recall 0,
 * precision 1) with no threshold. Precision is TP / (TP + FP) and recall TP / P; with no
 * positive row recall is 1 everywhere, as sklearn sets it.
 */
export function precisionRecallCurve(yTrue: Labels, scores: readonly number[], positiveLabel?: Label): PrecisionRecallCurve {
  const c = clfCurve("precisionRecallCurve", yTrue, scores, positiveLabel);
  const precision = c.tps.map((t, i) => {
    const predicted = t + (c.fps[i] ?? 0);
    return predicted === 0 ? 0 : t / predicted;
  });
  const recall = c.tps.map((t) => (c.positives === 0 ? 1 : t / c.positives));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: [...c.thresholds].reverse(),
  };
}

/**
 * Average precision (sklearn's average_precision_score): the step-wise sum
 * AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ over distinct thresholds from the highest down, R₀ = 0 — no
 * interpolation. With no positive row AP is 0 (sklearn returns 0 with a warning).
 */
export function averagePrecision(yTrue: Labels, scores: readonly number[], positiveLabel?: Label): number {
  const c = clfCurve("averagePrecision", yTrue, scores, positiveLabel);
  if (c.positives === 0) return 0;
  let prevT = 0;
  const terms = c.tps.map((t, i) => {
    const term = ((t - prevT) / c.positives) * (t / (t + (c.fps[i] ?? 0)));
    prevT = t;
    return term;
  });
  return neumaierSum(terms);
}
