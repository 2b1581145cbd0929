/**
 * Merging accumulators (accumulator.ts) of consecutive parts of a file: `mergeColumn(a, b)`
 * turns `a` (rows 1..k, read in one pass from the file's start) into exactly the accumulator
 * one pass over rows 1..k+m would have built, given `b` (rows k+1..k+m, read on their own).
 * `canMergeColumn` refuses when it cannot be sure of that; the profiler then reads b's rows
 * again into `a` (parallel.ts). What one pass depends on, and the merge reproduces:
 *   - counts, flags and numbers: sums, "all parts allowed it", values concatenated in order;
 *   - a numeric column turned into a string column by a later text: its numbers become
 *     texts (accumulator.ts) — refused when the texts of non-canonical numbers were lost;
 *   - value counts past DISTINCT_EXACT_LIMIT, where the order in which values first appear
 *     decides which are counted — refused unless b's values are known in that order;
 *   - the memory budget: a part whose numbers could have brought one pass near the limit is
 *     refused (one pass decides where sampling starts), so a merged column holds the same
 *     array capacity and budget grant as one pass (normalize) and reading can go on from it.
 * Only string cells (CSV) are merged.
 */
import {
  ColumnAccumulator, DISTINCT_EXACT_LIMIT, GRANT, NUMBER_TEXT_LIMIT, numericBudget, type NumericBudget,
} from "./accumulator";
import { HyperLogLog } from "./hll";

/** A part's column as plain data, for postMessage (`values` is transferable). */
export interface ColumnState {
  count: number;
  missing: number;
  nonFinite: number;
  flags: [canBool: boolean, canInt: boolean, canNum: boolean, canDate: boolean];
  values: Float64Array<ArrayBuffer>;
  n: number;
  decimals: number;
  sampled: boolean;
  textsLost: boolean;
  keysApproximate: boolean;
  keys: string[];
  counts: number[];
  sketch: Uint8Array | null;
  times: [minTime: number, maxTime: number, minText: string | null, maxText: string | null];
  peak: number;
  keptAtDrop: number;
  rebuilt: boolean;
}

export function columnState(acc: ColumnAccumulator): ColumnState {
  return {
    count: acc.count,
    missing: acc.missing,
    nonFinite: acc.nonFinite,
    flags: [acc.canBool, acc.canInt, acc.canNum, acc.canDate],
    values: acc.values,
    n: acc.n,
    decimals: acc.decimals,
    sampled: acc.sampled,
    textsLost: acc.textsLost,
    keysApproximate: acc.keysApproximate,
    keys: [...acc.keyIndex.keys()],
    counts: acc.keyCounts,
    sketch: acc.stringSketch?.registers ?? null,
    times: [acc.minTime, acc.maxTime, acc.minTimeText, acc.maxTimeText],
    peak: acc.peak,
    keptAtDrop: acc.keptAtDrop,
    rebuilt: acc.rebuilt,
  };
}

/** An accumulator holding `state`; null for a sampled state (it never merges). */
export function restoreColumn(name: string, state: ColumnState, budget: NumericBudget = numericBudget()): ColumnAccumulator | null {
  if (state.sampled) return null;
  const acc = new ColumnAccumulator(name, budget);
  acc.count = state.count;
  acc.missing = state.missing;
  acc.nonFinite = state.nonFinite;
  [acc.canBool, acc.canInt, acc.canNum, acc.canDate] = state.flags;
  acc.values = state.values;
  acc.n = state.n;
  acc.room = state.n;
  acc.decimals = state.decimals;
  acc.textsLost = state.textsLost;
  acc.keysApproximate = state.keysApproximate;
  state.keys.forEach((key, i) => acc.keyIndex.set(key, i));
  acc.keyCounts.push(...state.counts);
  acc.stringSketch = state.sketch === null ? null : HyperLogLog.fromRegisters(state.sketch);
  [acc.minTime, acc.maxTime, acc.minTimeText, acc.maxTimeText] = state.times;
  acc.peak = state.peak;
  acc.keptAtDrop = state.keptAtDrop;
  acc.rebuilt = state.rebuilt;
  return acc;
}

/** The most values a column held at once so far. */
export function peakValues(acc: ColumnAccumulator): number {
  return Math.max(acc.peak, acc.canNum ? acc.n : 0);
}

/**
 * Whether one pass over a and b's rows together stays clear of the memory budget, so that its
 * grants were never cut short (then it never samples and `normalize` gives its exact state):
 * every column holds at most its peak plus one grant.
 */
export function withinBudget(a: readonly ColumnAccumulator[], b: readonly ColumnAccumulator[], limit: number): boolean {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += peakValues(a[i] as ColumnAccumulator) + peakValues(b[i] ?? (a[i] as ColumnAccumulator)) + GRANT;
  return total < limit;
}

/** Whether mergeColumn(a, b) gives exactly what one pass would. */
export function canMergeColumn(a: ColumnAccumulator, b: ColumnAccumulator): boolean {
  if (a.sampled || b.sampled || b.keysApproximate) return false;
  return (a.canNum && b.canNum) || canMergeStrings(a, b);
}

/** Merges b (the rows after a's) into a; check canMergeColumn first. */
export function mergeColumn(a: ColumnAccumulator, b: ColumnAccumulator): void {
  if (a.canNum && b.canNum) {
    mergeNumeric(a, b);
    return;
  }
  if (a.canNum) {
    const held = a.n;
    a.dropNumeric();
    a.peak = Math.max(a.peak, held + b.peak);
  }
  if (b.canNum) b.dropNumeric();
  a.count += b.count;
  a.missing += b.missing;
  a.canBool &&= b.canBool;
  a.canDate &&= b.canDate;
  if (b.minTime < a.minTime) [a.minTime, a.minTimeText] = [b.minTime, b.minTimeText];
  if (b.maxTime > a.maxTime) [a.maxTime, a.maxTimeText] = [b.maxTime, b.maxTimeText];
  for (const [key, idx] of b.keyIndex) a.addKey(key, b.keyCounts[idx] ?? 0);
  // A sketch in b: a had no values at all (canMergeStrings), so b's counts are the column's.
  if (b.stringSketch !== null) a.stringSketch = b.stringSketch;
}

/** The merged column is a string column: can b's values be added exactly? */
function canMergeStrings(a: ColumnAccumulator, b: ColumnAccumulator): boolean {
  const aKeys = a.keyCounts.length + (a.canNum ? a.n : 0); // at most, once a's numbers are texts
  if (b.stringSketch !== null) return aKeys === 0 && a.stringSketch === null && a.nonFinite === 0;
  if (a.canNum) {
    // b turned the column into strings: one pass kept the texts of a's and b's non-canonical
    // numbers together, up to NUMBER_TEXT_LIMIT.
    if (a.textsLost ? b.keptAtDrop > 0 : a.keyCounts.length + b.keptAtDrop > NUMBER_TEXT_LIMIT) return false;
  } else if (b.canNum && b.textsLost) return false; // b's numbers are texts as written there
  // Past DISTINCT_EXACT_LIMIT only values first seen before the limit keep being counted, so
  // rebuilt (not first-appearance) orders must not cross it.
  const reordered = a.canNum || b.canNum || b.rebuilt;
  return a.stringSketch !== null || !reordered || aKeys + b.keyCounts.length + (b.canNum ? b.n : 0) <= DISTINCT_EXACT_LIMIT;
}

function mergeNumeric(a: ColumnAccumulator, b: ColumnAccumulator): void {
  a.count += b.count;
  a.missing += b.missing;
  a.nonFinite += b.nonFinite;
  a.canBool &&= b.canBool;
  a.canInt &&= b.canInt;
  a.canDate &&= b.canDate;
  if (b.decimals > a.decimals) a.decimals = b.decimals;
  const n = a.n + b.n;
  if (n > a.values.length) {
    const next = new Float64Array(capacityFor(n));
    next.set(a.values.subarray(0, a.n));
    a.values = next;
  }
  a.values.set(b.values.subarray(0, b.n), a.n);
  a.n = n;
  normalize(a);
  if (a.textsLost) return;
  if (b.textsLost) {
    a.loseTexts();
    return;
  }
  for (const [key, idx] of b.keyIndex) {
    a.addKey(key, b.keyCounts[idx] ?? 0);
    if (a.keyCounts.length > NUMBER_TEXT_LIMIT) {
      a.loseTexts();
      return;
    }
  }
}

/** The array capacity one pass has after storing n values (doubling from 256). */
export function capacityFor(n: number): number {
  let cap = 0;
  while (cap < n) cap = Math.max(256, cap * 2);
  return cap;
}

/** The budget grant (`room`) one pass holds after storing n values, never cut by the limit. */
export function roomFor(n: number): number {
  let room = 0;
  let cap = 0;
  while (room < n) {
    if (room === cap) cap = Math.max(256, cap * 2);
    room += Math.min(cap - room, GRANT);
  }
  return room;
}

/** Gives a merged numeric column the capacity and grant of one pass (and its budget the same). */
function normalize(acc: ColumnAccumulator): void {
  const room = roomFor(acc.n);
  acc.budget.stored += room - acc.room;
  acc.room = room;
}
