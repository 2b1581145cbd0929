/**
 * The dataset profiler: one streaming pass over a TabularSource computes every column's
 * profile (accumulator.ts gathers, finish.ts computes), the inferred schema and the quality
 * report. A large CSV file is read on two threads (parallel.ts) and numeric columns are
 * finished on both, with the same results.
 */
import { ColumnAccumulator, numericBudget } from "./accumulator";
import { columnBase, numericStats, stringStats } from "./finish";
import { addBatches, type ParallelOptions, readInParallel } from "./parallel";
import { QualityEvaluator } from "./quality";
import { SortScratch } from "./sort";
import type { ColumnProfile, ColumnSchema, ColumnType, DatasetProfile, QualityReport, QualityRule, TabularSource } from "./types";
import type { SegmentWorker } from "./workers";

export { ColumnAccumulator, numericBudget } from "./accumulator";
export { finishColumn } from "./finish";
export { readAhead } from "./segment";

/** Numeric columns with at least this many values are worth sorting on the worker. */
const OFFLOAD_VALUES = 1 << 16;

export interface ProfileResult {
  rowCount: number;
  schema: ColumnSchema[];
  profile: DatasetProfile;
  quality: QualityReport;
}

export interface ProfileOptions {
  rules?: QualityRule[];
  previousSchema?: ColumnSchema[] | null;
  signal?: AbortSignal;
  /** Reading a large CSV file on two threads (parallel.ts); `false`: one thread only. */
  parallel?: ParallelOptions | false;
}

/**
 * Profiles `source` in one pass over `source.batches()`, evaluating `rules` on the way
 * (`previousSchema` is the last version's schema, for the schema_unchanged rule).
 */
export async function profileSource(source: TabularSource, options: ProfileOptions = {}): Promise<ProfileResult> {
  const { signal } = options;
  const rules = options.rules ?? [];
  const budget = numericBudget();
  const columns = source.columns.map((name) => new ColumnAccumulator(name, budget));
  const quality = new QualityEvaluator(rules, source.columns, options.previousSchema ?? null);
  signal?.throwIfAborted();
  const parallel = options.parallel === false ? null : await readInParallel(source, columns, quality, rules, { ...options.parallel, signal });
  const rowCount = parallel?.rows ?? (await addBatches(source.batches({ chunked: true, ...(signal ? { signal } : {}) }), columns, quality, signal));
  const profiles = await finishColumns(columns, source.declaredTypes, parallel?.worker ?? null);
  const schema = profiles.map((p) => ({ name: p.name, type: p.type, nullable: p.missing > 0 }));
  return {
    rowCount,
    schema,
    profile: { rowCount, columns: profiles },
    quality: quality.finish(rowCount, schema),
  };
}

/**
 * Every column's profile. With a worker, the largest numeric columns are sorted there (a copy
 * of their values goes over), from the last column back, while the main thread finishes the
 * others from the first on; a column the worker fails on is finished here.
 */
async function finishColumns(
  columns: readonly ColumnAccumulator[],
  declared: readonly (ColumnType | null)[] | undefined,
  worker: SegmentWorker | null,
): Promise<ColumnProfile[]> {
  const scratch = new SortScratch();
  const bases = columns.map((acc, i) => columnBase(acc, declared?.[i] ?? null));
  const out: ColumnProfile[] = [];
  const taken = columns.map(() => false);
  const finish = (i: number): ColumnProfile => {
    const acc = columns[i] as ColumnAccumulator;
    const { base, numeric } = bases[i] ?? columnBase(acc);
    const stats = numeric ? numericStats(acc.values.subarray(0, acc.n), acc.decimals, acc.sample, acc.count, scratch) : stringStats(acc, base.type);
    return { ...base, ...stats };
  };
  // The worker takes numeric columns from the last one back, two at a time (so that it has
  // the next while the main thread, busy with its own column, has not yet read its reply).
  const next = (): number => {
    for (let i = columns.length - 1; i >= 0; i--) {
      const acc = columns[i] as ColumnAccumulator;
      if (taken[i] !== true && bases[i]?.numeric === true && !acc.sampled && acc.n >= OFFLOAD_VALUES) return i;
    }
    return -1;
  };
  const offload = async (helper: SegmentWorker): Promise<void> => {
    for (let i = next(); i >= 0; i = next()) {
      taken[i] = true;
      const acc = columns[i] as ColumnAccumulator;
      try {
        out[i] = { ...(bases[i] as { base: ColumnProfile }).base, ...(await helper.stats(acc.values.slice(0, acc.n), acc.decimals)) };
      } catch {
        out[i] = finish(i);
      }
    }
  };
  const helping = worker?.loaded === true ? Promise.all([offload(worker), offload(worker)]) : null;
  for (let i = 0; i < columns.length; i++) {
    if (taken[i] === true) continue;
    taken[i] = true;
    out[i] = finish(i);
    // Lets the worker's replies in, and the next column go out to it.
    if (helping !== null) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await helping;
  return out;
}
