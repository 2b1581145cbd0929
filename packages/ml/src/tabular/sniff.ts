/**
 * Byte- and text-level helpers shared by the readers: reading a file's head, streaming a file
 * through a fatal UTF-8 decoder (locating the first invalid byte), column-name checks, and the
 * CSV dialect sniffer (delimiter, quote, BOM).
 */
import { open } from "node:fs/promises";
import Papa, { type ParseResult } from "papaparse";
import { type CsvDialect } from "./types";
import { TabularInputError } from "./errors";

export const HEAD_BYTES = 64 * 1024;
export const MAX_COLUMNS = 2000;
/** Rows per batch yielded by every reader's `batches()` (the last batch may be shorter). */
export const BATCH_ROWS = 4096;
const BOM = [0xef, 0xbb, 0xbf];

/** The first `bytes` bytes of the file and its size. */
export async function readHead(path: string, bytes = HEAD_BYTES): Promise<{ head: Uint8Array; size: number }> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(Math.min(bytes, size));
    let filled = 0;
    while (filled < head.length) {
      const { bytesRead } = await fh.read(head, filled, head.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { head: head.subarray(0, filled), size };
  } finally {
    await fh.close();
  }
}

export function startsWithBom(bytes: Uint8Array): boolean {
  return BOM.every((b, i) => bytes[i] === b);
}

export { decodeUtf8File, type TextPiece } from "./decode";

/** "2 and 5", "2, 5 and 9". */
export function joinAnd(items: readonly (string | number)[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${String(items[items.length - 1])}`;
}

/** Throws `too_many_columns` or `bad_column_names` (empty or duplicate names). */
export function validateColumnNames(names: readonly string[], where = "the header row"): void {
  if (names.length > MAX_COLUMNS) {
    throw new TabularInputError(
      "too_many_columns",
      `The file has ${names.length.toLocaleString("en-US")} columns; Keel reads at most ${MAX_COLUMNS.toLocaleString("en-US")}. Split the file or drop columns.`,
    );
  }
  const problems: string[] = [];
  const seen = new Map<string, number[]>();
  names.forEach((name, i) => {
    if (name.trim() === "") problems.push(`column ${i + 1} has no name`);
    else seen.set(name, [...(seen.get(name) ?? []), i + 1]);
  });
  for (const [name, cols] of seen) {
    if (cols.length > 1) problems.push(`'${name}' appears in columns ${joinAnd(cols)}`);
  }
  if (problems.length > 0) {
    const text = problems.slice(0, 10).join("; ");
    throw new TabularInputError(
      "bad_column_names",
      `${text.charAt(0).toUpperCase()}${text.slice(1)}. Give every column a unique, non-empty name in ${where}.`,
    );
  }
}

/** The line break of the first record: the first CR/LF outside a quoted field (a quote opens a
 * field only at its start, after a delimiter or a line break). `null` if none is seen yet. */
export function firstNewline(text: string, delimiters: string, quote: string, final: boolean): "\n" | "\r\n" | "\r" | null {
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === quote && atFieldStart) {
      const close = findClosingQuote(text, i + 1, quote);
      if (close < 0) return final ? "\n" : null; // an unclosed quote runs to the end
      i = close;
      atFieldStart = false;
    } else if (c === "\n") {
      return "\n";
    } else if (c === "\r") {
      if (i + 1 < text.length) return text[i + 1] === "\n" ? "\r\n" : "\r";
      return final ? "\r" : null;
    } else {
      atFieldStart = c !== undefined && delimiters.includes(c);
    }
  }
  return final ? "\n" : null;
}

function findClosingQuote(text: string, from: number, quote: string): number {
  let i = text.indexOf(quote, from);
  while (i >= 0 && text[i + 1] === quote) i = text.indexOf(quote, i + 2);
  return i;
}

const DELIMITERS = [",", "\t", ";", "|"];
/** Punctuation that separates columns in some files but that Keel does not accept. */
const UNSUPPORTED_DELIMITERS = ":#^~!@$%&*+=/\\`?";

export function isBlankRecord(record: readonly string[]): boolean {
  return record.length === 1 && (record[0] ?? "").trim() === "";
}

interface Candidate {
  delimiter: string;
  quote: string;
  key: number[];
}

/**
 * Decides the CSV dialect from the head of a file: the delimiter (among `,` tab `;` `|`) and
 * quote (`"` or `'`) whose parse of the sample lines gives the most consistent field count
 * above one. Throws `empty_file`, or `unknown_delimiter` when the lines are instead consistently
 * split by another punctuation character.
 */
export function sniffCsv(head: Uint8Array, atEof: boolean, forced: { delimiter?: string; quote?: string } = {}): CsvDialect {
  const bom = startsWithBom(head);
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(head.subarray(bom ? 3 : 0), { stream: !atEof });
  if (atEof && text.trim() === "") throw new TabularInputError("empty_file", "The file is empty.");
  for (const [what, value] of [["delimiter", forced.delimiter], ["quote", forced.quote]] as const) {
    if (value !== undefined && (value.length !== 1 || "\r\n\uFEFF".includes(value) || forced.delimiter === forced.quote)) {
      throw new TabularInputError("unknown_delimiter", `Keel cannot use ${JSON.stringify(value)} as the CSV ${what}: give one character.`);
    }
  }
  const delimiters = forced.delimiter !== undefined ? [forced.delimiter] : DELIMITERS;
  const quotes = forced.quote !== undefined ? [forced.quote] : text.includes("'") ? ['"', "'"] : ['"'];
  let best: Candidate | undefined;
  for (const quote of quotes) {
    for (const [order, delimiter] of delimiters.entries()) {
      if (delimiter === quote) continue;
      const records = sampleRecords(text, delimiter, quote, atEof);
      const key = [...consistency(records), quoteEvidence(text, delimiter, quote, atEof), -order, quote === '"' ? 1 : 0];
      if (best === undefined || compareKeys(key, best.key) > 0) best = { delimiter, quote, key };
    }
  }
  const quote = best?.quote ?? forced.quote ?? '"';
  if (best !== undefined && (best.key[0] ?? 0) > 0) return { delimiter: best.delimiter, quote, bom };
  if (forced.delimiter === undefined) rejectUnsupportedDelimiter(text, atEof);
  return { delimiter: forced.delimiter ?? ",", quote, bom };
}

function sampleRecords(text: string, delimiter: string, quote: string, atEof: boolean): string[][] {
  const newline = firstNewline(text, delimiter, quote, true) ?? "\n";
  const parse = (ignoreLastRow: boolean): string[][] => {
    const result = new Papa.Parser({ delimiter, quoteChar: quote, newline }).parse(text, 0, ignoreLastRow) as ParseResult<string[]>;
    return result.data;
  };
  let records = parse(!atEof);
  if (records.length === 0) records = parse(false); // a first line longer than the sample
  return records.filter((r) => !isBlankRecord(r));
}

/** [field count above one, share of records with the modal count, modal count]. */
function consistency(records: string[][]): number[] {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let modal = 0;
  let freq = 0;
  for (const [n, f] of counts) {
    if (f > freq || (f === freq && n > modal)) [modal, freq] = [n, f];
  }
  return [modal > 1 ? 1 : 0, records.length > 0 ? freq / records.length : 0, modal];
}

/** How many raw fields are wrapped in this quote character. */
function quoteEvidence(text: string, delimiter: string, quote: string, atEof: boolean): number {
  const raw = new Papa.Parser({ delimiter, quoteChar: "\u0000", newline: "\n" }).parse(text, 0, !atEof) as ParseResult<string[]>;
  let n = 0;
  for (const record of raw.data) {
    for (const field of record) {
      const f = field.trim();
      if (f.length >= 2 && f.startsWith(quote) && f.endsWith(quote)) n++;
    }
  }
  return n;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function rejectUnsupportedDelimiter(text: string, atEof: boolean): void {
  const lines = text.split("\n");
  if (!atEof) lines.pop();
  const sample = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)).filter((l) => l.trim() !== "");
  if (sample.length < 2) return;
  for (const c of UNSUPPORTED_DELIMITERS) {
    const count = (line: string): number => line.split(c).length - 1;
    const n = count(sample[0] ?? "");
    if (n >= 1 && sample.every((line) => count(line) === n)) {
      throw new TabularInputError(
        "unknown_delimiter",
        `The values seem to be separated by '${c}', which Keel does not support. Save the file with commas, semicolons, tabs or pipes (|) between values.`,
      );
    }
  }
}

/** `invalid_utf8` for the row (0 = the header row) whose text is cut by a non-UTF-8 byte. */
export function invalidUtf8Error(row: number, line: number): TabularInputError {
  const where = row === 0 ? `The header row (line ${line})` : `Row ${row} (line ${line})`;
  return new TabularInputError(
    "invalid_utf8",
    `${where} contains bytes that are not valid UTF-8 (for example Latin-1 or Windows-1252 accented letters). Save the file with UTF-8 encoding (in Excel: "CSV UTF-8") and upload it again.`,
    row === 0 ? [] : [row],
  );
}
