/**
 * The profiler's per-column state. For each cell, a ColumnAccumulator keeps what every
 * still-possible type needs (see infer.ts for the type rules):
 *   - while the column may be numeric: the finite values in a growable Float64Array, so that
 *     moments (numpy's own pairwise sums: mean, then Σ(x − mean)²), quantiles (numpy "linear"),
 *     the exact distinct count (from the sorted values) and numpy's 20-bin histogram are exact
 *     at the end (finish.ts);
 *   - once it cannot be numeric: a Map from value (as written) to count, exact up to 100,000
 *     distinct values; past that a HyperLogLog sketch (hll.ts, ≈0.8 % error) counts distinct
 *     values and only values already in the map keep being counted for the top values;
 *   - while it may be a date: the earliest and latest ISO-8601 values.
 * Missing: null, "" and pandas' NA strings; non-finite numbers count as missing (infer.ts).
 * A numeric column's texts are not kept (that would double the cost); if a later value turns
 * it into a string column, the texts are rebuilt from the numbers: String(value) where that
 * gives back what was written, the original text otherwise (kept, for such values only, up to
 * 1,000 distinct texts; past that the rebuilt distinct count is marked approximate).
 * Memory: past 30,000,000 stored numbers over all columns, every column switches to a uniform
 * reservoir sample of the values it already holds (sample.ts), `quantilesApproximate` becomes
 * true, quantiles and histogram come from the sample (histogram counts scaled to the column's
 * count), while count, min, max, mean and std stay exact and distinct comes from a HyperLogLog.
 *
 * Two accumulators of consecutive parts of a file can be merged into the accumulator of the
 * whole (merge.ts); the fields marked "for merging" exist for that.
 */
import { isBooleanString, isInfString, NA_STRINGS, parseIsoDateTime, scanNumber, scanned, type TypeEvidence } from "./infer";
import { NumericSample } from "./sample";
import { ValueCounts } from "./value-counts";

export { DISTINCT_EXACT_LIMIT } from "./value-counts";
/** Texts of numbers kept for a possible rebuild (see the header), at most this many distinct. */
export const NUMBER_TEXT_LIMIT = 1000;
export const NUMERIC_VALUE_LIMIT = 30_000_000;
/** Numbers a column takes from the budget at a time (see push). */
export const GRANT = 4096;

/** Numbers stored so far by all the columns of one profile, against the memory limit. */
export interface NumericBudget {
  stored: number;
  readonly limit: number;
}

export function numericBudget(limit = NUMERIC_VALUE_LIMIT): NumericBudget {
  return { stored: 0, limit };
}

/** First characters of the NA strings ("N", "n", "#", "<", "-", "1"). */
function mayBeNa(c: number): boolean {
  return c === 78 || c === 110 || c === 35 || c === 60 || c === 45 || c === 49;
}

export class ColumnAccumulator extends ValueCounts implements TypeEvidence {
  count = 0;
  missing = 0;
  nonFinite = 0;
  canBool = true;
  canInt = true;
  canNum = true;
  canDate = true;
  /** While canNum: the finite values in arrival order (the first `n`); a sample once sampled. */
  values = new Float64Array(0);
  n = 0;
  /** Most digits after the decimal point in a value's text (Infinity: unknown); for sorting. */
  decimals = 0;
  /** Values can be appended without a check while n < room (see push). */
  room = 0;
  /** Past the memory budget: the sampling state (min, max, moments, distinct sketch). */
  sample: NumericSample | null = null;
  /** More than NUMBER_TEXT_LIMIT distinct texts of numbers were not canonical (see keepText). */
  textsLost = false;
  /** The value counts were rebuilt from numbers without all their texts. */
  keysApproximate = false;
  minTime = Infinity;
  maxTime = -Infinity;
  minTimeText: string | null = null;
  maxTimeText: string | null = null;
  /** For merging: the most values held at once (before dropNumeric released them). */
  peak = 0;
  /** For merging: distinct kept texts when dropNumeric ran, and whether it made keys. */
  keptAtDrop = 0;
  rebuilt = false;

  constructor(
    readonly name: string,
    readonly budget: NumericBudget = numericBudget(),
  ) {
    super();
  }

  get sampled(): boolean {
    return this.sample !== null;
  }

  /** Adds cell `col` of every row. */
  addColumn(rows: readonly (readonly unknown[])[], col: number): void {
    for (let r = 0; r < rows.length; r++) {
      const cell = rows[r]?.[col];
      if (typeof cell === "string") this.addString(cell);
      else if (typeof cell === "number") this.addNumber(cell);
      else if (typeof cell === "boolean") this.addBoolean(cell);
      else this.missing++;
    }
  }

  addString(s: string): void {
    const len = s.length;
    if (len === 0) {
      this.missing++;
      return;
    }
    const c0 = s.charCodeAt(0);
    if (this.canNum) {
      if (((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46) && scanNumber(s)) {
        const v = scanned.value;
        if (v === Infinity || v === -Infinity) this.addNonFinite(s);
        else {
          if (!scanned.integer) this.canInt = false;
          if (!scanned.canonical && !this.textsLost) this.keepText(s);
          if (scanned.decimals > this.decimals) this.decimals = scanned.decimals;
          this.count++;
          if (this.n < this.room) this.values[this.n++] = v;
          else this.push(v);
        }
        return;
      }
      if (len <= 8 && NA_STRINGS.has(s)) {
        this.missing++;
        return;
      }
      if (isInfString(s)) {
        this.addNonFinite(s);
        return;
      }
      this.dropNumeric();
    } else {
      // A value seen before (the cache in front of keyIndex) is neither missing nor new.
      const slot = (len * 7 + c0 * 31 + s.charCodeAt(len - 1)) & 255;
      if (this.cacheKeys[slot] === s) {
        const idx = this.cacheIndex[slot] ?? 0;
        this.keyCounts[idx] = (this.keyCounts[idx] ?? 0) + 1;
        this.count++;
        return;
      }
      if (len <= 8 && mayBeNa(c0) && NA_STRINGS.has(s)) {
        this.missing++;
        return;
      }
    }
    this.count++;
    if (this.canBool && !isBooleanString(s)) this.canBool = false;
    if (this.canDate) this.addDate(s);
    this.addKey(s, 1);
  }

  addNumber(v: number): void {
    if (v !== v) {
      this.missing++;
      return;
    }
    if (!this.canNum) {
      this.count++;
      this.canBool = false;
      this.canDate = false;
      this.addKey(String(v), 1);
    } else if (v === Infinity || v === -Infinity) {
      this.addNonFinite(String(v));
    } else {
      if (!Number.isSafeInteger(v)) {
        this.canInt = false;
        this.decimals = Infinity;
      }
      this.count++;
      if (this.n < this.room) this.values[this.n++] = v;
      else this.push(v);
    }
  }

  addBoolean(b: boolean): void {
    if (this.canNum) this.dropNumeric();
    this.count++;
    this.canDate = false;
    this.addKey(b ? "true" : "false", 1);
  }

  private addNonFinite(text: string): void {
    this.nonFinite++;
    this.missing++;
    this.canBool = false;
    this.canDate = false;
    this.keepText(text);
  }

  /**
   * Stores a finite value when `room` is used up: the first value of the column, a full array,
   * or the end of this column's share of the memory budget (taken GRANT values at a time).
   */
  private push(v: number): void {
    this.canBool = false;
    this.canDate = false;
    if (this.sample === null) {
      if (this.n === this.values.length) this.grow();
      const budget = this.budget;
      const grant = Math.min(this.values.length - this.n, GRANT, budget.limit - budget.stored);
      if (grant > 0) {
        budget.stored += grant;
        this.room = this.n + grant;
        this.values[this.n++] = v;
        return;
      }
      this.sample = new NumericSample(this.values.subarray(0, this.n));
      this.room = 0;
    }
    const at = this.sample.add(v, this.n);
    if (at === this.n) {
      if (this.n === this.values.length) this.grow();
      this.values[this.n++] = v;
    } else if (at >= 0) this.values[at] = v;
  }

  private grow(): void {
    const next = new Float64Array(Math.max(256, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }

  /** Counts a number's text in the value counts (so a rebuild can use it), up to the limit. */
  keepText(text: string): void {
    if (this.textsLost) return;
    this.addKey(text, 1);
    if (this.keyCounts.length > NUMBER_TEXT_LIMIT) this.loseTexts();
  }

  /** Forgets the kept texts of numbers (too many to keep). */
  loseTexts(): void {
    this.textsLost = true;
    this.clearKeys();
  }

  /** The column cannot be numeric: its numbers (and non-finite texts) become string values. */
  dropNumeric(): void {
    this.canNum = false;
    this.canInt = false;
    if (this.nonFinite > 0) {
      this.canBool = false;
      this.canDate = false;
    }
    this.peak = Math.max(this.peak, this.n);
    this.keptAtDrop = this.keyCounts.length;
    this.rebuilt = this.n > 0 || this.keyCounts.length > 0;
    this.count += this.nonFinite;
    this.missing -= this.nonFinite;
    this.nonFinite = 0;
    if (this.textsLost || this.sample !== null) this.keysApproximate = true;
    // Numbers whose text was kept are already counted under that text, not String(value).
    const skip = new Map<number, number>();
    for (const [text, idx] of this.keyIndex) {
      if (scanNumber(text)) skip.set(scanned.value, (skip.get(scanned.value) ?? 0) + (this.keyCounts[idx] ?? 0));
    }
    for (let i = 0; i < this.n; i++) {
      const v = this.values[i] ?? 0;
      const k = skip.size === 0 ? undefined : skip.get(v);
      if (k !== undefined && k > 0) skip.set(v, k - 1);
      else this.addKey(String(v), 1);
    }
    this.budget.stored -= this.sample !== null ? 0 : this.room;
    this.values = new Float64Array(0);
    this.n = 0;
    this.room = 0;
    this.sample = null;
  }

  private addDate(s: string): void {
    const t = parseIsoDateTime(s);
    if (t !== t) {
      this.canDate = false;
      return;
    }
    if (t < this.minTime) {
      this.minTime = t;
      this.minTimeText = s;
    }
    if (t > this.maxTime) {
      this.maxTime = t;
      this.maxTimeText = s;
    }
  }
}
