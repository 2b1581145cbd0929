import { type FileHandle, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTabular } from "./open";
import { readRowRange } from "./rows";
import type { TabularFormat, TabularSource } from "./types";

let dir = "";
let seq = 0;
let fileProto: FileHandle;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-rows-"));
  await writeFile(join(dir, "probe"), "x");
  const probe = await open(join(dir, "probe"), "r");
  fileProto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const N = 10_000;

async function source(format: TabularFormat, content: string | Uint8Array): Promise<TabularSource> {
  const path = join(dir, `f${++seq}.${format}`);
  await writeFile(path, content);
  return openTabular(path, { format });
}

function csvText(rows = N, ragged?: number): string {
  const lines = ["i,label"];
  for (let i = 0; i < rows; i++) lines.push(i + 1 === ragged ? `${i}` : `${i},row ${i}`);
  return lines.join("\n") + "\n";
}

const jsonlText = (): string => Array.from({ length: N }, (_, i) => JSON.stringify({ i, label: `row ${i}` })).join("\n");

function parquetBytes(): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "i", data: Int32Array.from({ length: N }, (_, i) => i), type: "INT32" },
      { name: "label", data: Array.from({ length: N }, (_, i) => `row ${i}`), type: "STRING" },
    ],
    rowGroupSize: 1000,
  });
  return new Uint8Array(buffer);
}

/** Bytes read from files while `run` runs. */
async function bytesRead(run: () => Promise<unknown>): Promise<number> {
  let total = 0;
  const original = fileProto.read;
  async function counting(this: FileHandle, ...args: unknown[]): Promise<{ bytesRead: number }> {
    const result = (await Reflect.apply(original, this, args)) as { bytesRead: number };
    total += result.bytesRead;
    return result;
  }
  const spy = vi.spyOn(fileProto, "read").mockImplementation(counting as unknown as FileHandle["read"]);
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return total;
}

describe("readRowRange", () => {
  it.each([
    ["csv", (i: number) => [String(i), `row ${i}`]],
    ["jsonl", (i: number) => [i, `row ${i}`]],
    ["parquet", (i: number) => [i, `row ${i}`]],
  ] as const)("pages through a %s file", async (format, row) => {
    const content = format === "csv" ? csvText() : format === "jsonl" ? jsonlText() : parquetBytes();
    const src = await source(format, content);
    const expected = (from: number, to: number): unknown[][] => Array.from({ length: to - from }, (_, k) => row(from + k));
    expect(await readRowRange(src, 0, 3)).toEqual(expected(0, 3));
    expect(await readRowRange(src, 4090, 10)).toEqual(expected(4090, 4100)); // across batches
    expect(await readRowRange(src, 2995, 10)).toEqual(expected(2995, 3005)); // across row groups
    expect(await readRowRange(src, N - 5, 10)).toEqual(expected(N - 5, N));
    expect(await readRowRange(src, N + 1, 10)).toEqual([]);
    expect(await readRowRange(src, 5, 0)).toEqual([]);
  });

  it("stops streaming once the range is read", async () => {
    const csv = await source("csv", csvText(200_000));
    const size = Buffer.byteLength(csvText(200_000));
    const read = await bytesRead(() => readRowRange(csv, 10, 20));
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(size / 10);
  });

  it("reads only the Parquet row groups holding the range", async () => {
    const bytes = parquetBytes();
    const parquet = await source("parquet", bytes);
    let rows: unknown[][] = [];
    const read = await bytesRead(async () => {
      rows = await readRowRange(parquet, 7500, 5);
    });
    expect(rows).toEqual(Array.from({ length: 5 }, (_, k) => [7500 + k, `row ${7500 + k}`]));
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(bytes.length / 3);
  });

  it("previews rows before a ragged row further down the file", async () => {
    const csv = await source("csv", csvText(N, 9000));
    expect(await readRowRange(csv, 0, 2)).toEqual([
      ["0", "row 0"],
      ["1", "row 1"],
    ]);
    await expect(readRowRange(csv, 8990, 20)).rejects.toMatchObject({ problem: "ragged_rows", rows: [9000] });
  });

  it("rejects a negative or fractional offset or limit", async () => {
    const csv = await source("csv", csvText(10));
    await expect(readRowRange(csv, -1, 5)).rejects.toThrow(RangeError);
    await expect(readRowRange(csv, 0, 1.5)).rejects.toThrow(RangeError);
  });
});
