/**
 * Profiling one part of a CSV file on its own (the profiler's other thread, profile-worker.ts):
 * the part's column accumulators and quality counts, as plain data to merge into the profile of
 * the rows before it (merge.ts, parallel.ts).
 */
import { ColumnAccumulator, numericBudget } from "./accumulator";
import type { Newline } from "./csv-chunks";
import { type ColumnState, columnState } from "./merge";
import { QualityEvaluator, type RuleCounts } from "./quality";
import { csvBatches, csvReadEnd } from "./read-csv";
import type { CsvDialect, QualityRule } from "./types";

/** Row by row (the order a reader creates the cells in, so they are still in the CPU cache). */
export function addRows(columns: readonly ColumnAccumulator[], rows: readonly (readonly unknown[])[]): void {
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

/** A part of a CSV file: bytes [start, end) (end null: to the end of the file), starting at a
 * record boundary past the header. */
export interface SegmentTask {
  path: string;
  dialect: CsvDialect;
  newline: Newline;
  columns: string[];
  rules: QualityRule[];
  start: number;
  end: number | null;
}

export interface SegmentResult {
  /** Rows, numbered from 1 in `quality`. */
  rows: number;
  /** Line breaks inside quoted fields. */
  extra: number;
  /** The part ends where a record starts and no blank line is pending (always at the end of
   * the file): the next part's rows follow its rows directly. */
  clean: boolean;
  columns: ColumnState[];
  quality: RuleCounts[];
}

/** Profiles one part. A problem with the file (a TabularInputError) is thrown as usual: the
 * caller reads the part again in order, which reports it with the file's row numbers. */
export async function profileSegment(task: SegmentTask): Promise<SegmentResult> {
  const budget = numericBudget();
  const columns = task.columns.map((name) => new ColumnAccumulator(name, budget));
  const quality = new QualityEvaluator(task.rules, task.columns, null);
  const end = csvReadEnd();
  const range = { start: task.start, newline: task.newline, ...(task.end === null ? {} : { end: task.end }) };
  const batches = csvBatches(task.path, task.dialect, columns.length, { chunked: true, range, at: { index: 1, extra: 0 }, end });
  let rows = 0;
  for await (const batch of readAhead(batches)) {
    addRows(columns, batch.rows);
    quality.addBatch(batch);
    rows += batch.rows.length;
  }
  return {
    rows,
    extra: end.extra,
    clean: task.end === null || (end.rest === "" && end.blanks === 0),
    columns: columns.map(columnState),
    quality: quality.counts(),
  };
}
