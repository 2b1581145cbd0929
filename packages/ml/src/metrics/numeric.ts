/**
 * Shared helpers of the metrics: compensated summation and input validation.
 *
 * Sums use Neumaier's variant of Kahan summation, so a sum of n terms carries an error of
 * about one rounding instead of O(n) roundings: results agree with scikit-learn/numpy (which
 * sum pairwise) to far better than 1e-9 relative.
 */

/** A class label: numbers and strings, as scikit-learn accepts (never both in one array). */
export type Label = number | string;

/** An array of labels of one kind. */
export type Labels = readonly number[] | readonly string[];

/** Σ values with Neumaier compensation. */
export function neumaierSum(values: Iterable<number>): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Arithmetic mean with a compensated sum; the caller guarantees a non-empty array. */
export function mean(values: readonly number[]): number {
  return neumaierSum(values) / values.length;
}

/** Throws unless the two arrays are non-empty and of one length. */
export function assertSameLength(what: string, a: { length: number }, b: { length: number }): void {
  if (a.length === 0 || b.length === 0) throw new Error(`${what}: empty input`);
  if (a.length !== b.length) throw new Error(`${what}: mismatched lengths (${a.length} vs ${b.length})`);
}

/** Throws unless every value is a finite number (scikit-learn rejects NaN and ±Infinity). */
export function assertFinite(what: string, name: string, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || !Number.isFinite(v)) {
      throw new Error(`${what}: ${name}[${i}] is ${String(v)} (NaN and Infinity are not allowed)`);
    }
  }
}

/** Throws for a NaN label or an array mixing numbers and strings. */
export function assertLabels(what: string, name: string, labels: readonly Label[]): void {
  const kind = typeof labels[0];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (typeof l !== kind) throw new Error(`${what}: ${name} mixes numbers and strings (index ${i})`);
    if (typeof l === "number" && Number.isNaN(l)) throw new Error(`${what}: ${name}[${i}] is NaN`);
  }
}

/** Orders labels as numpy's np.unique does: numbers numerically, strings by code point. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The sorted distinct labels of the given arrays (scikit-learn's unique_labels). */
export function uniqueLabels(...arrays: readonly (readonly Label[])[]): Label[] {
  const seen = new Set<Label>();
  for (const array of arrays) for (const l of array) seen.add(l);
  const all = [...seen];
  assertLabels("labels", "labels", all);
  return all.sort(compareLabels);
}
