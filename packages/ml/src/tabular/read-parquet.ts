/**
 * Parquet reader (hyparquet + hyparquet-compressors). The file is read through an AsyncBuffer
 * of positional reads on a file handle, never loaded whole, one row group at a time (row groups
 * with an offset index are read in slices of SPLIT_ROWS rows, so even a huge row group stays
 * small in memory).
 */
import { type FileHandle, open } from "node:fs/promises";
import {
  type AsyncBuffer,
  type FileMetaData,
  type ParquetParsers,
  type SchemaElement,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { type RowRangeReader, abortable } from "./rows";
import { BATCH_ROWS, validateColumnNames } from "./sniff";
import { type Cell, type ColumnType, type RowBatch, type TabularSource } from "./types";
import { TabularInputError } from "./errors";

const SPLIT_ROWS = 65_536;
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** An AsyncBuffer over an open file: every slice is one positional read. */
function fileBuffer(fh: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const out = new Uint8Array(Math.max(0, Math.min(end, size) - start));
      let filled = 0;
      while (filled < out.length) {
        const { bytesRead } = await fh.read(out, filled, out.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return out.buffer;
    },
  };
}

async function withFile<T>(path: string, use: (file: AsyncBuffer) => Promise<T>): Promise<T> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    return await use(fileBuffer(fh, size));
  } finally {
    await fh.close();
  }
}

function notParquet(why: string): TabularInputError {
  return new TabularInputError(
    "not_parquet",
    `The file is not a Parquet file (${why}). Upload a .parquet file written by pandas, pyarrow, Spark or DuckDB, or choose the CSV or JSON Lines format.`,
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function openParquet(path: string): Promise<TabularSource & RowRangeReader> {
  const metadata = await withFile(path, async (file) => {
    if (file.byteLength === 0) throw new TabularInputError("empty_file", "The file is empty.");
    const ends = file.byteLength >= 12 ? [await file.slice(0, 4), await file.slice(file.byteLength - 4)] : [];
    const isMagic = (b: ArrayBuffer): boolean => MAGIC.every((m, i) => new Uint8Array(b)[i] === m);
    if (ends.length === 0 || !ends.every(isMagic)) throw notParquet('it does not start and end with the marker "PAR1"');
    try {
      return await parquetMetadataAsync(file);
    } catch (error) {
      throw notParquet(`its metadata cannot be read: ${message(error)}`);
    }
  });
  const schema = parquetSchema(metadata).children;
  const columns = schema.map((c) => c.element.name);
  validateColumnNames(columns, "the Parquet schema");
  const declaredTypes = schema.map((c) => declaredType(c.element, c.children.length > 0));
  const rowCount = Number(metadata.num_rows);
  if (rowCount === 0) throw new TabularInputError("header_only", "The Parquet file has columns but no rows.");
  return {
    format: "parquet",
    columns,
    declaredTypes,
    batches: (options) => abortable(parquetBatches(path, metadata, options?.signal), options?.signal),
    readRowRange: async (offset, limit) => {
      const end = Math.min(offset + limit, rowCount);
      if (end <= offset) return [];
      return withFile(path, async (file) => (await readRows(file, metadata, offset, end, true)).map(toRow));
    },
  };
}

/** INT32/INT64 → integer, FLOAT/DOUBLE/DECIMAL → numeric, BOOLEAN → boolean, DATE/TIMESTAMP →
 * datetime; strings, binary, nested and anything else → null (the profiler decides). */
function declaredType(el: SchemaElement, nested: boolean): ColumnType | null {
  if (nested || el.repetition_type === "REPEATED") return null;
  const logical = el.logical_type?.type;
  const converted = el.converted_type;
  if (logical === "DATE" || logical === "TIMESTAMP" || el.type === "INT96") return "datetime";
  if (converted === "DATE" || converted === "TIMESTAMP_MILLIS" || converted === "TIMESTAMP_MICROS") return "datetime";
  if (logical === "DECIMAL" || converted === "DECIMAL" || logical === "FLOAT16") return "numeric";
  switch (el.type) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
    case "INT64": {
      const plain = (logical === undefined || logical === "INTEGER") && (converted === undefined || /^U?INT_/.test(converted));
      return plain ? "integer" : null;
    }
    case "FLOAT":
    case "DOUBLE":
      return "numeric";
    default:
      return null;
  }
}

/** Row slices to read: whole row groups, or SPLIT_ROWS slices of row groups whose column
 * chunks all have an offset index (so a slice reads only its pages). */
function plan(metadata: FileMetaData): { start: number; end: number; paged: boolean }[] {
  const slices: { start: number; end: number; paged: boolean }[] = [];
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const paged = end - start > 2 * SPLIT_ROWS && group.columns.every((c) => c.offset_index_offset !== undefined);
    for (let s = start; s < end; s += paged ? SPLIT_ROWS : end - start) {
      slices.push({ start: s, end: paged ? Math.min(end, s + SPLIT_ROWS) : end, paged });
    }
    start = end;
  }
  return slices;
}

async function* parquetBatches(path: string, metadata: FileMetaData, signal?: AbortSignal): AsyncGenerator<RowBatch> {
  signal?.throwIfAborted();
  const fh = await open(path, "r");
  try {
    const file = fileBuffer(fh, (await fh.stat()).size);
    for (const { start, end, paged } of plan(metadata)) {
      signal?.throwIfAborted();
      const rows = await readRows(file, metadata, start, end, paged);
      for (let i = 0; i < rows.length; i += BATCH_ROWS) {
        yield { firstRow: start + i + 1, rows: rows.slice(i, i + BATCH_ROWS).map(toRow) };
      }
    }
  } finally {
    await fh.close();
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Text when the bytes are UTF-8, else base64. */
function textOrBase64(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  }
}

const PARSERS: Partial<ParquetParsers> = { stringFromBytes: textOrBase64, jsonFromBytes: textOrBase64 };

async function readRows(file: AsyncBuffer, metadata: FileMetaData, start: number, end: number, paged: boolean): Promise<unknown[][]> {
  let rows: unknown[][] = [];
  try {
    await parquetRead({
      file,
      metadata,
      rowStart: start,
      rowEnd: end,
      compressors,
      parsers: PARSERS,
      useOffsetIndex: paged,
      rowFormat: "array",
      onComplete: (data: unknown[][]) => {
        rows = data;
      },
    });
  } catch (error) {
    if (!(error instanceof Error) || "code" in error || error instanceof TabularInputError) throw error;
    const what = `rows ${start + 1} to ${end}`;
    if (/not supported|unsupported/i.test(error.message)) {
      throw new TabularInputError(
        "unsupported_value",
        `The Parquet file uses a feature Keel cannot read in ${what} (${error.message}). Save it with standard column types and SNAPPY, GZIP, ZSTD, BROTLI or LZ4 compression.`,
      );
    }
    throw notParquet(`${what} cannot be decoded: ${error.message}; the file may be damaged or truncated`);
  }
  return rows;
}

function toRow(values: unknown[]): Cell[] {
  return values.map(parquetCell);
}

/** bigint → number when safe, else its decimal string; Date → ISO string; bytes → base64;
 * nested values → JSON text. */
export function parquetCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return bigintCell(value);
    case "object":
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      return JSON.stringify(value, jsonValue);
    default:
      return null;
  }
}

function bigintCell(value: bigint): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return bigintCell(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>);
  return value;
}
