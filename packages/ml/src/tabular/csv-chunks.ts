/**
 * The CSV reader's parsing loop. The file is decoded chunk by chunk (fatal UTF-8) and each chunk
 * is parsed by papaparse's Parser with `ignoreLastRow`, the unfinished last record being carried
 * over to the next chunk: papaparse's own chunked streaming, driven by pulls from the consumer,
 * so a slow consumer stops the file reading (memory stays at about one chunk plus one batch).
 *
 * A byte range of the file can be read the same way when it starts at a record boundary (the
 * profiler reads parts of a large file on two threads, see parallel.ts): papaparse keeps no
 * state between chunks but the carried-over text, so records parsed from a boundary on are the
 * records the whole file has there.
 */
import Papa, { type ParseResult } from "papaparse";
import { type ByteRange, decodeUtf8File } from "./decode";
import { firstNewline } from "./sniff";
import type { CsvDialect } from "./types";

/** A record (usually: an unclosed quote) longer than this stops the reading. */
const MAX_RECORD_CHARS = 32 * 1024 * 1024;
/** An unfinished record longer than this is retried only once the text has doubled, so a
 * very long record is not re-parsed from its start on every chunk. */
const LONG_RECORD_CHARS = 1024 * 1024;

export type Newline = "\n" | "\r\n" | "\r";
export type StopReason = "invalid_utf8" | "overlong" | "unclosed_quote";

export interface RecordChunk {
  /** Complete records (the header is the first record of the file). */
  records: string[][];
  /** The parsed text contained the quote character, so fields may span lines. */
  quoted: boolean;
  newline: Newline;
  /** Set on the last chunk when reading stops inside a record (`partial`: its text so far). */
  stop?: { reason: StopReason; partial: string };
  /** The chunk ends at byte offset `at`, one of the range's marks; `clean` when no record is
   * unfinished there (the next record starts at `at`). */
  mark?: { at: number; clean: boolean };
  /** Set on the last chunk of a range that ends before the end of the file: the text of the
   * unfinished record at the range's end ("" when the range ends at a record boundary). */
  rest?: string;
}

export interface CsvRange extends ByteRange {
  /** The file's line break; needed when the range starts past 0 (the file's first record
   * decides it). */
  newline?: Newline;
}

/** Streams the file's records in chunks with papaparse, the same configuration for every use. */
export async function* csvRecordChunks(
  path: string,
  dialect: CsvDialect,
  signal?: AbortSignal,
  range: CsvRange = {},
): AsyncGenerator<RecordChunk> {
  const { delimiter, quote } = dialect;
  const toEof = range.end === undefined;
  const newParser = (nl: Newline) => new Papa.Parser({ delimiter, quoteChar: quote, newline: nl, skipEmptyLines: false });
  let partial = "";
  let newline: Newline = range.newline ?? "\n";
  let parser: Papa.Parser | undefined = range.newline === undefined ? undefined : newParser(newline);
  let unfinished = 0; // length of the unfinished record after the last parse
  for await (const piece of decodeUtf8File(path, signal, 64 * 1024, range)) {
    const text = partial + piece.text;
    const complete = piece.final && !piece.invalidUtf8;
    const atEnd = complete && toEof;
    if (!piece.final && unfinished > LONG_RECORD_CHARS && text.length < 2 * unfinished) {
      partial = text;
      if (piece.atMark !== undefined) yield { records: [], quoted: false, newline, mark: { at: piece.atMark, clean: false } };
      continue;
    }
    if (parser === undefined) {
      const found = firstNewline(text, delimiter, quote, atEnd);
      if (found !== null) {
        newline = found;
        parser = newParser(newline);
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
    if (complete && !toEof) {
      yield { records, quoted, newline, rest: partial };
      return;
    }
    if (piece.atMark !== undefined) {
      yield { records, quoted, newline, mark: { at: piece.atMark, clean: parser !== undefined && partial === "" } };
    } else yield { records, quoted, newline };
  }
}
