/**
 * numpy-compatible statistics of float64 values, shared by the profiler, version comparison and
 * (later) drift monitoring: moments, quantiles and histograms.
 *
 * "numpy-compatible" means the same arithmetic as numpy 2.x (pairwise sums, linear quantile
 * interpolation, linspace edges, the histogram's bin rule), so results equal numpy's on the
 * same float64 values in the same order, usually to the last bit. Sorting is in sort.ts.
 */

const PW_BLOCK = 128;

/**
 * numpy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src, `pairwise_sum`) of
 * values[lo, lo + n), of (x − shift)² when `squares`: the same additions in the same order, so
 * the result is numpy's to the last bit (np.sum of a contiguous float64 array is one such call).
 */
function pairwiseSum(a: Float64Array, lo: number, n: number, shift: number, squares: boolean): number {
  if (n > PW_BLOCK) {
    let half = Math.floor(n / 2);
    half -= half % 8;
    return pairwiseSum(a, lo, half, shift, squares) + pairwiseSum(a, lo + half, n - half, shift, squares);
  }
  // Values go through `block` ((x − shift)² when squaring) so the loops below stay simple.
  const block = squares ? squaredBlock(a, lo, n, shift) : a.subarray(lo, lo + n);
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += block[i] ?? 0;
    return res;
  }
  let r0 = block[0] ?? 0;
  let r1 = block[1] ?? 0;
  let r2 = block[2] ?? 0;
  let r3 = block[3] ?? 0;
  let r4 = block[4] ?? 0;
  let r5 = block[5] ?? 0;
  let r6 = block[6] ?? 0;
  let r7 = block[7] ?? 0;
  let i = 8;
  for (const end = n - (n % 8); i < end; i += 8) {
    r0 += block[i] ?? 0;
    r1 += block[i + 1] ?? 0;
    r2 += block[i + 2] ?? 0;
    r3 += block[i + 3] ?? 0;
    r4 += block[i + 4] ?? 0;
    r5 += block[i + 5] ?? 0;
    r6 += block[i + 6] ?? 0;
    r7 += block[i + 7] ?? 0;
  }
  let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
  for (; i < n; i++) res += block[i] ?? 0;
  return res;
}

const squares = new Float64Array(PW_BLOCK);

function squaredBlock(a: Float64Array, lo: number, n: number, shift: number): Float64Array {
  for (let i = 0; i < n; i++) {
    const d = (a[lo + i] ?? 0) - shift;
    squares[i] = d * d;
  }
  return squares;
}

/** Mean and Σ(x − mean)² as numpy computes them (np.mean, then np.var's sum of squares). */
export function exactMoments(values: Float64Array): { n: number; mean: number; m2: number } {
  const n = values.length;
  if (n === 0) return { n, mean: 0, m2: 0 };
  const mean = pairwiseSum(values, 0, n, 0, false) / n;
  return { n, mean, m2: pairwiseSum(values, 0, n, mean, true) };
}

/** Sample standard deviation (ddof = 1) from Σ(x − mean)², null under two values. */
export function sampleStd(n: number, m2: number): number | null {
  return n < 2 ? null : Math.sqrt(m2 / (n - 1));
}

/** Number of distinct values in a sorted array (-0 and 0 are one value, as in pandas). */
export function countDistinctSorted(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  let distinct = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

/** numpy.quantile(values, q) with the default "linear" method, on sorted values. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1] ?? NaN;
  const prev = Math.floor(virtual);
  const a = sorted[prev] ?? NaN;
  const b = sorted[prev + 1] ?? NaN;
  const gamma = virtual - prev;
  const diff = b - a;
  // numpy's _lerp: from the nearer end, for monotonicity.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** numpy.histogram's edges for `bins` equal bins over [min, max] (±0.5 when min == max). */
export function histogramEdges(min: number, max: number, bins = 20): number[] {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, bins + 1): i * step + first, the last edge set to `last`.
  const delta = last - first;
  const step = delta / bins;
  const edges = new Array<number>(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = step === 0 ? (i / bins) * delta + first : i * step + first;
  edges[bins] = last;
  return edges;
}

/** Index of the first sorted value ≥ x (or > x with `after`). */
function lowerBound(sorted: Float64Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] ?? 0;
    if (v < x || (after && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * numpy.histogram(values, bins=edges) counts, from sorted values: bin i holds
 * edges[i] ≤ x < edges[i + 1], the last bin also x = edges[last]. numpy's equal-bin fast path
 * computes an index arithmetically and then corrects it against these same edges, so the counts
 * are the same.
 */
export function histogramSorted(sorted: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts: number[] = [];
  let start = lowerBound(sorted, edges[0] ?? 0, false);
  for (let i = 1; i <= bins; i++) {
    const end = lowerBound(sorted, edges[i] ?? 0, i === bins);
    counts.push(end - start);
    start = end;
  }
  return counts;
}

/** numpy.histogram's equal-bin fast path, on unsorted values (for the tests and small inputs). */
export function numpyHistogram(values: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const first = edges[0] ?? 0;
  const last = edges[bins] ?? 0;
  const denom = last - first;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0;
    if (!(x >= first && x <= last)) continue;
    let k = Math.trunc(((x - first) / denom) * bins);
    if (k === bins) k--;
    if (x < (edges[k] ?? 0)) k--;
    else if (x >= (edges[k + 1] ?? 0) && k !== bins - 1) k++;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
