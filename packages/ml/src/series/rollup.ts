/**
 * Min/max rollups of metric histories, pre-aggregated at write time.
 *
 * A raw point is `(step, value)` with `step` a non-negative safe integer and `value` a finite
 * double. At each width `w` of {@link ROLLUP_WIDTHS}, point `(s, v)` belongs to bucket
 * `floor(s / w)`, and a bucket stores count, sum, min/max (with their steps) and first/last
 * (with their steps). Storing a new batch is an upsert that combines the stored bucket with the
 * batch's bucket through {@link mergeBuckets}: the same `least/greatest`-style logic the SQL
 * `on conflict do update` applies.
 *
 * Tie rules (they make {@link mergeBuckets} associative and commutative, so the order in which
 * batches arrive never changes the stored bucket):
 *   - min: the smaller value; on equal values, the smaller step.
 *   - max: the larger value; on equal values, the smaller step.
 *   - first: the smaller step; on equal steps (a step logged twice), the smaller value.
 *   - last: the larger step; on equal steps, the larger value.
 * `count` and `bucket` are exact; `sum` is a float sum, so merging in a different order can
 * differ from a single pass in the last bits (exact when values are integers below 2^53).
 */

/** The bucket widths rollups are stored at, finest first. */
export const ROLLUP_WIDTHS = [64, 512, 4096, 32768, 262144] as const;
export type RollupWidth = (typeof ROLLUP_WIDTHS)[number];

export interface RollupBucket {
  /** floor(step / width). */
  bucket: number;
  count: number;
  sum: number;
  min: number;
  minStep: number;
  max: number;
  maxStep: number;
  first: number;
  firstStep: number;
  last: number;
  lastStep: number;
}

/** A chart point. */
export interface SeriesPoint {
  step: number;
  value: number;
}

function checkWidth(width: number): void {
  if (!Number.isSafeInteger(width) || width < 1) throw new Error(`rollup: width must be a positive integer (got ${width})`);
}

function bucketOf(step: number, value: number): RollupBucket {
  return { bucket: 0, count: 1, sum: value, min: value, minStep: step, max: value, maxStep: step, first: value, firstStep: step, last: value, lastStep: step };
}

/** Folds point (s, v) into b in place (same tie rules as mergeBuckets). */
function addPoint(b: RollupBucket, s: number, v: number): void {
  b.count += 1;
  b.sum += v;
  if (v < b.min || (v === b.min && s < b.minStep)) {
    b.min = v;
    b.minStep = s;
  }
  if (v > b.max || (v === b.max && s < b.maxStep)) {
    b.max = v;
    b.maxStep = s;
  }
  if (s < b.firstStep || (s === b.firstStep && v < b.first)) {
    b.first = v;
    b.firstStep = s;
  }
  if (s > b.lastStep || (s === b.lastStep && v > b.last)) {
    b.last = v;
    b.lastStep = s;
  }
}

/**
 * Aggregates raw points into buckets of `width` steps, sorted by bucket. Points may come in any
 * order and a step may repeat.
 *
 * @throws Error on mismatched lengths, a width that is not a positive integer, a step that is not
 *   a non-negative safe integer, or a non-finite value (the message names the index).
 */
export function rollup(steps: ArrayLike<number>, values: ArrayLike<number>, width: number): RollupBucket[] {
  checkWidth(width);
  const n = steps.length;
  if (values.length !== n) throw new Error(`rollup: steps has ${n} points but values has ${values.length}`);
  const byBucket = new Map<number, RollupBucket>();
  let sorted = true;
  let prevBucket = -1;
  let current: RollupBucket | undefined;
  for (let i = 0; i < n; i++) {
    const s = steps[i] as number;
    const v = values[i] as number;
    if (!Number.isSafeInteger(s) || s < 0) throw new Error(`rollup: step at index ${i} must be a non-negative integer (got ${s})`);
    if (!Number.isFinite(v)) throw new Error(`rollup: value at index ${i} must be finite (got ${v})`);
    const key = Math.floor(s / width);
    // Fast path for the usual ascending input: stay in the current bucket without a Map lookup.
    if (current !== undefined && key === prevBucket) {
      addPoint(current, s, v);
      continue;
    }
    if (key < prevBucket) sorted = false;
    prevBucket = key;
    current = byBucket.get(key);
    if (current === undefined) {
      current = bucketOf(s, v);
      current.bucket = key;
      byBucket.set(key, current);
    } else {
      addPoint(current, s, v);
    }
  }
  const out = [...byBucket.values()];
  if (!sorted) out.sort((x, y) => x.bucket - y.bucket);
  return out;
}

/**
 * Combines two aggregates of the same bucket (e.g. the stored row and a new batch). Associative
 * and commutative under the tie rules of the module comment; returns a new object.
 *
 * @throws Error when the buckets differ.
 */
export function mergeBuckets(a: RollupBucket, b: RollupBucket): RollupBucket {
  if (a.bucket !== b.bucket) throw new Error(`mergeBuckets: cannot merge bucket ${a.bucket} with bucket ${b.bucket}`);
  const minFromA = a.min < b.min || (a.min === b.min && a.minStep <= b.minStep);
  const maxFromA = a.max > b.max || (a.max === b.max && a.maxStep <= b.maxStep);
  const firstFromA = a.firstStep < b.firstStep || (a.firstStep === b.firstStep && a.first <= b.first);
  const lastFromA = a.lastStep > b.lastStep || (a.lastStep === b.lastStep && a.last >= b.last);
  return {
    bucket: a.bucket,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: minFromA ? a.min : b.min,
    minStep: minFromA ? a.minStep : b.minStep,
    max: maxFromA ? a.max : b.max,
    maxStep: maxFromA ? a.maxStep : b.maxStep,
    first: firstFromA ? a.first : b.first,
    firstStep: firstFromA ? a.firstStep : b.firstStep,
    last: lastFromA ? a.last : b.last,
    lastStep: lastFromA ? a.lastStep : b.lastStep,
  };
}

/**
 * Which resolution to read for a chart of at most `maxPoints` points over steps
 * `[minStep, maxStep]`:
 *   - `null` ("read raw points") when the range spans at most 8·maxPoints steps, so the raw
 *     points (at most one per step, in the usual case) are no more than any rollup would return;
 *   - otherwise the finest width of {@link ROLLUP_WIDTHS} whose bucket count over the range is
 *     ≤ 8·maxPoints;
 *   - the coarsest width when none is small enough (more than 8·maxPoints·262144 steps).
 *
 * @throws Error when the steps are not non-negative integers with minStep ≤ maxStep, or maxPoints
 *   is not a positive integer.
 */
export function chooseRollupWidth(stepRange: { minStep: number; maxStep: number }, maxPoints: number): RollupWidth | null {
  const { minStep, maxStep } = stepRange;
  if (!Number.isSafeInteger(minStep) || !Number.isSafeInteger(maxStep) || minStep < 0 || maxStep < minStep) {
    throw new Error(`chooseRollupWidth: need integer steps with 0 ≤ minStep ≤ maxStep (got ${minStep}..${maxStep})`);
  }
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) throw new Error(`chooseRollupWidth: maxPoints must be a positive integer (got ${maxPoints})`);
  const budget = 8 * maxPoints;
  if (maxStep - minStep + 1 <= budget) return null;
  for (const w of ROLLUP_WIDTHS) {
    if (Math.floor(maxStep / w) - Math.floor(minStep / w) + 1 <= budget) return w;
  }
  return ROLLUP_WIDTHS[ROLLUP_WIDTHS.length - 1] ?? null;
}

/**
 * Reduces rollup buckets (of one width) to at most `maxPoints` chart points, sorted by step.
 *
 * The bucket range is split into `g = floor((maxPoints − 2) / 2)` equal spans of buckets; each
 * span's buckets merge into one group, which emits its min point and its max point (one point
 * when they are the same). The series' first and last points are added, so the output always
 * contains the global min, the global max and both endpoints, with at most 2g + 2 ≤ maxPoints
 * points (duplicates of the same (step, value) are emitted once). When there are no more
 * buckets than g, every bucket is its own group. Buckets may come unsorted; repeated bucket
 * numbers are merged first.
 *
 * @throws Error when maxPoints is not an integer ≥ 4.
 */
export function downsampleBuckets(buckets: readonly RollupBucket[], maxPoints: number): SeriesPoint[] {
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 4) throw new Error(`downsampleBuckets: maxPoints must be an integer ≥ 4 (got ${maxPoints})`);
  if (buckets.length === 0) return [];

  // Sort (copy) and merge repeated bucket numbers.
  let sortedIn = true;
  for (let i = 1; i < buckets.length; i++) {
    if ((buckets[i] as RollupBucket).bucket <= (buckets[i - 1] as RollupBucket).bucket) {
      sortedIn = false;
      break;
    }
  }
  let list: readonly RollupBucket[] = buckets;
  if (!sortedIn) {
    const copy = [...buckets].sort((x, y) => x.bucket - y.bucket);
    const merged: RollupBucket[] = [];
    for (const b of copy) {
      const prev = merged[merged.length - 1];
      if (prev !== undefined && prev.bucket === b.bucket) merged[merged.length - 1] = mergeBuckets(prev, b);
      else merged.push(b);
    }
    list = merged;
  }

  const groups = Math.floor((maxPoints - 2) / 2);
  const lo = (list[0] as RollupBucket).bucket;
  const span = (list[list.length - 1] as RollupBucket).bucket - lo + 1;

  const points: SeriesPoint[] = [];
  const push = (step: number, value: number): void => {
    points.push({ step, value });
  };

  let first = list[0] as RollupBucket;
  let last = list[0] as RollupBucket;
  let gMin = 0;
  let gMinStep = 0;
  let gMax = 0;
  let gMaxStep = 0;
  let open = false;
  let currentGroup = -1;
  const flush = (): void => {
    if (!open) return;
    if (gMinStep === gMaxStep && gMin === gMax) push(gMinStep, gMin);
    else if (gMinStep <= gMaxStep) {
      push(gMinStep, gMin);
      push(gMaxStep, gMax);
    } else {
      push(gMaxStep, gMax);
      push(gMinStep, gMin);
    }
  };

  for (const b of list) {
    if (b.firstStep < first.firstStep || (b.firstStep === first.firstStep && b.first < first.first)) first = b;
    if (b.lastStep > last.lastStep || (b.lastStep === last.lastStep && b.last > last.last)) last = b;
    // Bucket numbers → group in [0, groups): equal spans of the bucket range (gaps stay gaps).
    const group = list.length <= groups ? b.bucket : Math.floor(((b.bucket - lo) * groups) / span);
    if (group !== currentGroup) {
      flush();
      currentGroup = group;
      open = true;
      gMin = b.min;
      gMinStep = b.minStep;
      gMax = b.max;
      gMaxStep = b.maxStep;
      continue;
    }
    if (b.min < gMin || (b.min === gMin && b.minStep < gMinStep)) {
      gMin = b.min;
      gMinStep = b.minStep;
    }
    if (b.max > gMax || (b.max === gMax && b.maxStep < gMaxStep)) {
      gMax = b.max;
      gMaxStep = b.maxStep;
    }
  }
  flush();

  // Endpoints: buckets of one width cover disjoint step ranges, so the first point is at or before
  // every emitted point's step and the last at or after it: the output stays sorted.
  points.unshift({ step: first.firstStep, value: first.first });
  points.push({ step: last.lastStep, value: last.last });
  // Drop repeated (step, value) pairs (e.g. the first point that is also its group's min).
  const out: SeriesPoint[] = [];
  for (const p of points) {
    let dup = false;
    for (let j = out.length - 1; j >= 0; j--) {
      const q = out[j] as SeriesPoint;
      if (q.step !== p.step) break;
      if (q.value === p.value) {
        dup = true;
        break;
      }
    }
    if (!dup) out.push(p);
  }
  return out;
}
