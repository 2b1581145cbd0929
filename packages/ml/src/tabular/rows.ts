/** Row-level helpers: a paginated row preview over any TabularSource, and abort checks between batches. */
import type { Cell, TabularSource } from "./types";

/** Implemented by sources that can read a row range without streaming from the start (the
 * Parquet reader seeks to the row groups holding the range). `offset` is 0-based. */
export interface RowRangeReader {
  readRowRange(offset: number, limit: number): Promise<Cell[][]>;
}

function canReadRange(source: TabularSource): source is TabularSource & RowRangeReader {
  return typeof (source as Partial<RowRangeReader>).readRowRange === "function";
}

/**
 * The data rows `offset` (0-based) to `offset + limit` (exclusive), fewer at the end of the
 * file. CSV and JSON Lines stream from the start and stop as soon as the range is read.
 */
export async function readRowRange(source: TabularSource, offset: number, limit: number): Promise<Cell[][]> {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`readRowRange needs a non-negative integer offset and limit (got ${offset}, ${limit}).`);
  }
  if (limit === 0) return [];
  if (canReadRange(source)) return source.readRowRange(offset, limit);
  const out: Cell[][] = [];
  for await (const batch of source.batches()) {
    const from = Math.max(0, offset - (batch.firstRow - 1));
    if (from < batch.rows.length) out.push(...batch.rows.slice(from, from + limit - out.length));
    if (out.length >= limit) break; // ends the iterator: the file is closed
  }
  return out;
}

/** Re-checks `signal` each time the consumer asks for the next item, so an abort takes effect
 * at the next batch even when no file read is due (leaving the loop closes the source). */
export async function* abortable<T>(source: AsyncGenerator<T>, signal?: AbortSignal): AsyncGenerator<T> {
  signal?.throwIfAborted();
  for await (const item of source) {
    yield item;
    signal?.throwIfAborted();
  }
}
