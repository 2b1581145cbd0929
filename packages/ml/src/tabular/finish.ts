/**
 * Finishing a column: its type (infer.ts) and profile from what its accumulator gathered.
 * Numeric columns are sorted once; quantiles (numpy "linear"), the 20-bin histogram and the
 * exact distinct count come from the sorted values, the moments from numpy's pairwise sums.
 */
import type { ColumnAccumulator } from "./accumulator";
import { parseIsoDateTime, resolveType } from "./infer";
import { countDistinctSorted, exactMoments, histogramEdges, histogramSorted, quantileSorted, sampleStd } from "./numeric";
import type { NumericSample } from "./sample";
import { SortScratch, sortFloat64 } from "./sort";
import type { ColumnProfile, ColumnType } from "./types";

const TOP_VALUES = 20;
export type Stats = Partial<ColumnProfile>;

/**
 * The numeric statistics of a column's stored values (all of them, or the sample when
 * `sample` is set; `count` is then the column's full count). Sorts `values` in place.
 */
export function numericStats(
  values: Float64Array,
  decimals: number,
  sample: NumericSample | null,
  count: number,
  scratch: SortScratch = new SortScratch(),
): Stats {
  if (values.length === 0) return {};
  const moments = sample !== null ? sample.moments() : exactMoments(values);
  sortFloat64(values, decimals, scratch);
  const min = sample !== null ? sample.min : (values[0] ?? 0);
  const max = sample !== null ? sample.max : (values[values.length - 1] ?? 0);
  const edges = histogramEdges(min, max);
  let counts = histogramSorted(values, edges);
  if (sample !== null) counts = scaleCounts(counts, count);
  return {
    min,
    max,
    mean: moments.mean,
    std: sampleStd(moments.n, moments.m2),
    distinct: sample !== null ? sample.sketch.estimate() : countDistinctSorted(values),
    distinctApproximate: sample !== null,
    quantiles: {
      p5: quantileSorted(values, 0.05),
      p25: quantileSorted(values, 0.25),
      p50: quantileSorted(values, 0.5),
      p75: quantileSorted(values, 0.75),
      p95: quantileSorted(values, 0.95),
    },
    quantilesApproximate: sample !== null,
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

export function stringStats(acc: ColumnAccumulator, type: ColumnType): Stats {
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

/**
 * A finished column's type and the part of its profile that needs no statistics, and whether
 * numericStats (numeric and integer columns) or stringStats (the others) completes it. A
 * column that is not numeric after all turns its numbers into texts here.
 */
export function columnBase(acc: ColumnAccumulator, declared?: ColumnType | null): { base: ColumnProfile; numeric: boolean } {
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
  return { base, numeric };
}

/** The profile of a finished column; `declared` is the file's own type for it, if any. Call it
 * once per accumulator: it sorts the stored values in place. */
export function finishColumn(
  acc: ColumnAccumulator,
  declared?: ColumnType | null,
  scratch: SortScratch = new SortScratch(),
): ColumnProfile {
  const { base, numeric } = columnBase(acc, declared);
  const stats = numeric
    ? numericStats(acc.values.subarray(0, acc.n), acc.decimals, acc.sample, acc.count, scratch)
    : stringStats(acc, base.type);
  return { ...base, ...stats };
}
