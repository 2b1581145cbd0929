/**
 * The contract between Keel's tabular readers (CSV, JSON Lines, Parquet), the profiler and
 * the quality checks. Nothing here knows about the database or the artifact store: a reader
 * takes a local file path and yields rows in batches; the profiler consumes the batches in one
 * streaming pass.
 */
import { z } from "zod";

/** One value as a reader yields it. CSV yields strings ("" for an empty field); JSON Lines and
 * Parquet yield their native scalars; `null` is a missing value in every format. */
export type Cell = string | number | boolean | null;

export const TABULAR_FORMATS = ["csv", "jsonl", "parquet"] as const;
export type TabularFormat = (typeof TABULAR_FORMATS)[number];

/** What the CSV sniffer decided (or the caller forced). */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  /** The file started with a UTF-8 byte-order mark (stripped before parsing). */
  bom: boolean;
}

/** A batch of rows. `firstRow` is the 1-based data-row number of `rows[0]` (the header is not a
 * data row: in a CSV file, data row n is on line n + 1 when no field spans lines). */
export interface RowBatch {
  firstRow: number;
  rows: Cell[][];
}

export const COLUMN_TYPES = ["numeric", "integer", "boolean", "categorical", "datetime", "text"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface BatchOptions {
  signal?: AbortSignal;
  /** Hand rows over as the reader produces them (batches of any size) instead of BATCH_ROWS
   * rows per batch: each row is released sooner, so a streaming consumer keeps less memory
   * alive (less garbage-collector work). Readers may ignore it. */
  chunked?: boolean;
}

export interface TabularSource {
  format: TabularFormat;
  /** Column names, in file order; validated unique and non-empty by the reader. */
  columns: string[];
  /** CSV only. */
  dialect?: CsvDialect;
  /** Types the file itself declares (Parquet's schema), one per column; `null` = let the
   * profiler infer. Absent for CSV and JSON Lines. */
  declaredTypes?: (ColumnType | null)[];
  /** Streams the rows once more from the start each time it is called. Every row has exactly
   * `columns.length` cells. Bad content (ragged rows, invalid UTF-8, a line that is not JSON)
   * makes the iterator throw a `TabularInputError` naming the first bad row numbers. */
  batches(options?: BatchOptions): AsyncIterable<RowBatch>;
}

export const ZColumnSchema = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  nullable: z.boolean(),
});
export type ColumnSchema = z.infer<typeof ZColumnSchema>;

export { TABULAR_INPUT_PROBLEMS, type TabularInputProblem, TabularInputError } from "./errors";

// ---------------------------------------------------------------------------------------------
// Profiles

export const ZQuantiles = z.object({
  p5: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
});

export const ZColumnProfile = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  /** Non-missing values (pandas `count`). `count + missing` is the row count. */
  count: z.number().int(),
  missing: z.number().int(),
  distinct: z.number().int(),
  /** True when `distinct` comes from the HyperLogLog sketch (over 100,000 distinct strings). */
  distinctApproximate: z.boolean(),
  /** Numbers for numeric/integer columns; ISO strings for datetime; null otherwise. */
  min: z.union([z.number(), z.string()]).nullable(),
  max: z.union([z.number(), z.string()]).nullable(),
  mean: z.number().nullable(),
  /** Sample standard deviation (n − 1), as pandas' `std`; null under two values. */
  std: z.number().nullable(),
  /** numpy's default (linear) interpolation; null for non-numeric columns. */
  quantiles: ZQuantiles.nullable(),
  /** True when the column held more values than the profiler keeps in memory, so quantiles and
   * histogram come from a uniform reservoir sample instead of every value. */
  quantilesApproximate: z.boolean(),
  /** numpy.histogram(values, bins=20) for numeric/integer columns: 21 edges, 20 counts, last
   * bin closed. */
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }).nullable(),
  /** Most frequent values (as strings) for categorical, boolean and text columns, most
   * frequent first, ties by value; at most 20. */
  topValues: z.array(z.object({ value: z.string(), count: z.number().int() })).nullable(),
  /** Numeric columns: values such as `inf` or `1e309` that are not finite; counted as missing. */
  nonFinite: z.number().int(),
});
export type ColumnProfile = z.infer<typeof ZColumnProfile>;

export const ZDatasetProfile = z.object({
  rowCount: z.number().int(),
  columns: z.array(ZColumnProfile),
});
export type DatasetProfile = z.infer<typeof ZDatasetProfile>;

// ---------------------------------------------------------------------------------------------
// Quality rules and reports

export const QUALITY_SEVERITIES = ["warn", "fail"] as const;
export const QUALITY_STATUSES = ["pass", "warn", "fail"] as const;
export type QualityStatus = (typeof QUALITY_STATUSES)[number];

const ruleBase = { id: z.string().min(1).max(64), severity: z.enum(QUALITY_SEVERITIES) };
const column = z.string().min(1).max(256);

export const ZQualityRule = z.discriminatedUnion("kind", [
  z.object({ ...ruleBase, kind: z.literal("not_null"), column }),
  z
    .object({ ...ruleBase, kind: z.literal("range"), column, min: z.number().optional(), max: z.number().optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, { message: "a range rule needs min, max or both" }),
  z.object({ ...ruleBase, kind: z.literal("allowed_values"), column, values: z.array(z.string()).min(1).max(1000) }),
  z.object({ ...ruleBase, kind: z.literal("unique"), column }),
  z.object({ ...ruleBase, kind: z.literal("regex"), column, pattern: z.string().min(1).max(500) }),
  z.object({ ...ruleBase, kind: z.literal("min_rows"), min: z.number().int().min(0) }),
  z.object({ ...ruleBase, kind: z.literal("schema_unchanged") }),
]);
export type QualityRule = z.infer<typeof ZQualityRule>;

export const ZQualityCheck = z.object({
  ruleId: z.string(),
  kind: z.string(),
  column: z.string().nullable(),
  severity: z.enum(QUALITY_SEVERITIES),
  status: z.enum(QUALITY_STATUSES),
  /** Rows that broke the rule (0 for whole-file rules that passed). */
  failing: z.number().int(),
  /** First offending data-row numbers (1-based), at most 10. */
  exampleRows: z.array(z.number().int()),
  /** One sentence a person can act on, e.g. "12 rows have age outside [0, 120]: rows 4, 9, …". */
  message: z.string(),
});
export type QualityCheck = z.infer<typeof ZQualityCheck>;

export const ZQualityReport = z.object({
  status: z.enum(QUALITY_STATUSES),
  checks: z.array(ZQualityCheck),
});
export type QualityReport = z.infer<typeof ZQualityReport>;
