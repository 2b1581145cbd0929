/**
 * Profiling a large CSV file on two threads with the result of one pass.
 *
 * The file is cut into parts of about PART_BYTES, each starting just after a line break. The
 * main thread reads the file in order from the start, into the profile's own accumulators; the
 * worker (workers.ts) profiles parts on their own, from the last part backwards, until the two
 * meet. At each part boundary the main thread reaches, if a record starts there (a line break
 * inside a quoted field does not count) and the worker has that part, the main thread stops and
 * merges the worker's parts in order (merge.ts). A part that cannot be merged exactly (a problem
 * with the file in it, a boundary inside a record, see canMergeColumn) is read again by the main
 * thread, which carries on in order from there, so problems are reported with the file's own
 * row and line numbers and every statistic is what one pass computes.
 */
import { open, stat } from "node:fs/promises";
import type { ColumnAccumulator } from "./accumulator";
import type { Newline } from "./csv-chunks";
import { canMergeColumn, mergeColumn, restoreColumn, withinBudget } from "./merge";
import type { QualityEvaluator } from "./quality";
import { type CsvFile, csvBatches, csvFileOf, csvReadEnd } from "./read-csv";
import { addRows, readAhead, type SegmentResult, type SegmentTask } from "./segment";
import { firstNewline, readHead } from "./sniff";
import type { QualityRule, RowBatch, TabularSource } from "./types";
import { profileWorker, type SegmentWorker } from "./workers";

export interface ParallelOptions {
  /** Smaller files are profiled on the main thread only (default 16 MiB). */
  minBytes?: number;
  /** About how many bytes the worker takes at a time (default 4 MiB). */
  partBytes?: number;
  /** The worker to use (default: the shared worker thread, workers.ts). */
  worker?: SegmentWorker;
}

const MIN_BYTES = 16 * 1024 * 1024;
const PART_BYTES = 4 * 1024 * 1024;

interface Part {
  start: number;
  end: number | null;
  state: "pending" | "worker" | "done" | "failed" | "main";
  result?: SegmentResult;
  settled?: Promise<void>;
}

/** Adds the batches' rows to the profile; returns how many. */
export async function addBatches(
  batches: AsyncIterable<RowBatch>,
  columns: readonly ColumnAccumulator[],
  quality: QualityEvaluator,
  signal?: AbortSignal,
): Promise<number> {
  let rows = 0;
  for await (const batch of readAhead(batches)) {
    signal?.throwIfAborted();
    addRows(columns, batch.rows);
    quality.addBatch(batch);
    rows += batch.rows.length;
  }
  return rows;
}

/**
 * Reads `source` into `columns` and `quality` with the worker's help and returns the row count,
 * or null (nothing read) when this does not apply: not a CSV file, a small file, a `unique`
 * rule (it needs every earlier value), no worker threads.
 */
export async function readInParallel(
  source: TabularSource,
  columns: readonly ColumnAccumulator[],
  quality: QualityEvaluator,
  rules: readonly QualityRule[],
  options: ParallelOptions & { signal?: AbortSignal } = {},
): Promise<{ rows: number; worker: SegmentWorker; merged: number } | null> {
  const file = csvFileOf(source);
  if (file === undefined || !rules.every((r) => r.kind !== "unique")) return null;
  const { size } = await stat(file.path);
  if (size < (options.minBytes ?? MIN_BYTES)) return null;
  const plan = await planParts(file, size, options.partBytes ?? PART_BYTES);
  const worker = plan === null ? null : (options.worker ?? profileWorker());
  if (plan === null || worker === null) return null;
  const { signal } = options;
  const parts = plan.parts;
  let current = 0; // the part the main thread is reading
  let closed = false;
  const indexOf = new Map(parts.map((p, i) => [p.start, i]));
  const task: Omit<SegmentTask, "start" | "end"> = { path: file.path, dialect: file.dialect, newline: plan.newline, columns: source.columns, rules: [...rules] };

  const help = async (): Promise<void> => {
    if (!(await worker.ready)) return;
    for (;;) {
      let k = parts.length - 1;
      while (k > current + 1 && parts[k]?.state !== "pending") k--;
      const part = parts[k];
      if (closed || signal?.aborted === true || k <= current + 1 || part === undefined) return;
      part.state = "worker";
      part.settled = worker.segment({ ...task, start: part.start, end: part.end }).then(
        (result) => {
          if (part.state === "worker") [part.state, part.result] = ["done", result];
        },
        () => {
          if (part.state === "worker") part.state = "failed";
        },
      );
      await part.settled;
    }
  };
  const helping = help();

  const onMark = async (at: number, clean: boolean): Promise<boolean> => {
    current = indexOf.get(at) ?? current;
    const part = parts[current];
    if (part === undefined) return false;
    if (clean && part.state === "worker") await part.settled;
    if (clean && part.state === "done") return true;
    part.state = "main"; // read here: a result the worker still sends is not used
    delete part.result;
    return false;
  };

  let at = { index: 0, extra: 0 };
  let from = 0;
  let rows = 0;
  let merged = 0; // rows the worker profiled
  try {
    for (;;) {
      const start = parts[from]?.start ?? 0;
      const end = csvReadEnd();
      const range = { start, marks: parts.slice(from + 1).map((p) => p.start), ...(start > 0 ? { newline: plan.newline } : {}) };
      const batches = csvBatches(file.path, file.dialect, file.width, { signal, chunked: true, range, at, onMark, end });
      rows += await addBatches(batches, columns, quality, signal);
      if (end.stoppedAt === null) return { rows, worker, merged };
      at = { index: end.index, extra: end.extra };
      from = indexOf.get(end.stoppedAt) ?? parts.length;
      for (; from < parts.length; from++) {
        const result = parts[from]?.result;
        if (result === undefined || !result.clean || !mergePart(columns, quality, result, at.index - 1)) break;
        at = { index: at.index + result.rows, extra: at.extra + result.extra };
        rows += result.rows;
        merged += result.rows;
        delete parts[from]?.result;
      }
      if (from === parts.length) return { rows, worker, merged };
      current = from;
      (parts[from] as Part).state = "main";
    }
  } finally {
    closed = true; // the worker finishes the part it is on (its result is not used), then stops
    void helping;
  }
}

/** Merges a part the worker profiled into the profile so far; false (nothing changed) when
 * that might differ from reading its rows in order. */
function mergePart(columns: readonly ColumnAccumulator[], quality: QualityEvaluator, result: SegmentResult, offset: number): boolean {
  const limit = columns[0]?.budget.limit ?? Infinity;
  const others = columns.map((acc, i) => {
    const state = result.columns[i];
    return state === undefined ? null : restoreColumn(acc.name, state);
  });
  if (others.some((b) => b === null)) return false;
  const parts = others as ColumnAccumulator[];
  if (!withinBudget(columns, parts, limit) || !columns.every((a, i) => canMergeColumn(a, parts[i] as ColumnAccumulator))) return false;
  columns.forEach((a, i) => mergeColumn(a, parts[i] as ColumnAccumulator));
  quality.addCounts(result.quality, offset);
  return true;
}

/** The file's line break and its parts; null when the head shows no line break (a first
 * record longer than the head: not worth the trouble). */
async function planParts(file: CsvFile, size: number, partBytes: number): Promise<{ newline: Newline; parts: Part[] } | null> {
  const { head } = await readHead(file.path);
  const text = new TextDecoder("utf-8").decode(head, { stream: true });
  const newline = firstNewline(text, file.dialect.delimiter, file.dialect.quote, false);
  if (newline === null) return null;
  const count = Math.floor(size / Math.max(1, partBytes));
  const starts = [0];
  const fh = await open(file.path, "r");
  try {
    const window = Buffer.alloc(64 * 1024);
    for (let k = 1; k < count; k++) {
      // The first line start at or after the k-th cut (none in the window: no cut there).
      const cut = Math.floor((k * size) / count);
      const { bytesRead } = await fh.read(window, 0, window.length, cut);
      const found = window.subarray(0, bytesRead).indexOf(newline);
      const start = cut + found + newline.length;
      if (found >= 0 && start > (starts.at(-1) ?? 0) && start < size) starts.push(start);
    }
  } finally {
    await fh.close();
  }
  if (starts.length < 3) return null;
  return { newline, parts: starts.map((start, i) => ({ start, end: starts[i + 1] ?? null, state: "pending" })) };
}
