/**
 * The dataset profiler: one streaming pass over a TabularSource computes every column's
 * profile, the inferred schema and the quality report.
 *
 * Each column has a ColumnAccumulator that, for each cell, keeps what every still-possible type
 * needs (see infer.ts for the type rules):
 *   - while the column may be numeric: the finite values in a growable Float64Array, so that
 *     moments (numpy's own pairwise sums: mean, then Σ(x − mean)²), quantiles (numpy "linear"),
 *     the exact distinct count (from the sorted values) and numpy's 20-bin histogram are exact
 *     at the end (psi.ts);
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
 * reservoir sample of the values it already holds (Algorithm R), `quantilesApproximate`
 * becomes true, quantiles and histogram come from the sample (histogram counts scaled to the
 * column's count), while count, min, max, mean and std stay exact (streamed, Welford merged
 * with the exact head by Chan's formula) and distinct comes from a HyperLogLog.
 */
import { HyperLogLog } from "./hll";
import {
  isBooleanString, isInfString, NA_STRINGS, parseIsoDateTime, resolveType, scanNumber, scanned, type TypeEvidence,
} from "./infer";
import {
  countDistinctSorted, exactMoments, histogramEdges, histogramSorted, quantileSorted, sampleStd, SortScratch, sortFloat64,
} from "./psi";
import { QualityEvaluator } from "./quality";
import type {
  ColumnProfile, ColumnSchema, ColumnType, DatasetProfile, QualityReport, QualityRule, TabularSource,
} from "./types";

export const DISTINCT_EXACT_LIMIT = 100_000;
/** Texts of numbers kept for a possible rebuild (see the header), at most this many distinct. */
export const NUMBER_TEXT_LIMIT = 1000;
export const NUMERIC_VALUE_LIMIT = 30_000_000;
const MIN_RESERVOIR = 4096;
const GRANT = 4096;

/** Numbers stored so far by all the columns of one profile, against the memory limit. */
export interface NumericBudget {
  stored: number;
  readonly limit: number;
}

export function numericBudget(limit = NUMERIC_VALUE_LIMIT): NumericBudget {
  return { stored: 0, limit };
}

interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/** First characters of the NA strings ("N", "n", "#", "<", "-", "1"). */
function mayBeNa(c: number): boolean {
  return c === 78 || c === 110 || c === 35 || c === 60 || c === 45 || c === 49;
}

export class ColumnAccumulator implements TypeEvidence {
  count = 0;
  missing = 0;
  nonFinite = 0;
  canBool = true;
  canInt = true;
  canNum = true;
  canDate = true;
  /** While canNum: the finite values in arrival order (the first `n`); a sample once `sampled`. */
  values = new Float64Array(0);
  n = 0;
  /** Most digits after the decimal point in a value's text (Infinity: unknown); for sorting. */
  decimals = 0;
  sampled = false;
  /** Values can be appended without a check while n < room (see push). */
  private room = 0;
  /** Sampling mode: exact min, max, moments and distinct sketch of every value. */
  min = Infinity;
  max = -Infinity;
  numericSketch: HyperLogLog | null = null;
  private seen = 0;
  private reservoirSize = 0;
  private head: Moments = { n: 0, mean: 0, m2: 0 };
  private readonly tail: Moments = { n: 0, mean: 0, m2: 0 };
  /** More than NUMBER_TEXT_LIMIT distinct texts of numbers were not canonical (see keepText). */
  private textsLost = false;
  /** Each value as written → its index in keyCounts. While the column may be numeric it holds
   * only the texts String(value) would not give back (and non-finite texts). */
  readonly keyIndex = new Map<string, number>();
  readonly keyCounts: number[] = [];
  /** A direct-mapped cache in front of keyIndex: slot (from length, first and last character)
   * → the last key seen there and its index (about twice as fast as Map#get for repeats). */
  private readonly cacheKeys: (string | null)[] = new Array<string | null>(256).fill(null);
  private readonly cacheIndex = new Int32Array(256);
  stringSketch: HyperLogLog | null = null;
  /** The value counts were rebuilt from numbers without all their texts. */
  keysApproximate = false;
  minTime = Infinity;
  maxTime = -Infinity;
  minTimeText: string | null = null;
  maxTimeText: string | null = null;

  constructor(
    readonly name: string,
    private readonly budget: NumericBudget = numericBudget(),
  ) {}

  /** Distinct strings (for the categorical/text rule). */
  get distinct(): number {
    return this.stringSketch === null ? this.keyCounts.length : this.stringSketch.estimate();
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
   * or the end of this column's share of the memory budget (taken 4096 values at a time).
   */
  private push(v: number): void {
    this.canBool = false;
    this.canDate = false;
    if (!this.sampled) {
      if (this.n === this.values.length) {
        const next = new Float64Array(Math.max(256, this.values.length * 2));
        next.set(this.values);
        this.values = next;
      }
      const budget = this.budget;
      const grant = Math.min(this.values.length - this.n, GRANT, budget.limit - budget.stored);
      if (grant > 0) {
        budget.stored += grant;
        this.room = this.n + grant;
        this.values[this.n++] = v;
        return;
      }
      this.startSampling();
    }
    this.sample(v);
  }

  /** Counts a number's text in the value counts (so a rebuild can use it), up to the limit. */
  private keepText(text: string): void {
    if (this.textsLost) return;
    this.addKey(text, 1);
    if (this.keyCounts.length > NUMBER_TEXT_LIMIT) {
      this.textsLost = true;
      this.keyIndex.clear();
      this.keyCounts.length = 0;
      this.cacheKeys.fill(null);
    }
  }

  private startSampling(): void {
    const values = this.values.subarray(0, this.n);
    this.head = exactMoments(values);
    const sketch = new HyperLogLog();
    for (const v of values) {
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      sketch.addNumber(v);
    }
    this.numericSketch = sketch;
    this.seen = this.n;
    this.reservoirSize = Math.max(this.n, MIN_RESERVOIR);
    this.sampled = true;
    this.room = 0;
  }

  private sample(v: number): void {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.numericSketch?.addNumber(v);
    const t = this.tail;
    t.n++;
    const d = v - t.mean;
    t.mean += d / t.n;
    t.m2 += d * (v - t.mean);
    this.seen++;
    if (this.n < this.reservoirSize) {
      if (this.n === this.values.length) {
        const next = new Float64Array(Math.max(256, this.values.length * 2));
        next.set(this.values);
        this.values = next;
      }
      this.values[this.n++] = v;
    } else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.n) this.values[j] = v;
    }
  }

  /** Sampling mode: moments of every value (exact head merged with the streamed tail). */
  sampledMoments(): Moments {
    const a = this.head;
    const b = this.tail;
    const n = a.n + b.n;
    if (n === 0) return { n, mean: 0, m2: 0 };
    const delta = b.mean - a.mean;
    return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
  }

  /** The column cannot be numeric: its numbers (and non-finite texts) become string values. */
  dropNumeric(): void {
    this.canNum = false;
    this.canInt = false;
    if (this.nonFinite > 0) {
      this.canBool = false;
      this.canDate = false;
    }
    this.count += this.nonFinite;
    this.missing -= this.nonFinite;
    this.nonFinite = 0;
    if (this.textsLost || this.sampled) this.keysApproximate = true;
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
    this.budget.stored -= this.sampled ? 0 : this.room;
    this.values = new Float64Array(0);
    this.n = 0;
    this.room = 0;
    this.numericSketch = null;
  }

  private addKey(s: string, c: number): void {
    const len = s.length;
    const slot = (len * 7 + s.charCodeAt(0) * 31 + s.charCodeAt(len - 1)) & 255;
    if (this.cacheKeys[slot] === s) {
      const idx = this.cacheIndex[slot] ?? 0;
      this.keyCounts[idx] = (this.keyCounts[idx] ?? 0) + c;
      return;
    }
    const idx = this.keyIndex.get(s);
    if (idx !== undefined) {
      this.keyCounts[idx] = (this.keyCounts[idx] ?? 0) + c;
      this.cacheKeys[slot] = s;
      this.cacheIndex[slot] = idx;
      return;
    }
    if (this.stringSketch !== null) {
      this.stringSketch.addString(s);
      return;
    }
    this.keyIndex.set(s, this.keyCounts.length);
    this.keyCounts.push(c);
    if (this.keyCounts.length > DISTINCT_EXACT_LIMIT) {
      const sketch = new HyperLogLog();
      for (const key of this.keyIndex.keys()) sketch.addString(key);
      this.stringSketch = sketch;
    }
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

// ---------------------------------------------------------------------------------------------
// Finishing a column

const TOP_VALUES = 20;
type Stats = Partial<ColumnProfile>;

function numericStats(acc: ColumnAccumulator, scratch: SortScratch): Stats {
  const values = acc.values.subarray(0, acc.n);
  if (values.length === 0) return {};
  const moments = acc.sampled ? acc.sampledMoments() : exactMoments(values);
  sortFloat64(values, acc.decimals, scratch);
  const min = acc.sampled ? acc.min : (values[0] ?? 0);
  const max = acc.sampled ? acc.max : (values[values.length - 1] ?? 0);
  const edges = histogramEdges(min, max);
  let counts = histogramSorted(values, edges);
  if (acc.sampled) counts = scaleCounts(counts, acc.count);
  return {
    min,
    max,
    mean: moments.mean,
    std: sampleStd(moments.n, moments.m2),
    distinct: acc.numericSketch?.estimate() ?? countDistinctSorted(values),
    distinctApproximate: acc.sampled,
    quantiles: {
      p5: quantileSorted(values, 0.05),
      p25: quantileSorted(values, 0.25),
      p50: quantileSorted(values, 0.5),
      p75: quantileSorted(values, 0.75),
      p95: quantileSorted(values, 0.95),
    },
    quantilesApproximate: acc.sampled,
    histogram: { edges, counts },
  };
}

/** Sample counts scaled to `total`, by largest remainder (so they still add up). */
function scaleCounts(counts: number[], total: number): number[] {
  const sum = counts.reduce((s, c) => s + c, 0);
  if (sum === 0) return counts;
  const exact = counts.map((c) => (c * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, c) => s + c, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

function valueCounts(acc: ColumnAccumulator, boolean: boolean): [string, number][] {
  const entries: [string, number][] = [];
  for (const [key, idx] of acc.keyIndex) entries.push([key, acc.keyCounts[idx] ?? 0]);
  if (!boolean) return entries;
  const merged = new Map<string, number>();
  for (const [key, c] of entries) {
    const k = key.toLowerCase();
    merged.set(k, (merged.get(k) ?? 0) + c);
  }
  return [...merged];
}

function stringStats(acc: ColumnAccumulator, type: ColumnType): Stats {
  const approximate = acc.stringSketch !== null || acc.keysApproximate;
  const entries = valueCounts(acc, type === "boolean");
  if (type === "datetime") {
    const times = new Set(entries.map(([key]) => parseIsoDateTime(key)));
    return {
      min: acc.minTimeText,
      max: acc.maxTimeText,
      distinct: acc.stringSketch?.estimate() ?? times.size,
      distinctApproximate: approximate,
    };
  }
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    distinct: acc.stringSketch?.estimate() ?? entries.length,
    distinctApproximate: approximate,
    topValues: entries.slice(0, TOP_VALUES).map(([value, count]) => ({ value, count })),
  };
}

/** The profile of a finished column; `declared` is the file's own type for it, if any. Call it
 * once per accumulator: it sorts the stored values in place. */
export function finishColumn(
  acc: ColumnAccumulator,
  declared?: ColumnType | null,
  scratch: SortScratch = new SortScratch(),
): ColumnProfile {
  const type = resolveType(acc, declared);
  const numeric = type === "numeric" || type === "integer";
  if (!numeric && acc.canNum && acc.count + acc.nonFinite > 0) acc.dropNumeric();
  const base: ColumnProfile = {
    name: acc.name,
    type,
    count: acc.count,
    missing: acc.missing,
    distinct: 0,
    distinctApproximate: false,
    min: null,
    max: null,
    mean: null,
    std: null,
    quantiles: null,
    quantilesApproximate: false,
    histogram: null,
    topValues: null,
    nonFinite: acc.nonFinite,
  };
  return { ...base, ...(numeric ? numericStats(acc, scratch) : stringStats(acc, type)) };
}

// ---------------------------------------------------------------------------------------------
// The pass

/**
 * Iterates `source` one item ahead: the next item is requested before the current one is
 * handed out, so a reader's file read (asynchronous I/O) proceeds while the caller is busy with
 * the current batch instead of after it.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  let pending = it.next();
  let finished = false;
  try {
    for (;;) {
      const r = await pending;
      if (r.done === true) {
        finished = true;
        return;
      }
      pending = it.next();
      yield r.value;
    }
  } finally {
    if (!finished) {
      pending.catch(() => undefined);
      await it.return?.();
    }
  }
}

/** Row by row (the order a reader creates the cells in, so they are still in the CPU cache). */
function addRows(columns: readonly ColumnAccumulator[], rows: readonly (readonly unknown[])[]): void {
  const width = columns.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row === undefined) continue;
    for (let c = 0; c < width; c++) {
      const acc = columns[c];
      if (acc === undefined) continue;
      const cell = row[c];
      if (typeof cell === "string") acc.addString(cell);
      else if (typeof cell === "number") acc.addNumber(cell);
      else if (typeof cell === "boolean") acc.addBoolean(cell);
      else acc.missing++;
    }
  }
}

export interface ProfileResult {
  rowCount: number;
  schema: ColumnSchema[];
  profile: DatasetProfile;
  quality: QualityReport;
}

/**
 * Profiles `source` in one pass over `source.batches()`, evaluating `rules` on the way
 * (`previousSchema` is the last version's schema, for the schema_unchanged rule).
 */
export async function profileSource(
  source: TabularSource,
  options: { rules?: QualityRule[]; previousSchema?: ColumnSchema[] | null; signal?: AbortSignal } = {},
): Promise<ProfileResult> {
  const { signal } = options;
  const budget = numericBudget();
  const columns = source.columns.map((name) => new ColumnAccumulator(name, budget));
  const quality = new QualityEvaluator(options.rules ?? [], source.columns, options.previousSchema ?? null);
  let rowCount = 0;
  signal?.throwIfAborted();
  for await (const batch of readAhead(source.batches(signal ? { signal } : undefined))) {
    signal?.throwIfAborted();
    addRows(columns, batch.rows);
    quality.addBatch(batch);
    rowCount += batch.rows.length;
  }
  const scratch = new SortScratch();
  const profiles = columns.map((acc, i) => finishColumn(acc, source.declaredTypes?.[i] ?? null, scratch));
  const schema = profiles.map((p) => ({ name: p.name, type: p.type, nullable: p.missing > 0 }));
  return {
    rowCount,
    schema,
    profile: { rowCount, columns: profiles },
    quality: quality.finish(rowCount, schema),
  };
}
