import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluateRegression, meanAbsoluteError, meanSquaredError, r2Score, residuals, rootMeanSquaredError } from "./index";

// Expected values: scikit-learn 1.9 (scripts/reference/make_metric_fixtures.py), or by hand.
const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/metrics/", import.meta.url));

interface RegressionCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  mae: number;
  mse: number;
  rmse: number;
  r2: number;
  residuals: number[];
}

const load = <T>(file: string): T => JSON.parse(readFileSync(FIXTURES + file, "utf8")) as T;
const main = load<RegressionCase>("regression.json");
const edges = load<{ regression: RegressionCase[] }>("edge-cases.json").regression;

/** |actual − expected| ≤ 1e-9 · |expected| (exact when expected is 0). */
function expectClose(actual: number, expected: number, what = ""): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
}

describe.each([main, ...edges])("regression fixture $name", (c) => {
  it("matches sklearn's MAE, MSE, RMSE, R² and the residuals", () => {
    const report = evaluateRegression(c.y_true, c.y_pred);
    expect(report.n).toBe(c.y_true.length);
    expectClose(report.mae, c.mae, "mae");
    expectClose(report.mse, c.mse, "mse");
    expectClose(report.rmse, c.rmse, "rmse");
    expectClose(report.r2, c.r2, "r2");
    expect(report.residuals).toEqual(c.residuals);
    expectClose(meanAbsoluteError(c.y_true, c.y_pred), c.mae);
    expectClose(meanSquaredError(c.y_true, c.y_pred), c.mse);
    expectClose(rootMeanSquaredError(c.y_true, c.y_pred), c.rmse);
    expectClose(r2Score(c.y_true, c.y_pred), c.r2);
  });
});

describe("regression by hand", () => {
  it("computes a small example", () => {
    // y = [3, −0.5, 2, 7], ŷ = [2.5, 0, 2, 8]: e = [.5, −.5, 0, −1]
    const y = [3, -0.5, 2, 7];
    const yhat = [2.5, 0, 2, 8];
    expect(residuals(y, yhat)).toEqual([0.5, -0.5, 0, -1]);
    expect(meanAbsoluteError(y, yhat)).toBe(0.5);
    expect(meanSquaredError(y, yhat)).toBe(0.375);
    expect(rootMeanSquaredError(y, yhat)).toBe(Math.sqrt(0.375));
    // ȳ = 2.875, Σ(y − ȳ)² = 29.1875, Σe² = 1.5 → 1 − 1.5/29.1875
    expect(r2Score(y, yhat)).toBeCloseTo(1 - 1.5 / 29.1875, 15);
    expect(r2Score(y, yhat)).toBeCloseTo(0.9486081370449679, 15);
  });

  it("gives R² = 1 / 0 for a constant target (force_finite) and NaN for one sample", () => {
    expect(r2Score([0.1, 0.1, 0.1], [0.1, 0.1, 0.1])).toBe(1);
    expect(r2Score([0.1, 0.1, 0.1], [0.1, 0.2, 0.1])).toBe(0);
    expect(r2Score([5], [4])).toBeNaN();
    expect(r2Score([1, 2, 3], [2, 2, 2])).toBe(0);
  });

  it("keeps precision far from zero (Neumaier sums)", () => {
    const y = [1e16, 1, -1e16, 1];
    expect(meanAbsoluteError(y, [0, 0, 0, 0])).toBe((2e16 + 2) / 4);
    expect(meanAbsoluteError([1e16, 1, 1, -1e16], [1e16, 0, 0, -1e16])).toBe(0.5);
  });

  it("throws clear errors on bad input", () => {
    expect(() => evaluateRegression([], [])).toThrow(/empty input/);
    expect(() => evaluateRegression([1, 2], [1])).toThrow(/mismatched lengths \(2 vs 1\)/);
    expect(() => evaluateRegression([1, Number.NaN], [1, 2])).toThrow(/yTrue\[1\] is NaN/);
    expect(() => r2Score([1, 2], [1, Number.POSITIVE_INFINITY])).toThrow(/yPred\[1\] is Infinity/);
    expect(() => meanSquaredError([1], [])).toThrow(/empty input/);
  });
});
