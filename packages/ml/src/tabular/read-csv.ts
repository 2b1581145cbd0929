/**
 * Streaming CSV reader: the header, then rows in batches from papaparse's chunked parse
 * (csv-chunks.ts), with blank lines, ragged rows and the row and line numbers of problems.
 */
import { type CsvRange, csvRecordChunks, type RecordChunk, type StopReason } from "./csv-chunks";
import { BATCH_ROWS, invalidUtf8Error, isBlankRecord, readHead, sniffCsv, validateColumnNames } from "./sniff";
import { abortable } from "./rows";
import { type BatchOptions, type Cell, type CsvDialect, type RowBatch, type TabularSource } from "./types";
import { TabularInputError } from "./errors";

const MAX_REPORTED = 10;

/** What the profiler needs to read parts of a CSV source on another thread (see parallel.ts). */
export interface CsvFile {
  path: string;
  dialect: CsvDialect;
  width: number;
}

const csvFiles = new WeakMap<TabularSource, CsvFile>();

/** The file behind a source opened by openCsv, if it is one. */
export function csvFileOf(source: TabularSource): CsvFile | undefined {
  return csvFiles.get(source);
}

export async function openCsv(path: string, forced: { delimiter?: string; quote?: string } = {}): Promise<TabularSource> {
  const { head, size } = await readHead(path);
  const dialect = sniffCsv(head, head.length >= size, forced);
  const columns = (await readHeader(path, dialect)).map((name) => name.trim());
  validateColumnNames(columns);
  const source: TabularSource = {
    format: "csv",
    columns,
    dialect,
    batches: (options) => abortable(csvBatches(path, dialect, columns.length, options), options?.signal),
  };
  csvFiles.set(source, { path, dialect, width: columns.length });
  return source;
}

/** The header record; throws `header_only` unless a non-empty record follows it. */
async function readHeader(path: string, dialect: CsvDialect): Promise<string[]> {
  let header: string[] | undefined;
  for await (const chunk of csvRecordChunks(path, dialect)) {
    for (const record of chunk.records) {
      if (header === undefined) header = record;
      else if (!isBlankRecord(record)) return header;
    }
    if (chunk.stop !== undefined) {
      if (header === undefined) throw stopError(chunk.stop.reason, 0, 1 + lineBreaks([chunk.stop.partial], chunk.newline));
      return header; // the problem is in a data row: batches() reports it
    }
  }
  if (header === undefined) throw new TabularInputError("empty_file", "The file is empty.");
  throw new TabularInputError("header_only", "The file has a header row but no data rows.");
}

interface BadRow {
  row: number;
  line: number;
  fields: number;
}

/** Whether every record from `start` on is a row as it stands: the right width, not blank. */
function plainRecords(records: readonly string[][], start: number, width: number): boolean {
  for (let i = start; i < records.length; i++) {
    const record = records[i];
    if (record === undefined || record.length !== width || (width === 1 && isBlankRecord(record))) return false;
  }
  return true;
}

/** Options of csvBatches beyond BatchOptions: reading a part of the file (parallel.ts). */
export interface CsvBatchOptions extends BatchOptions {
  /** The part to read; it must start at a record boundary (0, or just after a line break
   * outside quotes), and a range that starts past 0 needs `newline`. */
  range?: CsvRange;
  /** Where the range starts in the file: `index` is the number of its first record (0: the
   * header; n: data row n), `extra` the line breaks inside quoted fields before it. Rows are
   * numbered from there (a part read on its own may number them from 1). */
  at?: { index: number; extra: number };
  /** Called at each of the range's marks the reading passes, `clean` when a record starts
   * there (nothing unfinished, no pending blank line); returning true at a clean mark stops
   * the reading there. */
  onMark?: (at: number, clean: boolean) => boolean | Promise<boolean>;
  /** Filled in when the reading ends without an error (see CsvReadEnd). */
  end?: CsvReadEnd;
}

/** Where a reading ended: the next record's number and line breaks so far (as in `at`), the
 * unfinished text at the end of a range that ends before the file does, the blank lines not
 * yet known to be rows, and the mark it stopped at, if any. */
export interface CsvReadEnd {
  index: number;
  extra: number;
  rest: string;
  blanks: number;
  stoppedAt: number | null;
}

export function csvReadEnd(): CsvReadEnd {
  return { index: 0, extra: 0, rest: "", blanks: 0, stoppedAt: null };
}

/** Rows of the file (or of `options.range`); `chunked`: one batch per parsed chunk (see
 * BatchOptions), else BATCH_ROWS rows per batch. */
export async function* csvBatches(path: string, dialect: CsvDialect, width: number, options: CsvBatchOptions = {}): AsyncGenerator<RowBatch> {
  const { signal, range, onMark, end } = options;
  const chunked = options.chunked === true;
  const out = new Collector(width, chunked ? Infinity : BATCH_ROWS);
  let index = options.at?.index ?? 0; // record index: 0 is the header, n is data row n
  let extra = options.at?.extra ?? 0; // line breaks inside quoted fields of the records before `index`
  let blanks: { record: string[]; row: number; line: number }[] = []; // empty lines: rows only if more rows follow
  const finish = (rest: string, stoppedAt: number | null): void => {
    if (end !== undefined) Object.assign(end, { index, extra, rest, blanks: blanks.length, stoppedAt });
  };
  for await (const chunk of csvRecordChunks(path, dialect, signal, range)) {
    const records = chunk.records;
    const start = index === 0 ? 1 : 0; // the header is record 0
    if (chunked && blanks.length === 0 && out.ragged.length === 0 && plainRecords(records, start, width)) {
      // The parser's own rows, as they are (the common case: no copy, no per-row work).
      if (chunk.quoted) for (const record of records) extra += lineBreaks(record, chunk.newline);
      if (records.length > start) {
        const batch = { firstRow: index + start, rows: start === 0 ? records : records.slice(start) };
        index += records.length;
        yield batch;
      } else index += records.length;
    } else {
      for (const batch of addRecords(records, chunk)) yield batch;
      if (chunked && chunk.stop === undefined) {
        const batch = out.take();
        if (batch !== undefined) yield batch;
      }
    }
    if (chunk.stop !== undefined) {
      if (out.ragged.length > 0) break;
      const batch = out.take();
      if (batch !== undefined) yield batch;
      throw stopError(chunk.stop.reason, index, index + 1 + extra + lineBreaks([chunk.stop.partial], chunk.newline));
    }
    let stoppedAt: number | null = null;
    if (chunk.mark !== undefined && onMark !== undefined) {
      const clean = chunk.mark.clean && blanks.length === 0 && out.ragged.length === 0;
      if ((await onMark(chunk.mark.at, clean)) && clean) stoppedAt = chunk.mark.at;
    }
    if (chunk.rest !== undefined || stoppedAt !== null) {
      // The end of the range, or a stop at a mark.
      if (out.ragged.length > 0) throw raggedError(out.ragged, width, dialect, false);
      const batch = out.take();
      if (batch !== undefined) yield batch;
      finish(chunk.rest ?? "", stoppedAt);
      return;
    }
  }
  if (out.ragged.length > 0) throw raggedError(out.ragged, width, dialect, false);
  const batch = out.take();
  if (batch !== undefined) yield batch;
  finish("", null);

  /** The general path: blank lines, ragged rows, line numbers. */
  function* addRecords(records: readonly string[][], chunk: RecordChunk): Generator<RowBatch> {
    for (const record of records) {
      const row = index++;
      const line = row + 1 + extra;
      if (chunk.quoted && out.ragged.length === 0) extra += lineBreaks(record, chunk.newline);
      if (row === 0) continue;
      if (isBlankRecord(record)) {
        blanks.push({ record, row, line });
        continue;
      }
      for (const blank of blanks) {
        const batch = out.add(blank.record, blank.row, blank.line);
        if (batch !== undefined) yield batch;
      }
      if (blanks.length > 0) blanks = [];
      const batch = out.add(record, row, line);
      if (batch !== undefined) yield batch;
      if (out.ragged.length >= MAX_REPORTED) throw raggedError(out.ragged, width, dialect, true);
    }
  }
}

/** Gathers rows into batches; after the first ragged row it only records ragged rows. */
class Collector {
  rows: Cell[][] = [];
  firstRow = 1;
  readonly ragged: BadRow[] = [];
  constructor(
    private readonly width: number,
    private readonly batchRows: number,
  ) {}

  add(record: string[], row: number, line: number): RowBatch | undefined {
    if (record.length !== this.width) {
      if (this.ragged.length < MAX_REPORTED) this.ragged.push({ row, line, fields: record.length });
      return this.ragged.length === 1 ? this.take() : undefined; // hand over the rows before it
    }
    if (this.ragged.length > 0) return undefined;
    if (this.rows.length === 0) this.firstRow = row;
    this.rows.push(record);
    return this.rows.length >= this.batchRows ? this.take() : undefined;
  }

  take(): RowBatch | undefined {
    if (this.rows.length === 0) return undefined;
    const batch = { firstRow: this.firstRow, rows: this.rows };
    this.rows = [];
    return batch;
  }
}

function lineBreaks(fields: readonly string[], newline: string): number {
  const ch = newline === "\r" ? "\r" : "\n";
  let n = 0;
  for (const field of fields) {
    for (let i = field.indexOf(ch); i !== -1; i = field.indexOf(ch, i + 1)) n++;
  }
  return n;
}

function stopError(reason: StopReason, row: number, line: number): TabularInputError {
  if (reason === "invalid_utf8") return invalidUtf8Error(row, line);
  const where = row === 0 ? `The header row (line ${line})` : `Row ${row} (line ${line})`;
  if (reason === "unclosed_quote") {
    return new TabularInputError(
      "ragged_rows",
      `${where} opens a quoted field that is never closed, so the rest of the file would be read as one value. Check the quotes on that line.`,
      row === 0 ? [] : [row],
    );
  }
  return new TabularInputError(
    "unsupported_value",
    `${where} is longer than 32 MiB, usually because a quote character opens a field that never closes. Check the quotes on that line.`,
    row === 0 ? [] : [row],
  );
}

function raggedError(bad: BadRow[], width: number, dialect: CsvDialect, stoppedEarly: boolean): TabularInputError {
  const groups = new Map<number, number[]>();
  for (const b of bad) groups.set(b.fields, [...(groups.get(b.fields) ?? []), b.row]);
  const parts = [...groups].map(([fields, rows], i) => {
    const noun = `${i === 0 ? "R" : "r"}ow${rows.length > 1 ? "s" : ""}`;
    return `${noun} ${rows.join(", ")} ${rows.length > 1 ? "have" : "has"} ${fields} field${fields === 1 ? "" : "s"}`;
  });
  const first = bad[0] ?? { row: 0, line: 0 };
  const delimiter = dialect.delimiter === "\t" ? "tab" : `'${dialect.delimiter}'`;
  return new TabularInputError(
    "ragged_rows",
    `${parts.join("; ")}; the header has ${width} (row ${first.row} is on line ${first.line}).` +
      (stoppedEarly ? ` Reading stopped after the first ${MAX_REPORTED} such rows.` : "") +
      ` Every row needs ${width} field${width === 1 ? "" : "s"}: quote values that contain the delimiter (${delimiter}) and check for missing or extra values.`,
    bad.map((b) => b.row),
  );
}

/** Parses the file with exactly the reader's parser and configuration but does nothing with the
 * rows: the baseline the profiler benchmark compares against. Returns the data-row count. */
export async function countRowsBare(path: string, dialect: CsvDialect): Promise<number> {
  let records = 0;
  let trailingBlank = 0;
  for await (const chunk of csvRecordChunks(path, dialect)) {
    const n = chunk.records.length;
    records += n;
    let t = 0;
    while (t < n && isBlankRecord(chunk.records[n - 1 - t] ?? [])) t++;
    trailingBlank = t === n ? trailingBlank + t : t;
    if (chunk.stop !== undefined) throw stopError(chunk.stop.reason, records, records + 1);
  }
  return Math.max(0, records - 1 - trailingBlank);
}
