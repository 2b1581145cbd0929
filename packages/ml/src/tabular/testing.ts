/**
 * In-memory TabularSources for tests and benchmarks (no files, no dialect sniffing): rows or
 * columns given as arrays, CSV text parsed with papaparse in one go, JSON Lines text.
 */
import { mulberry32 } from "../random";
import Papa from "papaparse";
import type { Cell, ColumnType, RowBatch, TabularFormat, TabularSource } from "./types";

export interface MemorySourceOptions {
  format?: TabularFormat;
  /** Rows per batch (default 1000). */
  batchSize?: number;
  declaredTypes?: (ColumnType | null)[];
}

/** A source over `rows` (each with `columns.length` cells), streamed in batches. */
export function memorySource(columns: string[], rows: Cell[][], options: MemorySourceOptions = {}): TabularSource {
  const size = Math.max(1, options.batchSize ?? 1000);
  for (const [i, row] of rows.entries()) {
    if (row.length !== columns.length) throw new Error(`row ${i + 1} has ${row.length} cells, expected ${columns.length}`);
  }
  return {
    format: options.format ?? "csv",
    columns,
    ...(options.declaredTypes ? { declaredTypes: options.declaredTypes } : {}),
    async *batches(opts?: { signal?: AbortSignal }): AsyncIterable<RowBatch> {
      for (let start = 0; start < rows.length; start += size) {
        opts?.signal?.throwIfAborted();
        yield { firstRow: start + 1, rows: rows.slice(start, start + size) };
      }
    },
  };
}

/** A source from named columns of equal length: `columnSource({ a: [1, 2], b: ["x", null] })`. */
export function columnSource(data: Record<string, Cell[]>, options: MemorySourceOptions = {}): TabularSource {
  const columns = Object.keys(data);
  const length = Math.max(0, ...columns.map((c) => data[c]?.length ?? 0));
  const rows: Cell[][] = [];
  for (let r = 0; r < length; r++) rows.push(columns.map((c) => data[c]?.[r] ?? null));
  return memorySource(columns, rows, options);
}

/** CSV text (header row first) parsed with papaparse; every cell stays a string. */
export function csvTextSource(text: string, options: MemorySourceOptions = {}): TabularSource {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (header === undefined) throw new Error("the CSV text has no header row");
  return memorySource(header, rows, { ...options, format: "csv" });
}

/** JSON Lines text: columns are the keys in order of first appearance; absent keys are null. */
export function jsonlTextSource(text: string, options: MemorySourceOptions = {}): TabularSource {
  const objects = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, Cell>);
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const rows = objects.map((o) => columns.map((c) => o[c] ?? null));
  return memorySource(columns, rows, { ...options, format: "jsonl" });
}

/** A small seeded PRNG (mulberry32) for reproducible test and benchmark data: floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}
