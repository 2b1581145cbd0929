import { describe, expect, it } from "vitest";
import { seededRandom } from "../tabular/testing";
import { kFold, splitIndices, type StratumLabel } from "./index";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function expectPartition(parts: number[][], n: number): void {
  const all = parts.flat().sort((a, b) => a - b);
  expect(all).toEqual(range(n));
  for (const p of parts) expect(p).toEqual([...p].sort((a, b) => a - b));
}

const count = (rows: number[], labels: readonly StratumLabel[], label: StratumLabel): number => rows.filter((i) => labels[i] === label).length;

/** 60 a, 30 b, 10 c, in a seeded order. */
function labels(): string[] {
  const random = seededRandom(11);
  const out = [...new Array<string>(60).fill("a"), ...new Array<string>(30).fill("b"), ...new Array<string>(10).fill("c")];
  return out.map((l) => ({ l, k: random() })).sort((x, y) => x.k - y.k).map((x) => x.l);
}

describe("splitIndices", () => {
  it("is deterministic per seed, with sizes round(n·fraction)", () => {
    const a = splitIndices(103, { test: 0.2, validation: 0.15, seed: 7 });
    expect(splitIndices(103, { test: 0.2, validation: 0.15, seed: 7 })).toEqual(a);
    expect(splitIndices(103, { test: 0.2, validation: 0.15, seed: 8 })).not.toEqual(a);
    expect(a.test).toHaveLength(21); // round(20.6)
    expect(a.validation).toHaveLength(15); // round(15.45)
    expect(a.train).toHaveLength(67);
    expectPartition([a.train, a.validation, a.test], 103);
    const noValidation = splitIndices(10, { test: 0.25, seed: 1 });
    expect(noValidation.test).toHaveLength(3); // Math.round(2.5) = 3
    expect(noValidation.validation).toEqual([]);
  });

  it("splits each class in proportion when stratified", () => {
    const y = labels();
    const s = splitIndices(100, { test: 0.2, validation: 0.1, seed: 3, stratify: y });
    expectPartition([s.train, s.validation, s.test], 100);
    expect(s.test).toHaveLength(20);
    expect(s.validation).toHaveLength(10);
    expect(["a", "b", "c"].map((l) => count(s.test, y, l))).toEqual([12, 6, 2]);
    expect(["a", "b", "c"].map((l) => count(s.validation, y, l))).toEqual([6, 3, 1]);
    expect(splitIndices(100, { test: 0.2, validation: 0.1, seed: 3, stratify: y })).toEqual(s);
  });

  it("hands leftover rows to the largest remainders and keeps every class in train", () => {
    // classes of 5, 3, 2 and 1 rows; test = 0.5: quotas 2.5, 1.5, 1, 0.5 → round(5.5) = 6 test rows
    const y: StratumLabel[] = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
    const s = splitIndices(11, { test: 0.5, seed: 5, stratify: y });
    expectPartition([s.train, s.validation, s.test], 11);
    expect([0, 1, 2, 3].map((l) => count(s.test, y, l))).toEqual([3, 2, 1, 0]);
    for (const l of [0, 1, 2, 3]) expect(count(s.train, y, l)).toBeGreaterThanOrEqual(1);
    // two-row classes always keep one in train even when the fraction would take both
    const pairs = splitIndices(6, { test: 0.6, seed: 2, stratify: ["x", "x", "y", "y", "z", "z"] });
    expect(["x", "y", "z"].map((l) => count(pairs.train, ["x", "x", "y", "y", "z", "z"], l))).toEqual([1, 1, 1]);
    expect(pairs.test).toHaveLength(3); // capped below round(3.6) = 4
  });

  it("rejects bad arguments", () => {
    expect(() => splitIndices(10, { test: 0, seed: 1 })).toThrow(/test must be a fraction/);
    expect(() => splitIndices(10, { test: 1, seed: 1 })).toThrow(/test must be a fraction/);
    expect(() => splitIndices(10, { test: Number.NaN, seed: 1 })).toThrow(/test must be a fraction/);
    expect(() => splitIndices(10, { test: 0.2, validation: -0.1, seed: 1 })).toThrow(/validation must be a fraction/);
    expect(() => splitIndices(10, { test: 0.5, validation: 0.5, seed: 1 })).toThrow(/below 1/);
    expect(() => splitIndices(2, { test: 0.5, validation: 0.4, seed: 1 })).toThrow(/no training rows/);
    expect(() => splitIndices(0, { test: 0.2, seed: 1 })).toThrow(/positive integer/);
    expect(() => splitIndices(2.5, { test: 0.2, seed: 1 })).toThrow(/positive integer/);
    expect(() => splitIndices(3, { test: 0.3, seed: 1, stratify: ["a", "b"] })).toThrow(/2 labels for 3 rows/);
    expect(() => splitIndices(2, { test: 0.3, seed: 1, stratify: [1, Number.NaN] })).toThrow(/stratify\[1\] is NaN/);
  });
});

describe("kFold", () => {
  it("covers every row exactly once across the test folds, deterministically", () => {
    const folds = kFold(23, 5, { seed: 9 });
    expect(kFold(23, 5, { seed: 9 })).toEqual(folds);
    expect(kFold(23, 5, { seed: 10 })).not.toEqual(folds);
    expect(folds).toHaveLength(5);
    expectPartition(folds.map((f) => f.test), 23);
    expect(folds.map((f) => f.test.length).sort()).toEqual([4, 4, 5, 5, 5]);
    for (const f of folds) expectPartition([f.train, f.test], 23);
  });

  it("keeps class proportions per fold when stratified", () => {
    const y = labels();
    const folds = kFold(100, 5, { seed: 4, stratify: y });
    expectPartition(folds.map((f) => f.test), 100);
    for (const f of folds) {
      expect(f.test).toHaveLength(20);
      expect(["a", "b", "c"].map((l) => count(f.test, y, l))).toEqual([12, 6, 2]);
      expectPartition([f.train, f.test], 100);
    }
    const uneven = kFold(10, 3, { seed: 4, stratify: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1] });
    for (const f of uneven) expect(count(f.test, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1], 1)).toBe(1);
  });

  it("rejects bad k", () => {
    expect(() => kFold(10, 1, { seed: 1 })).toThrow(/k must be an integer ≥ 2/);
    expect(() => kFold(10, 2.5, { seed: 1 })).toThrow(/k must be an integer/);
    expect(() => kFold(3, 4, { seed: 1 })).toThrow(/k = 4 is more than the 3 rows/);
    expect(() => kFold(3, 2, { seed: 1, stratify: ["a"] })).toThrow(/1 labels for 3 rows/);
  });
});
