/**
 * Streaming CSV reader. The file is decoded chunk by chunk (fatal UTF-8) and each chunk is parsed
 * by papaparse's Parser with `ignoreLastRow`, the unfinished last record being carried over to
 * the next chunk: papaparse's own chunked streaming, driven by pulls from the consumer, so a
 * slow consumer stops the file reading (memory stays at about one chunk plus one batch).
 */
import Papa, { type ParseResult } from "papaparse";
import {
  BATCH_ROWS,
  decodeUtf8File,
  firstNewline,
  invalidUtf8Error,
  isBlankRecord,
  readHead,
  sniffCsv,
  validateColumnNames,
} from "./sniff";
import { abortable } from "./rows";
import { type Cell, type CsvDialect, type RowBatch, type TabularSource, TabularInputError } from "./types";

/** A record (usually: an unclosed quote) longer than this stops the reading. */
const MAX_RECORD_CHARS = 32 * 1024 * 1024;
/** An unfinished record longer than this is retried only once the text has doubled, so a
 * very long record is not re-parsed from its start on every chunk. */
const LONG_RECORD_CHARS = 1024 * 1024;
const MAX_REPORTED = 10;

type StopReason = "invalid_utf8" | "overlong" | "unclosed_quote";

interface RecordChunk {
  /** Complete records (the header is the first record of the file). */
  records: string[][];
  /** The parsed text contained the quote character, so fields may span lines. */
  quoted: boolean;
  newline: "\n" | "\r\n" | "\r";
  /** Set on the last chunk when reading stops inside a record (`partial`: its text so far). */
  stop?: { reason: StopReason; partial: string };
}

/** Streams the file's records in chunks with papaparse, the same configuration for every use. */
export async function* csvRecordChunks(path: string, dialect: CsvDialect, signal?: AbortSignal): AsyncGenerator<RecordChunk> {
  const { delimiter, quote } = dialect;
  let partial = "";
  let parser: Papa.Parser | undefined;
  let newline: "\n" | "\r\n" | "\r" = "\n";
  let unfinished = 0; // length of the unfinished record after the last parse
  for await (const piece of decodeUtf8File(path, signal)) {
    const text = partial + piece.text;
    const atEnd = piece.final && !piece.invalidUtf8;
    if (!piece.final && unfinished > LONG_RECORD_CHARS && text.length < 2 * unfinished) {
      partial = text;
      continue;
    }
    if (parser === undefined) {
      const found = firstNewline(text, delimiter, quote, atEnd);
      if (found !== null) {
        newline = found;
        parser = new Papa.Parser({ delimiter, quoteChar: quote, newline, skipEmptyLines: false });
      }
    }
    let records: string[][] = [];
    partial = text;
    if (parser !== undefined) {
      const result = parser.parse(text, 0, !atEnd) as ParseResult<string[]>;
      records = result.data;
      partial = atEnd ? "" : text.substring(result.meta.cursor);
      if (atEnd && result.errors.some((e) => e.code === "MissingQuotes")) {
        records.pop(); // the record whose quoted field runs to the end of the file
        yield { records, quoted: true, newline, stop: { reason: "unclosed_quote", partial: "" } };
        return;
      }
    }
    unfinished = partial.length;
    const quoted = text.includes(quote);
    if (piece.invalidUtf8) {
      yield { records, quoted, newline, stop: { reason: "invalid_utf8", partial } };
      return;
    }
    if (partial.length > MAX_RECORD_CHARS) {
      yield { records, quoted, newline, stop: { reason: "overlong", partial: "" } };
      return;
    }
    yield { records, quoted, newline };
  }
}

export async function openCsv(path: string, forced: { delimiter?: string; quote?: string } = {}): Promise<TabularSource> {
  const { head, size } = await readHead(path);
  const dialect = sniffCsv(head, head.length >= size, forced);
  const columns = (await readHeader(path, dialect)).map((name) => name.trim());
  validateColumnNames(columns);
  return {
    format: "csv",
    columns,
    dialect,
    batches: (options) => abortable(csvBatches(path, dialect, columns.length, options?.signal), options?.signal),
  };
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

async function* csvBatches(path: string, dialect: CsvDialect, width: number, signal?: AbortSignal): AsyncGenerator<RowBatch> {
  const out = new Collector(width);
  let index = 0; // record index: 0 is the header, n is data row n
  let extra = 0; // line breaks inside quoted fields of the records before `index`
  let blanks: { record: string[]; row: number; line: number }[] = []; // empty lines: rows only if more rows follow
  for await (const chunk of csvRecordChunks(path, dialect, signal)) {
    for (const record of chunk.records) {
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
    if (chunk.stop !== undefined) {
      if (out.ragged.length > 0) break;
      const batch = out.take();
      if (batch !== undefined) yield batch;
      throw stopError(chunk.stop.reason, index, index + 1 + extra + lineBreaks([chunk.stop.partial], chunk.newline));
    }
  }
  if (out.ragged.length > 0) throw raggedError(out.ragged, width, dialect, false);
  const batch = out.take();
  if (batch !== undefined) yield batch;
}

/** Gathers rows into batches; after the first ragged row it only records ragged rows. */
class Collector {
  rows: Cell[][] = [];
  firstRow = 1;
  readonly ragged: BadRow[] = [];
  constructor(private readonly width: number) {}

  add(record: string[], row: number, line: number): RowBatch | undefined {
    if (record.length !== this.width) {
      if (this.ragged.length < MAX_REPORTED) this.ragged.push({ row, line, fields: record.length });
      return this.ragged.length === 1 ? this.take() : undefined; // hand over the rows before it
    }
    if (this.ragged.length > 0) return undefined;
    if (this.rows.length === 0) this.firstRow = row;
    this.rows.push(record);
    return this.rows.length >= BATCH_ROWS ? this.take() : undefined;
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
