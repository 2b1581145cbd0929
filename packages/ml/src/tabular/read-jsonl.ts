/**
 * Streaming JSON Lines reader. Each non-blank line must hold one JSON object; the columns are
 * the union of the keys in order of first appearance, learnt by `openJsonl` in a first
 * streaming pass over the whole file (which therefore also reports bad lines and invalid UTF-8
 * before any profiling starts). Absent keys read as `null`; nested objects and arrays as their
 * JSON text.
 */
import { BATCH_ROWS, MAX_COLUMNS, decodeUtf8File, invalidUtf8Error, validateColumnNames } from "./sniff";
import { abortable } from "./rows";
import { type Cell, type RowBatch, type TabularSource } from "./types";
import { TabularInputError } from "./errors";

const MAX_REPORTED = 10;
const MAX_LINE_CHARS = 64 * 1024 * 1024;

type JsonObject = Record<string, unknown>;

interface BadLine {
  row: number;
  line: number;
  reason: string;
}

/** Streams the parsed objects, a chunk of lines at a time. Rows are the non-blank lines
 * (1-based); `firstRow` is the row of `objects[0]`. */
async function* jsonlObjects(path: string, signal?: AbortSignal): AsyncGenerator<{ objects: JsonObject[]; firstRow: number }> {
  let partial = "";
  let line = 0; // lines read so far
  let row = 0; // non-blank lines read so far
  const bad: BadLine[] = [];
  for await (const piece of decodeUtf8File(path, signal)) {
    let lines: string[] = [];
    if (piece.text.includes("\n")) {
      lines = piece.text.split("\n");
      lines[0] = partial + (lines[0] ?? "");
      partial = lines.pop() ?? "";
    } else {
      partial += piece.text;
    }
    if (piece.final && !piece.invalidUtf8 && partial !== "") lines.push(partial);
    const objects: JsonObject[] = [];
    const firstRow = row + 1;
    for (const text of lines) {
      line++;
      if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === "")) continue;
      row++;
      const parsed = parseObject(text);
      if (typeof parsed === "string") {
        bad.push({ row, line, reason: parsed });
        if (bad.length >= MAX_REPORTED) throw invalidJsonError(bad, true);
      } else if (bad.length === 0) {
        objects.push(parsed);
      }
    }
    if (objects.length > 0) yield { objects, firstRow };
    if (piece.invalidUtf8) {
      if (bad.length > 0) break;
      throw invalidUtf8Error(row + 1, line + 1);
    }
    if (partial.length > MAX_LINE_CHARS) {
      throw new TabularInputError(
        "unsupported_value",
        `Line ${line + 1} is longer than 64 MiB. Put one JSON object per line, each line ending with a line break.`,
      );
    }
  }
  if (bad.length > 0) throw invalidJsonError(bad, false);
}

/** The object, or why the line is not one. */
function parseObject(text: string): JsonObject | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as JsonObject;
  return `${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}, not an object`;
}

function invalidJsonError(bad: BadLine[], stoppedEarly: boolean): TabularInputError {
  const first = bad[0] ?? { row: 0, line: 0, reason: "" };
  const rows = bad.map((b) => b.row);
  const subject = rows.length > 1 ? `Rows ${rows.join(", ")} are not JSON objects` : `Row ${first.row} is not a JSON object`;
  return new TabularInputError(
    "invalid_json",
    `${subject}: row ${first.row} (line ${first.line}) is ${first.reason}.` +
      (stoppedEarly ? ` Reading stopped after the first ${MAX_REPORTED} such rows.` : "") +
      ` Each non-blank line must hold one JSON object, such as {"name": "Ada", "age": 36}.`,
    rows,
  );
}

export async function openJsonl(path: string): Promise<TabularSource> {
  const keys = new Map<string, number>();
  let rows = 0;
  for await (const { objects } of jsonlObjects(path)) {
    rows += objects.length;
    for (const object of objects) {
      for (const key of Object.keys(object)) {
        if (keys.has(key)) continue;
        keys.set(key, keys.size);
        if (keys.size > MAX_COLUMNS) {
          throw new TabularInputError(
            "too_many_columns",
            `The file has more than ${MAX_COLUMNS.toLocaleString("en-US")} distinct keys; Keel reads at most ${MAX_COLUMNS.toLocaleString("en-US")} columns.`,
          );
        }
      }
    }
  }
  if (rows === 0) throw new TabularInputError("empty_file", "The file is empty.");
  if (keys.size === 0) {
    throw new TabularInputError("bad_column_names", "Every line is an empty object {}, so the file has no columns.");
  }
  const columns = [...keys.keys()];
  validateColumnNames(columns, "the JSON keys");
  return { format: "jsonl", columns, batches: (options) => abortable(jsonlBatches(path, keys, options?.signal), options?.signal) };
}

async function* jsonlBatches(path: string, keys: Map<string, number>, signal?: AbortSignal): AsyncGenerator<RowBatch> {
  let rows: Cell[][] = [];
  let firstRow = 1;
  for await (const chunk of jsonlObjects(path, signal)) {
    const { objects } = chunk;
    for (let i = 0; i < objects.length; i++) {
      if (rows.length === 0) firstRow = chunk.firstRow + i;
      rows.push(toRow(objects[i] ?? {}, keys));
      if (rows.length >= BATCH_ROWS) {
        yield { firstRow, rows };
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield { firstRow, rows };
}

function toRow(object: JsonObject, keys: Map<string, number>): Cell[] {
  const row = new Array<Cell>(keys.size).fill(null);
  for (const key of Object.keys(object)) {
    const i = keys.get(key);
    if (i === undefined) throw new Error(`The file changed while it was being read (new key '${key}').`);
    row[i] = toCell(object[key]);
  }
  return row;
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}
