/**
 * The error a reader throws for a problem with an uploaded file. Kept apart from types.ts (which
 * re-exports it) so that code that only reads files does not load zod: the profiler's worker
 * thread (workers.ts) starts faster without it.
 */

/** Problems with an uploaded file that its author can fix. */
export const TABULAR_INPUT_PROBLEMS = [
  "empty_file",
  "header_only",
  "ragged_rows",
  "unknown_delimiter",
  "bad_column_names",
  "invalid_utf8",
  "invalid_json",
  "not_parquet",
  "unsupported_value",
  "too_many_columns",
] as const;
export type TabularInputProblem = (typeof TABULAR_INPUT_PROBLEMS)[number];

export class TabularInputError extends Error {
  readonly problem: TabularInputProblem;
  /** The first offending data-row numbers (1-based, at most 10), when the problem is in rows. */
  readonly rows: number[];
  constructor(problem: TabularInputProblem, message: string, rows: number[] = []) {
    super(message);
    this.name = "TabularInputError";
    this.problem = problem;
    this.rows = rows;
  }
}
