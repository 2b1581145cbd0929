import { describe, expect, it } from "vitest";
import { seededRandom as rng } from "../tabular/testing";
import { chooseRollupWidth, downsampleBuckets, lttb, mergeBuckets, rollup, ROLLUP_WIDTHS, type RollupBucket } from "./index";


/** A seeded noisy training curve: decaying loss + noise + a few spikes. */
function noisyCurve(n: number, seed: number): { steps: Float64Array; values: Float64Array } {
  const r = rng(seed);
  const steps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = i;
    values[i] = 2 * Math.exp(-i / (n / 5)) + 0.3 + 0.1 * (r() - 0.5) + (r() < 1e-5 ? 3 * r() : 0);
  }
  return { steps, values };
}

/** The textbook object-based LTTB (Steinarsson's reference JS), to check the typed-array one. */
function referenceLttb(data: [number, number][], threshold: number): number[] {
  const n = data.length;
  if (threshold >= n) return data.map((_, i) => i);
  const sampled = [0];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    let avgX = 0;
    let avgY = 0;
    let avgRangeStart = Math.floor((i + 1) * every) + 1;
    let avgRangeEnd = Math.floor((i + 2) * every) + 1;
    avgRangeEnd = avgRangeEnd < n ? avgRangeEnd : n;
    const avgRangeLength = avgRangeEnd - avgRangeStart;
    for (; avgRangeStart < avgRangeEnd; avgRangeStart++) {
      const p = data[avgRangeStart] as [number, number];
      avgX += p[0];
      avgY += p[1];
    }
    avgX /= avgRangeLength;
    avgY /= avgRangeLength;
    let rangeOffs = Math.floor(i * every) + 1;
    const rangeTo = Math.floor((i + 1) * every) + 1;
    const [pointAX, pointAY] = data[a] as [number, number];
    let maxArea = -1;
    let nextA = rangeOffs;
    for (; rangeOffs < rangeTo; rangeOffs++) {
      const p = data[rangeOffs] as [number, number];
      const area = Math.abs((pointAX - avgX) * (p[1] - pointAY) - (pointAX - p[0]) * (avgY - pointAY)) * 0.5;
      if (area > maxArea) {
        maxArea = area;
        nextA = rangeOffs;
      }
    }
    sampled.push(nextA);
    a = nextA;
  }
  sampled.push(n - 1);
  return sampled;
}

/** Straightforward rollup of one bucket's points, for checking. */
function argExtremes(steps: ArrayLike<number>, values: ArrayLike<number>): { min: number; minStep: number; max: number; maxStep: number } {
  let min = Infinity;
  let minStep = -1;
  let max = -Infinity;
  let maxStep = -1;
  for (let i = 0; i < steps.length; i++) {
    const v = values[i] as number;
    const s = steps[i] as number;
    if (v < min || (v === min && s < minStep)) [min, minStep] = [v, s];
    if (v > max || (v === max && s < maxStep)) [max, maxStep] = [v, s];
  }
  return { min, minStep, max, maxStep };
}

function expectSameBuckets(actual: RollupBucket[], expected: RollupBucket[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as RollupBucket;
    const e = expected[i] as RollupBucket;
    expect({ ...a, sum: 0 }).toEqual({ ...e, sum: 0 });
    expect(Math.abs(a.sum - e.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e.sum)));
  }
}

describe("lttb", () => {
  it("returns every index when n ≤ maxPoints", () => {
    expect([...lttb([1, 2, 3], [5, 6, 7], 3)]).toEqual([0, 1, 2]);
    expect([...lttb([1, 2], [5, 6], 10)]).toEqual([0, 1]);
    expect([...lttb([], [], 3)]).toEqual([]);
  });

  it("keeps the first and last points and returns exactly maxPoints ascending indices", () => {
    const { steps, values } = noisyCurve(10_000, 1);
    for (const m of [3, 4, 10, 999, 1000]) {
      const idx = lttb(steps, values, m);
      expect(idx.length).toBe(m);
      expect(idx[0]).toBe(0);
      expect(idx[m - 1]).toBe(9_999);
      for (let i = 1; i < m; i++) expect(idx[i] as number).toBeGreaterThan(idx[i - 1] as number);
    }
  });

  it("matches the reference implementation on random data", () => {
    const r = rng(42);
    for (const [n, m] of [
      [100, 7],
      [1000, 50],
      [5003, 101],
      [20, 19],
    ] as const) {
      const steps = Array.from({ length: n }, (_, i) => i * 2 + (r() < 0.1 ? 1 : 0));
      const values = Array.from({ length: n }, () => r() * 10 - 5);
      const data = steps.map((s, i): [number, number] => [s, values[i] as number]);
      expect([...lttb(steps, values, m)]).toEqual(referenceLttb(data, m));
    }
  });

  it("keeps an isolated spike on a flat line", () => {
    const n = 1000;
    const steps = Array.from({ length: n }, (_, i) => i);
    const values = steps.map((s) => (s === 637 ? 100 : 0));
    expect([...lttb(steps, values, 20)]).toContain(637);
  });

  it("rejects maxPoints < 3, non-integers and mismatched lengths", () => {
    expect(() => lttb([1, 2, 3], [1, 2, 3], 2)).toThrow(/maxPoints must be an integer ≥ 3/);
    expect(() => lttb([1, 2, 3], [1, 2, 3], 3.5)).toThrow(/maxPoints/);
    expect(() => lttb([1, 2, 3], [1, 2], 3)).toThrow(/steps has 3 points but values has 2/);
  });

  it("reduces 1,000,000 points to 1,000 in well under 50 ms", () => {
    const { steps, values } = noisyCurve(1_000_000, 7);
    let best = Infinity;
    let idx = new Uint32Array(0);
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      idx = lttb(steps, values, 1000);
      best = Math.min(best, performance.now() - t0);
    }
    expect(idx.length).toBe(1000);
    expect(best).toBeLessThan(50);
  });
});

describe("rollup", () => {
  it("aggregates count, sum, min/max, first/last per bucket, sorted", () => {
    const b = rollup([0, 1, 2, 63, 64, 130], [5, 1, 9, 4, 7, -2], 64);
    expect(b).toEqual([
      { bucket: 0, count: 4, sum: 19, min: 1, minStep: 1, max: 9, maxStep: 2, first: 5, firstStep: 0, last: 4, lastStep: 63 },
      { bucket: 1, count: 1, sum: 7, min: 7, minStep: 64, max: 7, maxStep: 64, first: 7, firstStep: 64, last: 7, lastStep: 64 },
      { bucket: 2, count: 1, sum: -2, min: -2, minStep: 130, max: -2, maxStep: 130, first: -2, firstStep: 130, last: -2, lastStep: 130 },
    ]);
  });

  it("gives the same buckets for shuffled input", () => {
    const { steps, values } = noisyCurve(20_000, 3);
    const order = Array.from({ length: steps.length }, (_, i) => i);
    const r = rng(9);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const s2 = order.map((i) => steps[i] as number);
    const v2 = order.map((i) => values[i] as number);
    for (const w of ROLLUP_WIDTHS) expectSameBuckets(rollup(s2, v2, w), rollup(steps, values, w));
  });

  it("applies the tie rules: min/max tie → smaller step; repeated step: first → smaller value, last → larger value", () => {
    const [b] = rollup([10, 3, 7, 3, 12, 12], [1, 2, 1, 5, 9, 0], 64);
    expect(b).toMatchObject({ min: 0, minStep: 12, max: 9, maxStep: 12, first: 2, firstStep: 3, last: 9, lastStep: 12 });
    const [c] = rollup([10, 3, 7], [1, 1, 1], 64);
    expect(c).toMatchObject({ min: 1, minStep: 3, max: 1, maxStep: 3, first: 1, firstStep: 3, last: 1, lastStep: 10 });
  });

  it("matches a direct computation of each bucket's extremes", () => {
    const { steps, values } = noisyCurve(50_000, 11);
    const buckets = rollup(steps, values, 4096);
    expect(buckets.length).toBe(Math.ceil(50_000 / 4096));
    for (const b of buckets) {
      const lo = b.bucket * 4096;
      const hi = Math.min(lo + 4096, 50_000);
      expect(b).toMatchObject(argExtremes(steps.subarray(lo, hi), values.subarray(lo, hi)));
      expect(b).toMatchObject({ count: hi - lo, firstStep: lo, lastStep: hi - 1, first: values[lo], last: values[hi - 1] });
    }
  });

  it("rejects bad steps, values, widths and lengths", () => {
    expect(() => rollup([0, -1], [1, 2], 64)).toThrow(/step at index 1 must be a non-negative integer/);
    expect(() => rollup([0, 1.5], [1, 2], 64)).toThrow(/step at index 1/);
    expect(() => rollup([0, 1], [1, NaN], 64)).toThrow(/value at index 1 must be finite/);
    expect(() => rollup([0, 1], [Infinity, 1], 64)).toThrow(/value at index 0 must be finite/);
    expect(() => rollup([0], [1], 0)).toThrow(/width must be a positive integer/);
    expect(() => rollup([0], [1, 2], 64)).toThrow(/steps has 1 points but values has 2/);
    expect(rollup([], [], 64)).toEqual([]);
  });
});

describe("mergeBuckets", () => {
  it("merging the rollups of two halves equals the rollup of the whole (1,000,000 points, all widths)", () => {
    const { steps, values } = noisyCurve(1_000_000, 5);
    const cut = 377_777; // not on a bucket boundary
    for (const w of ROLLUP_WIDTHS) {
      const whole = rollup(steps, values, w);
      const left = rollup(steps.subarray(0, cut), values.subarray(0, cut), w);
      const right = rollup(steps.subarray(cut), values.subarray(cut), w);
      const byBucket = new Map<number, RollupBucket>(left.map((b) => [b.bucket, b]));
      for (const b of right) {
        const stored = byBucket.get(b.bucket);
        byBucket.set(b.bucket, stored === undefined ? b : mergeBuckets(stored, b));
      }
      expectSameBuckets([...byBucket.values()].sort((x, y) => x.bucket - y.bucket), whole);
    }
  });

  it("is commutative and associative, including ties and repeated steps", () => {
    const r = rng(77);
    for (let trial = 0; trial < 200; trial++) {
      // Small value and step alphabets so ties are frequent.
      const parts = [0, 1, 2].map(() => {
        const n = 1 + Math.floor(r() * 4);
        const s = Array.from({ length: n }, () => Math.floor(r() * 6));
        const v = Array.from({ length: n }, () => Math.floor(r() * 3));
        return rollup(s, v, 64)[0] as RollupBucket;
      });
      const [a, b, c] = parts as [RollupBucket, RollupBucket, RollupBucket];
      expect(mergeBuckets(a, b)).toEqual(mergeBuckets(b, a));
      expect(mergeBuckets(mergeBuckets(a, b), c)).toEqual(mergeBuckets(a, mergeBuckets(b, c)));
    }
  });

  it("equals the rollup of the concatenated points", () => {
    const a = rollup([1, 5, 9], [3, -1, 3], 64)[0] as RollupBucket;
    const b = rollup([0, 5, 20], [3, -1, 7], 64)[0] as RollupBucket;
    expect(mergeBuckets(a, b)).toEqual(rollup([1, 5, 9, 0, 5, 20], [3, -1, 3, 3, -1, 7], 64)[0]);
  });

  it("refuses to merge different buckets", () => {
    const [a, b] = rollup([0, 64], [1, 2], 64) as [RollupBucket, RollupBucket];
    expect(() => mergeBuckets(a, b)).toThrow(/cannot merge bucket 0 with bucket 1/);
  });
});

describe("chooseRollupWidth", () => {
  it("reads raw points when the range fits 8·maxPoints steps", () => {
    expect(chooseRollupWidth({ minStep: 0, maxStep: 7_999 }, 1000)).toBeNull();
    expect(chooseRollupWidth({ minStep: 5, maxStep: 5 }, 1)).toBeNull();
  });

  it("picks the finest width whose bucket count is ≤ 8·maxPoints", () => {
    expect(chooseRollupWidth({ minStep: 0, maxStep: 8_000 }, 1000)).toBe(64);
    expect(chooseRollupWidth({ minStep: 0, maxStep: 64 * 8000 - 1 }, 1000)).toBe(64);
    expect(chooseRollupWidth({ minStep: 0, maxStep: 64 * 8000 }, 1000)).toBe(512);
    expect(chooseRollupWidth({ minStep: 1, maxStep: 64 * 8000 }, 1000)).toBe(512); // 8001 buckets: 0..8000
    expect(chooseRollupWidth({ minStep: 64, maxStep: 64 * 8000 + 63 }, 1000)).toBe(64);
    expect(chooseRollupWidth({ minStep: 0, maxStep: 999_999 }, 1000)).toBe(512);
    expect(chooseRollupWidth({ minStep: 0, maxStep: 4096 * 800 }, 100)).toBe(32768);
  });

  it("falls back to the coarsest width for enormous ranges", () => {
    expect(chooseRollupWidth({ minStep: 0, maxStep: 262144 * 80 }, 10)).toBe(262144);
  });

  it("rejects bad ranges and maxPoints", () => {
    expect(() => chooseRollupWidth({ minStep: 5, maxStep: 4 }, 10)).toThrow(/minStep ≤ maxStep/);
    expect(() => chooseRollupWidth({ minStep: -1, maxStep: 4 }, 10)).toThrow(/0 ≤ minStep/);
    expect(() => chooseRollupWidth({ minStep: 0, maxStep: 4 }, 0)).toThrow(/maxPoints must be a positive integer/);
  });
});

describe("downsampleBuckets", () => {
  it("keeps the global extrema and both endpoints of a 1,000,000-point series in ≤ 1000 points", () => {
    const { steps, values } = noisyCurve(1_000_000, 2026);
    const ext = argExtremes(steps, values);
    const width = chooseRollupWidth({ minStep: 0, maxStep: 999_999 }, 1000);
    expect(width).toBe(512);
    for (const w of ROLLUP_WIDTHS) {
      const points = downsampleBuckets(rollup(steps, values, w), 1000);
      expect(points.length).toBeLessThanOrEqual(1000);
      expect(points[0]).toEqual({ step: 0, value: values[0] });
      expect(points[points.length - 1]).toEqual({ step: 999_999, value: values[999_999] });
      expect(points).toContainEqual({ step: ext.minStep, value: ext.min });
      expect(points).toContainEqual({ step: ext.maxStep, value: ext.max });
      for (let i = 1; i < points.length; i++) expect((points[i] as { step: number }).step).toBeGreaterThanOrEqual((points[i - 1] as { step: number }).step);
      // Every point is a real point of the series.
      for (const p of points) expect(values[p.step]).toBe(p.value);
    }
    // The 64-wide rollup has 15,625 buckets: grouping gets close to the budget.
    expect(downsampleBuckets(rollup(steps, values, 64), 1000).length).toBeGreaterThan(900);
  });

  it("stays within maxPoints for every budget", () => {
    const { steps, values } = noisyCurve(30_000, 8);
    const buckets = rollup(steps, values, 64);
    for (const m of [4, 5, 6, 7, 10, 33, 100, 469, 470, 1000, 5000]) {
      const points = downsampleBuckets(buckets, m);
      expect(points.length).toBeLessThanOrEqual(m);
      expect(points[0]?.step).toBe(0);
      expect(points[points.length - 1]?.step).toBe(29_999);
    }
  });

  it("emits one point when a group's min and max coincide, and no duplicates of the endpoints", () => {
    const buckets = rollup([0, 64, 128], [1, 2, 3], 64);
    expect(downsampleBuckets(buckets, 100)).toEqual([
      { step: 0, value: 1 },
      { step: 64, value: 2 },
      { step: 128, value: 3 },
    ]);
  });

  it("orders each group's min and max by step", () => {
    const buckets = rollup([0, 10, 20, 30], [0, 9, -9, 0], 64);
    expect(downsampleBuckets(buckets, 4)).toEqual([
      { step: 0, value: 0 },
      { step: 10, value: 9 },
      { step: 20, value: -9 },
      { step: 30, value: 0 },
    ]);
  });

  it("sorts unsorted buckets and merges repeated bucket numbers", () => {
    const a = rollup([0, 1, 64], [5, 1, 2], 64);
    const b = rollup([2, 65, 200], [9, 0, 4], 64);
    const whole = rollup([0, 1, 64, 2, 65, 200], [5, 1, 2, 9, 0, 4], 64);
    expect(downsampleBuckets([...b, ...a], 10)).toEqual(downsampleBuckets(whole, 10));
  });

  it("handles empty input and rejects maxPoints < 4", () => {
    expect(downsampleBuckets([], 10)).toEqual([]);
    expect(() => downsampleBuckets(rollup([0], [1], 64), 3)).toThrow(/maxPoints must be an integer ≥ 4/);
  });
});
