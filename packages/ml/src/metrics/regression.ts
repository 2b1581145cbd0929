/**
 * Regression metrics, defined as scikit-learn 1.9 defines them (uniform average, one output).
 */
import { assertFinite, assertSameLength, mean, neumaierSum } from "./numeric";

/** Every regression metric of one prediction. */
export interface RegressionReport {
  n: number;
  mae: number;
  mse: number;
  rmse: number;
  r2: number;
  /** y − ŷ, per row. */
  residuals: number[];
}

function checked(what: string, yTrue: readonly number[], yPred: readonly number[]): void {
  assertSameLength(what, yTrue, yPred);
  assertFinite(what, "yTrue", yTrue);
  assertFinite(what, "yPred", yPred);
}

/** y − ŷ per row. */
export function residuals(yTrue: readonly number[], yPred: readonly number[]): number[] {
  checked("residuals", yTrue, yPred);
  return yTrue.map((y, i) => y - (yPred[i] ?? Number.NaN));
}

/** Mean absolute error: mean |y − ŷ| (sklearn's mean_absolute_error). */
export function meanAbsoluteError(yTrue: readonly number[], yPred: readonly number[]): number {
  checked("meanAbsoluteError", yTrue, yPred);
  return mean(residuals(yTrue, yPred).map(Math.abs));
}

/** Mean squared error: mean (y − ŷ)² (sklearn's mean_squared_error). */
export function meanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  checked("meanSquaredError", yTrue, yPred);
  return mean(residuals(yTrue, yPred).map((e) => e * e));
}

/** Root mean squared error: √MSE (sklearn's root_mean_squared_error). */
export function rootMeanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (sklearn's r2_score).
 *
 * Edge cases follow sklearn's defaults:
 * - a constant target (every y equal, so Σ(y − ȳ)² = 0) gives 1 when the prediction is
 *   exact and 0 otherwise (`force_finite=True`), instead of NaN / −Infinity. "Constant" is
 *   decided by comparing the values, not by the rounded mean, so a constant target is always
 *   recognised.
 * - fewer than two samples: R² is not well-defined and NaN is returned (sklearn warns and
 *   returns NaN too).
 */
export function r2Score(yTrue: readonly number[], yPred: readonly number[]): number {
  checked("r2Score", yTrue, yPred);
  if (yTrue.length < 2) return Number.NaN;
  const numerator = neumaierSum(residuals(yTrue, yPred).map((e) => e * e));
  const first = yTrue[0];
  if (yTrue.every((y) => y === first)) return numerator === 0 ? 1 : 0;
  const yMean = mean(yTrue);
  const denominator = neumaierSum(yTrue.map((y) => (y - yMean) * (y - yMean)));
  return 1 - numerator / denominator;
}

/** All regression metrics at once. Throws on empty input, mismatched lengths, NaN or ±Infinity. */
export function evaluateRegression(yTrue: readonly number[], yPred: readonly number[]): RegressionReport {
  checked("evaluateRegression", yTrue, yPred);
  const mse = meanSquaredError(yTrue, yPred);
  return {
    n: yTrue.length,
    mae: meanAbsoluteError(yTrue, yPred),
    mse,
    rmse: Math.sqrt(mse),
    r2: r2Score(yTrue, yPred),
    residuals: residuals(yTrue, yPred),
  };
}
