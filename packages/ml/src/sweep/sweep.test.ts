import { describe, expect, it } from "vitest";
import {
  bestTrial,
  createRng,
  MAX_GRID_TRIALS,
  medianStoppingRule,
  parseSearchSpace,
  planTrials,
  type SearchSpace,
  ZSearchSpace,
} from "./index";

const space: SearchSpace = {
  learningRate: { type: "loguniform", min: 1e-4, max: 1e-1 },
  hiddenLayers: [[64], [128, 64], []],
  dropout: { type: "uniform", min: 0, max: 0.5 },
  batchSize: { type: "int", min: 16, max: 128, step: 16 },
  l2: { type: "choice", values: [0, 1e-4, 1e-3] },
  optimizer: ["adam", "sgd"],
  shuffle: [true, false],
};

describe("ZSearchSpace / parseSearchSpace", () => {
  it("accepts every domain form", () => {
    expect(ZSearchSpace.parse(space)).toEqual(space);
    expect(parseSearchSpace({ a: { type: "int", min: -3, max: 3 } })).toEqual({ a: { type: "int", min: -3, max: 3 } });
  });

  it.each([
    [{ dropout: { type: "uniform", min: 0.5, max: 0.1 } }, "dropout: uniform needs min < max"],
    [{ dropout: { type: "uniform", min: 0.5, max: 0.5 } }, "dropout: uniform needs min < max"],
    [{ learningRate: { type: "loguniform", min: 0, max: 1 } }, "learningRate: loguniform needs min > 0"],
    [{ learningRate: { type: "loguniform", min: 0.1, max: 0.01 } }, "learningRate: loguniform needs min < max"],
    [{ batchSize: { type: "int", min: 1.5, max: 4 } }, "batchSize.min: int min must be an integer"],
    [{ batchSize: { type: "int", min: 1, max: 4, step: 0 } }, "batchSize.step: int step must be ≥ 1"],
    [{ batchSize: { type: "int", min: 8, max: 4 } }, "batchSize: int needs min < max"],
    [{ batchSize: { type: "int", min: 0, max: 1e7 } }, "batchSize: int range has more than 1,000,000 values"],
    [{ optimizer: [] }, "optimizer: must list at least one value"],
    [{ optimizer: ["adam", "adam"] }, 'optimizer: duplicate value "adam"'],
    [{ optimizer: { type: "choice", values: [] } }, "optimizer.values: must list at least one value"],
    [{ optimizer: ["adam", null] }, "optimizer.1: values must be numbers, strings, booleans or arrays of numbers"],
    [{ dropout: { type: "normal", mean: 0 } }, 'dropout.type: type must be "uniform", "loguniform", "int" or "choice"'],
    [{ dropout: { type: "uniform", min: "a", max: 1 } }, "dropout.min: must be a finite number"],
    [{ dropout: { type: "uniform", min: 0, max: 1, extra: 1 } }, "dropout"],
    [{ dropout: 0.5 }, 'dropout: must be a non-empty array of values or an object with type "uniform"'],
    [{ lr: [Number.NaN] }, "lr.0"],
    [{}, "the search space defines no parameters"],
    [{ "bad name": [1] }, "bad name: parameter names are identifiers"],
    [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, [1]])), "the search space may define at most 64 parameters"],
  ])("rejects invalid space #%# with a clear message", (input, message) => {
    expect(() => parseSearchSpace(input)).toThrow(`invalid search space: ${message}`);
  });

  it("accepts exactly 64 parameters", () => {
    expect(Object.keys(parseSearchSpace(Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`p${i}`, [1]]))))).toHaveLength(64);
  });
});

describe("createRng", () => {
  it("is deterministic, in [0, 1), and different for nearby seeds", () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng(2);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    // High bits of the seed matter too.
    expect(createRng(2 ** 40)()).not.toBe(createRng(0)());
  });

  it("rejects seeds that are not safe integers", () => {
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer/);
  });
});

describe("planTrials: grid", () => {
  it("is the cartesian product, first parameter slowest, int ranges expanded by step", () => {
    const plan = planTrials({ method: "grid", space: { optimizer: ["adam", "sgd"], batchSize: { type: "int", min: 16, max: 48, step: 16 } } });
    expect(plan).toEqual([
      { optimizer: "adam", batchSize: 16 },
      { optimizer: "adam", batchSize: 32 },
      { optimizer: "adam", batchSize: 48 },
      { optimizer: "sgd", batchSize: 16 },
      { optimizer: "sgd", batchSize: 32 },
      { optimizer: "sgd", batchSize: 48 },
    ]);
  });

  it("includes max only when the step lands on it", () => {
    expect(planTrials({ method: "grid", space: { k: { type: "int", min: 1, max: 10, step: 4 } } })).toEqual([{ k: 1 }, { k: 5 }, { k: 9 }]);
  });

  it("handles choices, booleans and array values, and copies arrays", () => {
    const layers = [[64], [128, 64]];
    const plan = planTrials({ method: "grid", space: { hiddenLayers: layers, l2: { type: "choice", values: [0, 0.01] }, bn: [true] } });
    expect(plan).toEqual([
      { hiddenLayers: [64], l2: 0, bn: true },
      { hiddenLayers: [64], l2: 0.01, bn: true },
      { hiddenLayers: [128, 64], l2: 0, bn: true },
      { hiddenLayers: [128, 64], l2: 0.01, bn: true },
    ]);
    expect(plan[0]?.hiddenLayers).not.toBe(plan[1]?.hiddenLayers);
    (plan[0]?.hiddenLayers as number[]).push(1);
    expect(layers[0]).toEqual([64]);
  });

  it("truncates to the first `trials` combinations", () => {
    const full = planTrials({ method: "grid", space: { a: [1, 2, 3], b: ["x", "y"] } });
    expect(planTrials({ method: "grid", space: { a: [1, 2, 3], b: ["x", "y"] }, trials: 4 })).toEqual(full.slice(0, 4));
    expect(planTrials({ method: "grid", space: { a: [1, 2, 3], b: ["x", "y"] }, trials: 100 })).toEqual(full);
  });

  it("refuses continuous ranges, naming the parameter", () => {
    expect(() => planTrials({ method: "grid", space: { optimizer: ["adam"], dropout: { type: "uniform", min: 0, max: 0.5 } } })).toThrow(
      'grid search cannot enumerate parameter "dropout" (a continuous uniform range)',
    );
    expect(() => planTrials({ method: "grid", space: { learningRate: { type: "loguniform", min: 1e-4, max: 1 } } })).toThrow(/"learningRate".*loguniform/);
  });

  it("refuses grids over 10,000 combinations, even with a trials cap", () => {
    const big: SearchSpace = { a: { type: "int", min: 1, max: 101 }, b: { type: "int", min: 1, max: 100 } };
    expect(() => planTrials({ method: "grid", space: big })).toThrow("grid search: the grid has 10100 combinations (a: 101 × b: 100), more than 10000");
    expect(() => planTrials({ method: "grid", space: big, trials: 10 })).toThrow(/more than 10000/);
    expect(planTrials({ method: "grid", space: { a: { type: "int", min: 1, max: 100 }, b: { type: "int", min: 1, max: 100 } } })).toHaveLength(MAX_GRID_TRIALS);
  });

  it("rejects a bad trials cap and an invalid space", () => {
    expect(() => planTrials({ method: "grid", space: { a: [1] }, trials: 0 })).toThrow("grid search: trials must be an integer from 1 to 10000 (got 0)");
    expect(() => planTrials({ method: "grid", space: { a: [] } })).toThrow("invalid search space: a: must list at least one value");
  });
});

describe("planTrials: random", () => {
  it("is reproducible from the seed and differs across seeds", () => {
    const a = planTrials({ method: "random", space, trials: 50, seed: 7 });
    expect(planTrials({ method: "random", space, trials: 50, seed: 7 })).toEqual(a);
    expect(planTrials({ method: "random", space, trials: 50, seed: 8 })).not.toEqual(a);
    // A longer plan starts with the shorter one.
    expect(planTrials({ method: "random", space, trials: 80, seed: 7 }).slice(0, 50)).toEqual(a);
  });

  it("draws every parameter inside its domain, keyed in space order", () => {
    const plan = planTrials({ method: "random", space, trials: 1000, seed: 123 });
    expect(plan).toHaveLength(1000);
    for (const t of plan) {
      expect(Object.keys(t)).toEqual(Object.keys(space));
      const lr = t.learningRate as number;
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1e-1);
      const d = t.dropout as number;
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(0.5);
      expect([16, 32, 48, 64, 80, 96, 112, 128]).toContain(t.batchSize);
      expect([0, 1e-4, 1e-3]).toContain(t.l2);
      expect(["adam", "sgd"]).toContain(t.optimizer);
      expect([[64], [128, 64], []]).toContainEqual(t.hiddenLayers);
    }
  });

  it("samples ints inclusively and loguniform uniformly in log space", () => {
    const plan = planTrials({
      method: "random",
      space: { k: { type: "int", min: 1, max: 3 }, lr: { type: "loguniform", min: 1e-6, max: 1 } },
      trials: 1000,
      seed: 99,
    });
    const ks = new Set(plan.map((t) => t.k));
    expect([...ks].sort()).toEqual([1, 2, 3]);
    // Each decade of [1e-6, 1] gets ~1/6 of the draws (a linear draw would put ~90% in the top decade).
    const decades = [0, 0, 0, 0, 0, 0];
    for (const t of plan) {
      const d = Math.min(5, Math.floor(-Math.log10(t.lr as number)));
      decades[d] = (decades[d] ?? 0) + 1;
    }
    for (const c of decades) {
      expect(c).toBeGreaterThan(110);
      expect(c).toBeLessThan(230);
    }
  });

  it("requires trials (1..1000) and a seed", () => {
    expect(() => planTrials({ method: "random", space, seed: 1 })).toThrow("random search: trials is required (1 to 1000)");
    expect(() => planTrials({ method: "random", space, trials: 1001, seed: 1 })).toThrow("random search: trials must be an integer from 1 to 1000 (got 1001)");
    expect(() => planTrials({ method: "random", space, trials: 2.5, seed: 1 })).toThrow(/trials must be an integer/);
    expect(() => planTrials({ method: "random", space, trials: 5 })).toThrow("random search: seed is required");
  });

  it("rejects an unknown method", () => {
    expect(() => planTrials({ method: "bayes" as "grid", space: { a: [1] }, trials: 1, seed: 1 })).toThrow('method must be "grid" or "random" (got "bayes")');
  });
});

describe("medianStoppingRule", () => {
  // Other trials' losses: running averages at step 7 are 0.30, 0.50, 0.70, 0.30 → median 0.40.
  const flat = (v: number, n = 10): number[] => Array.from({ length: n }, () => v);
  const others = [flat(0.3), flat(0.5), flat(0.7), flat(0.3)];

  it("stops a minimising trial whose best is strictly worse than the median of running averages", () => {
    const current = [0.9, 0.8, 0.6, 0.5, 0.45, 0.42, 0.41];
    expect(medianStoppingRule(current, others, { goal: "minimize", metric: "val_loss", unit: "epochs" })).toEqual({
      stop: true,
      reason: "best val_loss 0.41 after 7 epochs is worse than the median 0.40 of 4 other trials",
    });
  });

  it("keeps a trial whose best equals or beats the median", () => {
    const current = [0.9, 0.8, 0.6, 0.5, 0.45, 0.42, 0.4];
    const d = medianStoppingRule(current, others, { goal: "minimize" });
    expect(d.stop).toBe(false);
    expect(d.reason).toBe("best objective 0.40 after 7 steps is not worse than the median 0.40 of 4 other trials");
  });

  it("uses running averages up to step s, not the others' final values", () => {
    // Other trial i improves over time: its average over the first 5 steps is 0.8, its last value 0.1.
    const improving = [1.2, 1.0, 0.8, 0.6, 0.4, 0.1, 0.1];
    const current = [0.9, 0.85, 0.8, 0.75, 0.7];
    expect(medianStoppingRule(current, [improving, improving, improving], { goal: "minimize" }).stop).toBe(false);
    expect(medianStoppingRule([0.9, 0.85, 0.85, 0.85, 0.85], [improving, improving, improving], { goal: "minimize" }).stop).toBe(true);
  });

  it("maximises: stops when the best accuracy is below the median", () => {
    const acc = [flat(0.8), flat(0.9), flat(0.85)];
    expect(medianStoppingRule([0.5, 0.6, 0.7, 0.75, 0.84], acc, { goal: "maximize", metric: "accuracy" })).toEqual({
      stop: true,
      reason: "best accuracy 0.84 after 5 steps is worse than the median 0.85 of 3 other trials",
    });
    expect(medianStoppingRule([0.5, 0.6, 0.7, 0.75, 0.85], acc, { goal: "maximize" }).stop).toBe(false);
  });

  it("never stops within the grace period", () => {
    expect(medianStoppingRule([9, 9, 9, 9], others, { goal: "minimize" })).toEqual({ stop: false, reason: "4 of 5 grace steps reported" });
    expect(medianStoppingRule([9, 9, 9, 9, 9], others, { goal: "minimize" }).stop).toBe(true);
    expect(medianStoppingRule([9, 9], others, { goal: "minimize", graceSteps: 2 }).stop).toBe(true);
    expect(medianStoppingRule([], others, { goal: "minimize", graceSteps: 0 }).stop).toBe(false);
  });

  it("counts only other trials that reached step s, and needs minTrials of them", () => {
    const short = [flat(0.1, 3), flat(0.1, 6), flat(0.1, 6)];
    expect(medianStoppingRule(flat(9, 7), [...short, flat(0.1, 7), flat(0.1, 8)], { goal: "minimize" })).toEqual({
      stop: false,
      reason: "only 2 other trials reached 7 steps (need 3)",
    });
    expect(medianStoppingRule(flat(9, 6), short, { goal: "minimize" })).toEqual({ stop: false, reason: "only 2 other trials reached 6 steps (need 3)" });
    expect(medianStoppingRule(flat(9, 6), short, { goal: "minimize", minTrials: 2 }).stop).toBe(true);
    expect(medianStoppingRule(flat(9, 6), [], { goal: "minimize", minTrials: 1 }).reason).toBe("only 0 other trials reached 6 steps (need 1)");
  });

  it("ignores non-finite values, and stops a trial with nothing finite", () => {
    const withNaN = [Number.NaN, 0.3, 0.3, 0.3, 0.3];
    expect(medianStoppingRule([0.35, 0.35, 0.35, 0.35, 0.35], [withNaN, withNaN, withNaN], { goal: "minimize" }).stop).toBe(true);
    expect(medianStoppingRule([0.25, NaN, NaN, NaN, NaN], [withNaN, withNaN, withNaN], { goal: "minimize" }).stop).toBe(false);
    const d = medianStoppingRule(flat(Number.NaN, 5), others, { goal: "minimize", metric: "loss" });
    expect(d.stop).toBe(true);
    expect(d.reason).toMatch(/^no finite loss after 5 steps/);
    // A trial with nothing finite in its first s steps does not count as a comparator.
    expect(medianStoppingRule(flat(9, 5), [flat(NaN), flat(0.1), flat(0.1)], { goal: "minimize" }).stop).toBe(false);
  });

  it("uses the mean of the two middle averages for an even count", () => {
    const o = [flat(1), flat(2), flat(3), flat(4)];
    expect(medianStoppingRule(flat(2.5, 5), o, { goal: "minimize" }).stop).toBe(false);
    expect(medianStoppingRule(flat(2.51, 5), o, { goal: "minimize" })).toEqual({
      stop: true,
      reason: "best objective 2.51 after 5 steps is worse than the median 2.50 of 4 other trials",
    });
  });

  it("rejects bad options", () => {
    expect(() => medianStoppingRule([1], [], { goal: "minimize", graceSteps: -1 })).toThrow(/graceSteps must be an integer ≥ 0/);
    expect(() => medianStoppingRule([1], [], { goal: "minimize", minTrials: 0 })).toThrow(/minTrials must be an integer ≥ 1/);
  });
});

describe("bestTrial", () => {
  const trials = [
    { id: "a", value: 0.5 },
    { id: "b", value: null },
    { id: "c", value: 0.9 },
    { id: "d", value: Number.NaN },
    { id: "e", value: 0.1 },
    { id: "f", value: 0.9 },
    { id: "g", value: 0.1 },
  ];

  it("picks the max or min, ignoring null and NaN, first on ties", () => {
    expect(bestTrial(trials, "maximize")).toBe("c");
    expect(bestTrial(trials, "minimize")).toBe("e");
  });

  it("returns null when nothing has a value", () => {
    expect(bestTrial([], "maximize")).toBeNull();
    expect(bestTrial([{ id: 1, value: null }, { id: 2, value: Number.NaN }], "minimize")).toBeNull();
  });

  it("keeps the id type and handles negative values", () => {
    expect(bestTrial([{ id: 1, value: -3 }, { id: 2, value: -1 }], "maximize")).toBe(2);
    expect(bestTrial([{ id: 1, value: -3 }, { id: 2, value: -1 }], "minimize")).toBe(1);
  });
});
