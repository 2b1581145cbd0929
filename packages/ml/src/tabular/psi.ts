/**
 * Distribution statistics shared by the profiler, version comparison and (later) drift
 * monitoring: numpy-compatible moments, sorting, quantiles and histograms, binning of new values
 * into existing bins, and the population stability index (PSI).
 *
 * "numpy-compatible" means the same arithmetic as numpy 2.x (pairwise sums, linear quantile
 * interpolation, linspace edges, the histogram's bin rule), so results equal numpy's on the
 * same float64 values in the same order, usually to the last bit.
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

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const TWO_53 = 2 ** 53;
const DIGIT = 65536;

/** Work arrays reused by consecutive sorts (one profile sorts many columns). */
export class SortScratch {
  private readonly arrays: Uint32Array[] = [new Uint32Array(0), new Uint32Array(0)];
  /** Counts for four 16-bit digits. */
  readonly counts = new Uint32Array(4 * 65536);

  /** Work array `which` (0 or 1) with at least `n` elements (contents undefined). */
  u32(which: 0 | 1, n: number): Uint32Array {
    let a = this.arrays[which] ?? new Uint32Array(0);
    if (a.length < n) {
      a = new Uint32Array(Math.max(n, Math.floor(a.length * 1.5)));
      this.arrays[which] = a;
    }
    return a.subarray(0, n);
  }
}

/**
 * Sorts ascending in place (no NaN expected). `decimals`: the most digits after the decimal
 * point of any value's text (0 for integers; Infinity when unknown, e.g. an exponent). When the
 * values are decimals with that many digits, they are sorted as the integers value·10^d: a
 * counting sort for a small range, else a two-pass radix sort on 32-bit keys, every value
 * rebuilt as m / 10^d (checked first to give back exactly the original double). Otherwise an
 * LSD radix sort on the IEEE-754 bits. All are several times faster than TypedArray#sort.
 */
export function sortFloat64(values: Float64Array, decimals = Infinity, scratch = new SortScratch()): void {
  if (values.length < 4096) {
    values.sort();
    return;
  }
  const scale = POW10[decimals] ?? 0;
  const range = scale > 0 ? scaledRange(values, scale) : null;
  if (range === null) radixSort(values, scratch);
  else if (range.max - range.min <= 4 * values.length && range.max - range.min < 1 << 24) {
    countingSortScaled(values, scale, range.min, range.max - range.min);
  } else radixSortScaled(values, scale, range.min, scratch);
}

/** min and max of value·scale when every value is m / scale for an integer m, else null. */
function scaledRange(values: Float64Array, scale: number): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    const m = Math.round(v * scale);
    if (m / scale !== v) return null;
    if (m < min) min = m;
    if (m > max) max = m;
  }
  return max - min < 2 ** 32 && max <= TWO_53 && min >= -TWO_53 ? { min, max } : null;
}

function countingSortScaled(values: Float64Array, scale: number, min: number, range: number): void {
  const counts = new Uint32Array(range + 1);
  for (let i = 0; i < values.length; i++) bump(counts, Math.round((values[i] ?? 0) * scale) - min);
  let pos = 0;
  for (let k = 0; k <= range; k++) {
    const v = (k + min) / scale;
    for (let c = counts[k] ?? 0; c > 0; c--) values[pos++] = v;
  }
}

function radixSortScaled(values: Float64Array, scale: number, min: number, scratch: SortScratch): void {
  const n = values.length;
  const counts = scratch.counts.fill(0, 0, 2 * DIGIT);
  let src = scratch.u32(0, n);
  let dst = scratch.u32(1, n);
  for (let i = 0; i < n; i++) {
    const k = Math.round((values[i] ?? 0) * scale) - min;
    src[i] = k;
    bump(counts, k & 0xffff);
    bump(counts, DIGIT + (k >>> 16));
  }
  for (let pass = 0; pass < 2; pass++) {
    const base = pass * DIGIT;
    if (!prefixSums(counts, base, n)) continue;
    const shift = pass * 16;
    for (let i = 0; i < n; i++) {
      const k = src[i] ?? 0;
      const slot = base + ((k >>> shift) & 0xffff);
      const at = counts[slot] ?? 0;
      counts[slot] = at + 1;
      dst[at] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) values[i] = ((src[i] ?? 0) + min) / scale;
}

/** Turns digit counts at base.. into start offsets; false when one digit holds all n keys. */
function prefixSums(counts: Uint32Array, base: number, n: number): boolean {
  let sum = 0;
  let trivial = false;
  for (let d = 0; d < DIGIT; d++) {
    const c = counts[base + d] ?? 0;
    if (c === n) trivial = true;
    counts[base + d] = sum;
    sum += c;
  }
  return !trivial;
}

function radixSort(values: Float64Array, scratch: SortScratch): void {
  const n = values.length;
  const original = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const counts = scratch.counts.fill(0);
  // Order-preserving map of doubles to unsigned 64-bit keys (lo word first, little-endian),
  // counting the four 16-bit digits on the way.
  for (let i = 0; i < 2 * n; i += 2) {
    let hi = original[i + 1] ?? 0;
    let lo = original[i] ?? 0;
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
      original[i] = lo;
    } else hi = (hi | 0x80000000) >>> 0;
    original[i + 1] = hi;
    bump(counts, lo & 0xffff);
    bump(counts, DIGIT + (lo >>> 16));
    bump(counts, 2 * DIGIT + (hi & 0xffff));
    bump(counts, 3 * DIGIT + (hi >>> 16));
  }
  let src: Uint32Array = original;
  let dst: Uint32Array = scratch.u32(0, 2 * n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * DIGIT;
    if (!prefixSums(counts, base, n)) continue; // every key has the same digit here
    const high = pass >= 2;
    const shift = (pass & 1) * 16;
    for (let i = 0; i < 2 * n; i += 2) {
      const lo = src[i] ?? 0;
      const hi = src[i + 1] ?? 0;
      const slot = base + (((high ? hi : lo) >>> shift) & 0xffff);
      const at = counts[slot] ?? 0;
      counts[slot] = at + 1;
      dst[2 * at] = lo;
      dst[2 * at + 1] = hi;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== original) original.set(src);
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = original[i + 1] ?? 0;
    if (hi & 0x80000000) original[i + 1] = (hi & 0x7fffffff) >>> 0;
    else {
      original[i + 1] = ~hi >>> 0;
      original[i] = ~(original[i] ?? 0) >>> 0;
    }
  }
}

function bump(counts: Uint32Array, i: number): void {
  counts[i] = (counts[i] ?? 0) + 1;
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

/**
 * Where `v` falls among `edges` (k + 1 edges = k bins, numpy's convention: [e_i, e_i+1), the
 * last bin closed) plus two open outer bins: 0 = below the first edge, 1..k = the bins,
 * k + 1 = above the last edge; -1 for NaN.
 */
export function binIndex(edges: readonly number[], v: number): number {
  const k = edges.length - 1;
  if (v !== v) return -1;
  if (v < (edges[0] ?? 0)) return 0;
  const last = edges[k] ?? 0;
  if (v > last) return k + 1;
  if (v === last) return k;
  let lo = 0;
  let hi = k;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] ?? 0) <= v) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

/** Counts of `values` in the bins of `edges` plus the two outer bins (length edges.length + 1). */
export function binCounts(edges: readonly number[], values: Iterable<number>): number[] {
  if (edges.length < 2) throw new RangeError("binCounts needs at least two edges");
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    const i = binIndex(edges, v);
    if (i >= 0) counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/**
 * Population stability index of two count vectors over the same bins: both are normalised to
 * proportions, each proportion floored at `epsilon` (so an empty bin does not give ln 0), and
 * PSI = Σ (a − e) · ln(a / e). A side with no values at all has every proportion at epsilon.
 */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = 1e-4): number {
  if (expected.length !== actual.length) {
    throw new RangeError(`psi needs count vectors of one length (${expected.length} vs ${actual.length})`);
  }
  const te = expected.reduce((s, x) => s + x, 0);
  const ta = actual.reduce((s, x) => s + x, 0);
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(te > 0 ? (expected[i] ?? 0) / te : 0, epsilon);
    const a = Math.max(ta > 0 ? (actual[i] ?? 0) / ta : 0, epsilon);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

export type PsiLevel = "stable" | "moderate" | "major";

/**
 * The usual reading of PSI (credit-scoring practice, e.g. Siddiqi 2006): below 0.1 the
 * distribution is stable, 0.1 to 0.25 it has moved moderately (worth a look), 0.25 and above it
 * has shifted majorly (act: investigate, retrain).
 */
export function psiLevel(value: number): PsiLevel {
  return value < 0.1 ? "stable" : value < 0.25 ? "moderate" : "major";
}
