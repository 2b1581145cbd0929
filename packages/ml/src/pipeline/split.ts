/**
 * Seeded train / validation / test splits and k-fold cross-validation over row indices.
 *
 * Randomness comes from `seededRandom` (mulberry32): the same `n`, options and seed always give
 * the same split, on every platform. Every returned index list is sorted ascending.
 *
 * Sizes (unstratified): test = round(n·test), validation = round(n·validation), with
 * `Math.round` (halves round up, unlike Python's banker's rounding; scikit-learn's
 * train_test_split uses ceil for the test size instead); train gets the rest and must not be
 * empty.
 *
 * Stratified (`stratify` = one label per row): each class is split in proportion. Class c with
 * m_c rows first gets floor(m_c·test) test rows; the rows still needed to reach round(n·test)
 * go one each to the classes with the largest remainders m_c·test − floor(m_c·test) (ties: the
 * class that sorts first). Validation is then allotted the same way. A class never gives up its
 * last row, so every class keeps at least one row in train (a class with one row stays in train
 * whole); when that cap bites, test or validation ends up smaller than round(n·fraction).
 */
import { seededRandom } from "../tabular/testing";

export type StratumLabel = string | number;

export interface SplitOptions {
  /** Fraction of rows for the test set, in (0, 1). */
  test: number;
  /** Fraction of rows for the validation set, in [0, 1); default 0. */
  validation?: number;
  seed: number;
  /** One label per row: split each class in proportion. */
  stratify?: readonly StratumLabel[];
}

export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

export interface Fold {
  train: number[];
  test: number[];
}

export interface KFoldOptions {
  seed: number;
  stratify?: readonly StratumLabel[];
}

function assertCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: n must be a positive integer (got ${n})`);
}

function assertLabels(what: string, n: number, labels: readonly StratumLabel[]): void {
  if (labels.length !== n) throw new Error(`${what}: stratify has ${labels.length} labels for ${n} rows`);
  for (const [i, l] of labels.entries()) {
    if (typeof l === "number" && !Number.isFinite(l)) throw new Error(`${what}: stratify[${i}] is ${l}`);
    if (typeof l !== "number" && typeof l !== "string") throw new Error(`${what}: stratify[${i}] is not a string or number`);
  }
}

/** Fisher–Yates shuffle in place with the given generator. */
function shuffle(values: number[], random: () => number): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = values[i] ?? 0;
    values[i] = values[j] ?? 0;
    values[j] = a;
  }
  return values;
}

function compareLabels(a: StratumLabel, b: StratumLabel): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Row indices grouped by label, classes in sorted order (numbers before strings). */
function groupByLabel(labels: readonly StratumLabel[]): number[][] {
  const groups = new Map<string, { label: StratumLabel; rows: number[] }>();
  labels.forEach((label, i) => {
    const key = `${typeof label}:${String(label)}`;
    const group = groups.get(key);
    if (group) group.rows.push(i);
    else groups.set(key, { label, rows: [i] });
  });
  return [...groups.values()].sort((a, b) => compareLabels(a.label, b.label)).map((g) => g.rows);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const ascending = (a: number, b: number): number => a - b;

/** Largest-remainder allotment of `total` rows over classes of `sizes`, at most `caps[c]` each. */
function allot(sizes: readonly number[], caps: readonly number[], fraction: number, total: number): number[] {
  const counts = sizes.map((m, c) => Math.min(Math.floor(m * fraction), caps[c] ?? 0));
  let missing = total - counts.reduce((s, v) => s + v, 0);
  const order = sizes
    .map((m, c) => ({ c, remainder: m * fraction - Math.floor(m * fraction) }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  for (const { c } of order) {
    if (missing <= 0) break;
    if ((counts[c] ?? 0) < (caps[c] ?? 0)) {
      counts[c] = (counts[c] ?? 0) + 1;
      missing--;
    }
  }
  return counts;
}

/** A seeded (optionally stratified) train / validation / test split of the rows 0…n−1. */
export function splitIndices(n: number, options: SplitOptions): Split {
  const what = "splitIndices";
  assertCount(what, n);
  const { test, seed, stratify } = options;
  const validation = options.validation ?? 0;
  if (!(test > 0 && test < 1)) throw new Error(`${what}: test must be a fraction in (0, 1) (got ${test})`);
  if (!(validation >= 0 && validation < 1)) throw new Error(`${what}: validation must be a fraction in [0, 1) (got ${validation})`);
  if (test + validation >= 1) throw new Error(`${what}: test + validation must be below 1 (got ${test + validation})`);
  const nTest = Math.round(n * test);
  const nValidation = Math.round(n * validation);
  if (nTest + nValidation >= n) {
    throw new Error(`${what}: ${n} rows leave no training rows (test ${nTest}, validation ${nValidation})`);
  }
  const random = seededRandom(seed);
  if (stratify === undefined) {
    const order = shuffle(range(n), random);
    return {
      test: order.slice(0, nTest).sort(ascending),
      validation: order.slice(nTest, nTest + nValidation).sort(ascending),
      train: order.slice(nTest + nValidation).sort(ascending),
    };
  }
  assertLabels(what, n, stratify);
  const groups = groupByLabel(stratify).map((rows) => shuffle(rows, random));
  const sizes = groups.map((g) => g.length);
  const testCounts = allot(sizes, sizes.map((m) => m - 1), test, nTest);
  const validationCounts = allot(sizes, sizes.map((m, c) => m - 1 - (testCounts[c] ?? 0)), validation, nValidation);
  const split: Split = { train: [], validation: [], test: [] };
  groups.forEach((rows, c) => {
    const t = testCounts[c] ?? 0;
    const v = validationCounts[c] ?? 0;
    split.test.push(...rows.slice(0, t));
    split.validation.push(...rows.slice(t, t + v));
    split.train.push(...rows.slice(t + v));
  });
  split.train.sort(ascending);
  split.validation.sort(ascending);
  split.test.sort(ascending);
  return split;
}

/**
 * k seeded folds of the rows 0…n−1: each row is in exactly one fold's test set, and fold sizes
 * differ by at most one. The rows are shuffled and dealt to the folds in turn; stratified, each
 * class is shuffled and the classes dealt one after another (sorted order), so each fold holds
 * every class within one row of its share. A class with fewer than k rows is missing from some
 * test folds (scikit-learn's StratifiedKFold warns about this; Keel does not).
 */
export function kFold(n: number, k: number, options: KFoldOptions): Fold[] {
  const what = "kFold";
  assertCount(what, n);
  if (!Number.isInteger(k) || k < 2) throw new Error(`${what}: k must be an integer ≥ 2 (got ${k})`);
  if (k > n) throw new Error(`${what}: k = ${k} is more than the ${n} rows`);
  const random = seededRandom(options.seed);
  let order: number[];
  if (options.stratify === undefined) order = shuffle(range(n), random);
  else {
    assertLabels(what, n, options.stratify);
    order = groupByLabel(options.stratify).flatMap((rows) => shuffle(rows, random));
  }
  const foldOf = new Int32Array(n);
  order.forEach((row, position) => {
    foldOf[row] = position % k;
  });
  return range(k).map((f) => {
    const fold: Fold = { train: [], test: [] };
    for (let row = 0; row < n; row++) (foldOf[row] === f ? fold.test : fold.train).push(row);
    return fold;
  });
}
