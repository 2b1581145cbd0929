import { describe, expect, it } from "vitest";
import {
  accuracy,
  averagePrecision,
  confusionMatrix,
  evaluateBinary,
  evaluateMulticlass,
  LOG_LOSS_EPS,
  logLossBinary,
  logLossMulticlass,
  macroAverage,
  precisionRecallCurve,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
  rocCurve,
} from "./index";

// Small examples computed by hand (sklearn's documented examples where noted).

describe("ROC and PR by hand", () => {
  // sklearn's roc_curve docstring example: y = [1, 1, 2, 2], scores = [.1, .4, .35, .8], pos_label 2.
  const y = [1, 1, 2, 2];
  const s = [0.1, 0.4, 0.35, 0.8];

  it("gives sklearn's documented ROC curve and AUC", () => {
    expect(rocCurve(y, s)).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] });
    expect(rocAuc(y, s)).toBe(0.75);
  });

  it("gives sklearn's documented precision-recall curve and average precision", () => {
    const pr = precisionRecallCurve([0, 0, 1, 1], s);
    expect(pr.thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
    expect(pr.precision).toEqual([0.5, 2 / 3, 0.5, 1, 1]);
    expect(pr.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    // AP = ½·1 + 0·½ + ½·⅔ = 0.8333…
    expect(averagePrecision([0, 0, 1, 1], s)).toBeCloseTo(0.8333333333333333, 15);
  });

  it("counts a tied positive/negative pair as one half", () => {
    // pairs (pos, neg): (.5,.5) → ½, (.5,.2) → 1, (.9,.5) → 1, (.9,.2) → 1 ⇒ 3.5 / 4
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2])).toBe(0.875);
    expect(rocAuc(["b", "a", "b", "a"], [0.5, 0.5, 0.9, 0.2])).toBe(0.875);
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2], 0)).toBe(0.125);
  });

  it("is 1 for a perfect ranking, 0 for a reversed one and 0.5 when all tie", () => {
    expect(rocAuc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [4, 3, 2, 1])).toBe(0);
    expect(rocAuc([0, 0, 1, 1], [7, 7, 7, 7])).toBe(0.5);
    expect(averagePrecision([0, 0, 1, 1], [7, 7, 7, 7])).toBe(0.5);
  });

  it("averages one-vs-rest AUCs over classes", () => {
    const probs = [
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.2, 0.7],
      [0.3, 0.4, 0.3],
    ];
    // class a: pos .8 vs negs .2,.1,.3 → 1; b: pos .7,.4 vs .1,.2 → 1; c: pos .7 vs .1,.1,.3 → 1
    expect(rocAucOvr(["a", "b", "c", "b"], probs, ["a", "b", "c"]).macro).toBe(1);
    // class a: pos .8,.3 vs .2,.1 → 1; b: pos .7 vs .1,.2,.4 → 1; c: pos .7 vs .1,.1,.3 → 1
    expect(rocAucOvr(["a", "b", "c", "a"], probs, ["a", "b", "c"]).perClass.map((p) => p.auc)).toEqual([1, 1, 1]);
  });
});

describe("label metrics by hand", () => {
  it("builds the confusion matrix with sorted labels, rows = true", () => {
    const cm = confusionMatrix(["cat", "ant", "cat", "bee"], ["ant", "ant", "cat", "cat"]);
    expect(cm.labels).toEqual(["ant", "bee", "cat"]);
    expect(cm.matrix).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 1],
    ]);
    expect(confusionMatrix([10, 2, 2], [2, 10, 2]).labels).toEqual([2, 10]);
  });

  it("scores classes with zero_division = 0", () => {
    // labels [ant, bee, cat]: ant tp1 fp1 fn0; bee tp0 fp0 fn1; cat tp1 fp1 fn1
    const scores = precisionRecallF1(["cat", "ant", "cat", "bee"], ["ant", "ant", "cat", "cat"]);
    expect(scores.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([
      [0.5, 1, 2 / 3, 1],
      [0, 0, 0, 1],
      [0.5, 0.5, 0.5, 2],
    ]);
    const macro = macroAverage(scores);
    expect(macro.precision).toBeCloseTo(1 / 3, 15);
    expect(macro.recall).toBeCloseTo(0.5, 15);
    expect(macro.f1).toBeCloseTo((2 / 3 + 0.5) / 3, 15);
  });

  it("clips log loss at 2⁻⁵² as sklearn 1.9 does, without renormalising rows", () => {
    expect(LOG_LOSS_EPS).toBe(2 ** -52);
    expect(logLossBinary([1, 0], [1, 0])).toBe(-Math.log(1 - 2 ** -52));
    expect(logLossBinary([1, 0], [0, 1])).toBe(-Math.log(2 ** -52));
    expect(logLossBinary([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(logLossMulticlass(["x", "y"], [[0.5, 0.25], [0.2, 0.8]], ["x", "y"])).toBeCloseTo(-(Math.log(0.5) + Math.log(0.8)) / 2, 15);
  });

  it("evaluates string labels with the larger label as positive", () => {
    const r = evaluateBinary(["no", "yes", "yes", "no"], [0.2, 0.7, 0.4, 0.6]);
    expect(r.positiveLabel).toBe("yes");
    expect(r.yPred).toEqual(["no", "yes", "no", "yes"]);
    expect(r.confusionMatrix).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect([r.accuracy, r.precision, r.recall, r.f1]).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(r.rocAuc).toBe(0.75);
    expect(evaluateBinary(["no", "yes", "yes", "no"], [0.2, 0.7, 0.4, 0.6], 0.3).yPred).toEqual(["no", "yes", "yes", "yes"]);
  });
});

describe("errors", () => {
  it("rejects empty input, mismatched lengths and NaN", () => {
    expect(() => evaluateBinary([], [])).toThrow(/empty input/);
    expect(() => evaluateBinary([0, 1], [0.5])).toThrow(/mismatched lengths \(2 vs 1\)/);
    expect(() => evaluateBinary([0, 1], [0.5, Number.NaN])).toThrow(/pPositive\[1\] is NaN/);
    expect(() => evaluateBinary([0, Number.NaN], [0.5, 0.5])).toThrow(/yTrue\[1\] is NaN/);
    expect(() => rocAuc([0, 1], [Number.NaN, 1])).toThrow(/scores\[0\] is NaN/);
    expect(() => accuracy([1, 2], [1])).toThrow(/mismatched lengths/);
    expect(() => confusionMatrix([], [])).toThrow(/empty input/);
  });

  it("rejects a single-class ROC", () => {
    expect(() => rocAuc([1, 1, 1], [0.1, 0.5, 0.9])).toThrow("ROC-AUC is undefined when y_true has one class");
    expect(() => rocAuc([1, 1, 1], [0.1, 0.5, 0.9], 1)).toThrow("ROC-AUC is undefined when y_true has one class");
    expect(() => rocCurve(["a", "a"], [0.1, 0.5])).toThrow("ROC-AUC is undefined when y_true has one class");
    expect(() => evaluateBinary([0, 0], [0.1, 0.2])).toThrow("ROC-AUC is undefined when y_true has one class");
    expect(() => rocAucOvr(["a", "a"], [[0.5, 0.5], [0.4, 0.6]], ["a", "b"])).toThrow("ROC-AUC is undefined when y_true has one class");
  });

  it("rejects other malformed input", () => {
    expect(() => rocAuc([0, 1, 2], [0.1, 0.5, 0.9])).toThrow(/3 classes/);
    expect(() => evaluateBinary([0, 1, 2], [0.1, 0.5, 0.9])).toThrow(/use evaluateMulticlass/);
    expect(() => logLossBinary([0, 1], [0.5, 1.5])).toThrow(/outside \[0, 1\]/);
    expect(() => logLossMulticlass(["a"], [[0.5]], ["a", "b"])).toThrow(/1 values for 2 labels/);
    expect(() => logLossMulticlass(["z"], [[0.5, 0.5]], ["a", "b"])).toThrow(/not one of labels/);
    expect(() => rocAucOvr(["a", "b"], [[0.5, 0.6], [0.4, 0.6]], ["a", "b"])).toThrow(/does not sum to 1/);
    expect(() => evaluateMulticlass(["a", "c"], [[0.5, 0.5], [0.4, 0.6]], ["a", "b"])).toThrow(/outside labels/);
    expect(() => confusionMatrix([1, 2], [1, 2], [1])).toThrow(/outside labels/);
    expect(() => precisionRecallCurve([1, 1], [0.1, 0.2])).toThrow(/pass positiveLabel/);
  });

  it("gives sklearn's no-positive PR curve (recall 1) and AP 0 instead of throwing", () => {
    expect(precisionRecallCurve([0, 0], [0.1, 0.2], 1)).toEqual({ precision: [0, 0, 1], recall: [1, 1, 0], thresholds: [0.1, 0.2] });
    expect(averagePrecision([0, 0], [0.1, 0.2], 1)).toBe(0);
  });
});
