import { describe, expect, it } from "vitest";
import { HyperLogLog } from "./hll";
import { countDistinctSorted, exactMoments, histogramEdges, histogramSorted, numpyHistogram, quantileSorted, sampleStd } from "./numeric";
import { binCounts, binIndex, psi, psiLevel } from "./psi";
import { sortFloat64 } from "./sort";

// Expected values below were computed with numpy 2.4 (np.quantile, np.histogram, np.mean,
// np.std(ddof=1)) or by hand where noted.

describe("psi", () => {
  it("matches a hand computation: Σ (a − e) · ln(a / e) over proportions", () => {
    // e = [.5, .3, .2], a = [.4, .3, .3]: −0.1·ln 0.8 + 0 + 0.1·ln 1.5
    expect(psi([50, 30, 20], [40, 30, 30])).toBeCloseTo(0.1 * Math.log(1.25) + 0.1 * Math.log(1.5), 15);
    expect(psi([50, 30, 20], [40, 30, 30])).toBeCloseTo(0.06286086594223739, 15);
  });

  it("floors empty bins at epsilon instead of taking ln 0", () => {
    // e = [1, 0 → 1e-4], a = [.5, .5]
    expect(psi([10, 0], [5, 5])).toBeCloseTo(4.60431846666895, 12);
    expect(psi([10, 0], [5, 5], 1e-3)).toBeCloseTo(-0.5 * Math.log(0.5) + 0.499 * Math.log(500), 12);
    expect(Number.isFinite(psi([0, 0], [3, 4]))).toBe(true);
  });

  it("is 0 for the same distribution at any scale and positive otherwise", () => {
    expect(psi([1, 2, 3], [10, 20, 30])).toBeCloseTo(0, 15);
    expect(psi([1, 2, 3], [3, 2, 1])).toBeGreaterThan(0);
  });

  it("needs count vectors of one length", () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(RangeError);
  });

  it("reads as stable < 0.1 ≤ moderate < 0.25 ≤ major", () => {
    expect(psiLevel(0)).toBe("stable");
    expect(psiLevel(0.0999)).toBe("stable");
    expect(psiLevel(0.1)).toBe("moderate");
    expect(psiLevel(0.2499)).toBe("moderate");
    expect(psiLevel(0.25)).toBe("major");
    expect(psiLevel(3)).toBe("major");
  });
});

describe("binning", () => {
  it("bins like numpy (last bin closed) with open bins below and above", () => {
    const edges = [0, 1, 2, 3];
    expect(binCounts(edges, [-1, 0, 0.5, 1, 2.999, 3, 3.5, Number.NaN])).toEqual([1, 2, 1, 2, 1]);
    expect(binIndex(edges, -Infinity)).toBe(0);
    expect(binIndex(edges, Infinity)).toBe(4);
    expect(binIndex(edges, Number.NaN)).toBe(-1);
    expect(() => binCounts([1], [1])).toThrow(RangeError);
  });

  it("computes numpy.histogram edges and counts", () => {
    const x = new Float64Array([3.7, -1.2, 0.1, 8.8, 2.2, 2.2, 5.0]);
    const edges = histogramEdges(-1.2, 8.8);
    expect(edges).toHaveLength(21);
    expect(edges.slice(0, 3)).toEqual([-1.2, -0.7, -0.19999999999999996]);
    expect(edges[20]).toBe(8.8);
    const expected = [1, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    expect(numpyHistogram(x, edges)).toEqual(expected);
    sortFloat64(x);
    expect(histogramSorted(x, edges)).toEqual(expected);
  });

  it("widens a constant column to min − 0.5 .. max + 0.5, as numpy does", () => {
    const edges = histogramEdges(5, 5);
    expect(edges.slice(0, 3)).toEqual([4.5, 4.55, 4.6]);
    expect(edges[20]).toBe(5.5);
    expect(histogramSorted(new Float64Array([5, 5, 5]), edges)[10]).toBe(3);
  });

  it("gives the same counts from sorted values as numpy's arithmetic path, values on edges included", () => {
    let seed = 3;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let trial = 0; trial < 20; trial++) {
      const values = Float64Array.from({ length: 5000 }, () => Math.round((rnd() - 0.3) * 10 ** (trial % 5)) / 8);
      const sorted = values.slice();
      sortFloat64(sorted);
      const edges = histogramEdges(sorted[0] ?? 0, sorted[sorted.length - 1] ?? 0);
      const onEdges = Float64Array.from([...values, ...edges]);
      const sortedOnEdges = onEdges.slice();
      sortFloat64(sortedOnEdges);
      expect(histogramSorted(sortedOnEdges, edges)).toEqual(numpyHistogram(onEdges, edges));
    }
  });
});

describe("sorting, quantiles and moments", () => {
  it("sorts like TypedArray#sort (radix, scaled-decimal and counting sorts)", () => {
    let seed = 11;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
    const fixed = (digits: number, scale: number) => Number(((rnd() - 0.5) * scale).toFixed(digits));
    const cases: [Float64Array, number][] = [
      [Float64Array.from({ length: 50_000 }, () => (rnd() - 0.5) * 1e6), Infinity],
      [Float64Array.from({ length: 50_000 }, (_, i) => (i % 7 === 0 ? -0 : (rnd() - 0.5) * 10 ** ((i % 40) - 20))), Infinity],
      [Float64Array.from({ length: 50_000 }, () => Math.floor(rnd() * 1000) - 500), 0],
      [Float64Array.from({ length: 50_000 }, () => Math.floor(rnd() * 2 ** 40)), 0],
      [Float64Array.from({ length: 50_000 }, () => fixed(2, 1000)), 2],
      [Float64Array.from({ length: 50_000 }, () => fixed(6, 2000)), 6],
      [Float64Array.from({ length: 50_000 }, () => fixed(4, 1e6)), 4],
      // Wrong claims fall back to the bit-level radix sort.
      [Float64Array.from({ length: 50_000 }, () => fixed(3, 100)), 1],
      [Float64Array.from({ length: 50_000 }, () => (rnd() - 0.5) * 1e6), 0],
      [Float64Array.from({ length: 10 }, () => rnd()), Infinity],
    ];
    for (const [values, decimals] of cases) {
      const expected = values.slice().sort();
      sortFloat64(values, decimals);
      expect(Array.from(values)).toEqual(Array.from(expected));
    }
  });

  it("interpolates quantiles as numpy's default (linear)", () => {
    const a = new Float64Array([1, 2, 3, 4]);
    expect([0.05, 0.25, 0.5, 0.75, 0.95].map((q) => quantileSorted(a, q))).toEqual([1.15, 1.75, 2.5, 3.25, 3.8499999999999996]);
    const b = new Float64Array([3.7, -1.2, 0.1, 8.8, 2.2, 2.2, 5.0]);
    sortFloat64(b);
    expect([0.05, 0.25, 0.5, 0.75, 0.95].map((q) => quantileSorted(b, q))).toEqual([
      -0.8099999999999998, 1.1500000000000001, 2.2, 4.35, 7.6599999999999975,
    ]);
    expect(quantileSorted(new Float64Array([42]), 0.95)).toBe(42);
  });

  it("computes numpy's mean and sample standard deviation", () => {
    const { n, mean, m2 } = exactMoments(new Float64Array([3.7, -1.2, 0.1, 8.8, 2.2, 2.2, 5.0]));
    expect(mean).toBe(2.9714285714285715);
    expect(sampleStd(n, m2)).toBe(3.302884742016836);
    expect(sampleStd(1, 0)).toBeNull();
    expect(exactMoments(new Float64Array(0)).n).toBe(0);
  });

  it("counts distinct sorted values, -0 and 0 as one", () => {
    expect(countDistinctSorted(new Float64Array([-0, 0, 1, 1, 2]))).toBe(3);
    expect(countDistinctSorted(new Float64Array(0))).toBe(0);
  });
});

describe("HyperLogLog", () => {
  it("estimates distinct strings and numbers within a few standard errors (0.81 %)", () => {
    for (const n of [1000, 150_000]) {
      const strings = new HyperLogLog();
      const numbers = new HyperLogLog();
      for (let i = 0; i < n; i++) {
        strings.addString(`value-${i}`);
        strings.addString(`value-${i % 100}`);
        numbers.addNumber(i * 0.5);
      }
      expect(Math.abs(strings.estimate() / n - 1)).toBeLessThan(0.03);
      expect(Math.abs(numbers.estimate() / n - 1)).toBeLessThan(0.03);
    }
    expect(new HyperLogLog().estimate()).toBe(0);
  });
});
