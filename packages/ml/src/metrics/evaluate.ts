/**
 * One-call evaluation of a classifier's probabilities or a regressor's predictions.
 */
import { accuracy, type ClassScores, confusionMatrix, logLossBinary, logLossMulticlass, macroAverage, type MacroScores, scoresFromConfusion } from "./classification";
import { assertFinite, assertLabels, assertSameLength, type Label, type Labels, uniqueLabels } from "./numeric";
import { averagePrecision, type PrecisionRecallCurve, precisionRecallCurve, type RocCurve, rocAuc, rocAucOvr, rocCurve } from "./ranking";

/** What binary and multiclass evaluation have in common. */
export interface ClassificationReport {
  n: number;
  /** Sorted (numbers numerically, strings by code point); the order of the matrix and perClass. */
  labels: Label[];
  /** Predicted label per row. */
  yPred: Label[];
  /** Rows = true label, columns = predicted label. */
  confusionMatrix: number[][];
  accuracy: number;
  perClass: ClassScores[];
  macro: MacroScores;
  logLoss: number;
}

/** evaluateBinary's report: the common one plus the positive-class scores and the ranking metrics. */
export interface BinaryClassificationReport extends ClassificationReport {
  positiveLabel: Label;
  negativeLabel: Label;
  threshold: number;
  /** Scores of the positive class (sklearn's average="binary"). */
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  rocCurve: RocCurve;
  precisionRecallCurve: PrecisionRecallCurve;
  averagePrecision: number;
}

/** evaluateMulticlass's report: the common one plus one-vs-rest ROC-AUC. */
export interface MulticlassClassificationReport extends ClassificationReport {
  /** Per class, sorted label order. */
  rocAucPerClass: { label: Label; auc: number }[];
  /** One-vs-rest macro average (sklearn's roc_auc_score(multi_class="ovr", average="macro")). */
  rocAucOvrMacro: number;
}

/** The part every classification report shares, from the true and predicted labels. */
function commonReport(yTrue: Labels, yPred: Labels, labels: readonly Label[], logLoss: () => number): ClassificationReport {
  const cm = confusionMatrix(yTrue, yPred, labels);
  const perClass = scoresFromConfusion(cm);
  return {
    n: yTrue.length,
    labels: cm.labels,
    yPred: [...yPred],
    confusionMatrix: cm.matrix,
    accuracy: accuracy(yTrue, yPred),
    perClass,
    macro: macroAverage(perClass),
    logLoss: logLoss(),
  };
}

function labelSlice(sample: Labels, values: readonly Label[]): Labels {
  return typeof sample[0] === "number" ? values.map(Number) : values.map(String);
}

/**
 * Evaluates P(positive) against binary labels. yTrue must hold exactly two classes; the
 * positive one is the larger (1 of 0/1, "yes" of "no"/"yes"), as sklearn's roc_auc_score picks
 * it. A row is predicted positive when its probability is ≥ threshold.
 */
export function evaluateBinary(yTrue: Labels, pPositive: readonly number[], threshold = 0.5): BinaryClassificationReport {
  assertSameLength("evaluateBinary", yTrue, pPositive);
  assertLabels("evaluateBinary", "yTrue", yTrue);
  assertFinite("evaluateBinary", "pPositive", pPositive);
  if (!Number.isFinite(threshold)) throw new Error(`evaluateBinary: threshold is ${threshold}`);
  const classes = uniqueLabels(yTrue);
  const [negative, positive] = classes;
  if (negative === undefined || positive === undefined) throw new Error("ROC-AUC is undefined when y_true has one class");
  if (classes.length > 2) throw new Error(`evaluateBinary: yTrue has ${classes.length} classes; use evaluateMulticlass`);
  const yPred = labelSlice(yTrue, pPositive.map((p) => (p >= threshold ? positive : negative)));
  const common = commonReport(yTrue, yPred, classes, () => logLossBinary(yTrue, pPositive, positive));
  const pos = common.perClass[1] ?? { precision: 0, recall: 0, f1: 0 };
  return {
    ...common,
    positiveLabel: positive,
    negativeLabel: negative,
    threshold,
    precision: pos.precision,
    recall: pos.recall,
    f1: pos.f1,
    rocAuc: rocAuc(yTrue, pPositive, positive),
    rocCurve: rocCurve(yTrue, pPositive, positive),
    precisionRecallCurve: precisionRecallCurve(yTrue, pPositive, positive),
    averagePrecision: averagePrecision(yTrue, pPositive, positive),
  };
}

/**
 * Evaluates rows of class probabilities; `labels[j]` is the class of column j (any order).
 * The predicted label is that of the largest probability (the first on a tie, as np.argmax).
 * Matrix and per-class scores cover every declared label, sorted (sklearn with labels=...).
 */
export function evaluateMulticlass(yTrue: Labels, probabilities: readonly (readonly number[])[], labels: Labels): MulticlassClassificationReport {
  assertSameLength("evaluateMulticlass", yTrue, probabilities);
  assertLabels("evaluateMulticlass", "labels", labels);
  if (labels.length < 2) throw new Error("evaluateMulticlass: needs at least two labels");
  const yPred = labelSlice(
    labels,
    probabilities.map((row, i) => {
      if (row.length !== labels.length) throw new Error(`evaluateMulticlass: probabilities[${i}] has ${row.length} values for ${labels.length} labels`);
      assertFinite("evaluateMulticlass", `probabilities[${i}]`, row);
      let best = 0;
      row.forEach((p, j) => {
        if (p > (row[best] ?? Number.NEGATIVE_INFINITY)) best = j;
      });
      return labels[best] ?? Number.NaN;
    }),
  );
  const common = commonReport(yTrue, yPred, labels, () => logLossMulticlass(yTrue, probabilities, labels));
  const ovr = rocAucOvr(yTrue, probabilities, labels);
  return {
    ...common,
    rocAucPerClass: ovr.perClass,
    rocAucOvrMacro: ovr.macro,
  };
}
