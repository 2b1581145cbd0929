/**
 * Binning of new values into existing histogram bins and the population stability index (PSI),
 * for version comparison and (later) drift monitoring. The numpy-compatible moments, quantiles
 * and histograms are in numeric.ts, sorting in sort.ts.
 */

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
