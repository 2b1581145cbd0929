import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ColumnAccumulator, numericBudget } from "./accumulator";
import { numericStats } from "./finish";
import { openTabular } from "./open";
import { type ParallelOptions, readInParallel } from "./parallel";
import { profileSource } from "./profile";
import { QualityEvaluator } from "./quality";
import { profileSegment } from "./segment";
import type { QualityRule } from "./types";
import { profileWorker, type SegmentWorker } from "./workers";
import { seededRandom } from "./testing";

/**
 * Profiling a CSV file on two threads (parallel.ts) must give exactly the one-thread profile:
 * small parts (`partBytes`) put many part boundaries in small files, at awkward places. Most
 * tests use an in-process stand-in for the worker thread, which takes parts as soon as asked,
 * so that many parts are merged whatever the timing; one uses the real worker thread.
 */

const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/datasets/", import.meta.url));

const inProcess: SegmentWorker = {
  ready: Promise.resolve(true),
  loaded: true,
  segment: (task) => profileSegment(task),
  stats: (values, decimals) => Promise.resolve(numericStats(values, decimals, null, values.length)),
};
const SMALL: ParallelOptions = { minBytes: 0, partBytes: 2048, worker: inProcess };


/** Every kind of column, NA spellings, non-canonical and non-finite numbers, quoted fields with
 * delimiters and line breaks, and a numeric column that turns into text half way. */
function mixedCsv(rows: number, seed = 7): string {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const lines = ["id,int,float,odd,flag,day,cat,note,late,wide"];
  for (let r = 1; r <= rows; r++) {
    const na = rand() < 0.03;
    lines.push(
      [
        r,
        na ? pick(["", "NA", "null"]) : Math.floor(rand() * 1000) - 500,
        na ? "NaN" : ((rand() - 0.5) * 100).toFixed(1 + Math.floor(rand() * 4)),
        pick(["1.50", "1e3", "-0", "007", "inf", "2.25", "+4", ".5"]),
        pick(["true", "False", "TRUE", "false", ""]),
        `2024-${String(1 + Math.floor(rand() * 12)).padStart(2, "0")}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`,
        pick(["north", "south", "east", "west", "N/A"]),
        rand() < 0.05 ? `"line one\nline ""two"", more"` : pick(["plain", '"a, b"', "x y"]),
        r < rows / 2 ? String(r % 97) : pick(["12", "word", "13"]),
        `w${Math.floor(rand() * 5000)}`,
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-parallel-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csvFile(name: string, text: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function bothWays(path: string, rules: QualityRule[] = [], parallel = SMALL): Promise<[unknown, unknown]> {
  const source = await openTabular(path, { format: "csv" });
  const alone = await profileSource(source, { rules, parallel: false }).catch((e: unknown) => e);
  const split = await profileSource(source, { rules, parallel }).catch((e: unknown) => e);
  return [alone, split];
}

/** How many of the file's rows the worker profiled and the main thread merged (-1: the file
 * was not read on two threads). */
async function mergedRows(path: string, rules: QualityRule[] = [], parallel = SMALL): Promise<number> {
  const source = await openTabular(path, { format: "csv" });
  const columns = source.columns.map((name) => new ColumnAccumulator(name, numericBudget()));
  const quality = new QualityEvaluator(rules, source.columns);
  const result = await readInParallel(source, columns, quality, rules, parallel);
  return result?.merged ?? -1;
}

describe("profiling on two threads", () => {
  it("gives the one-thread profile with the worker thread", async () => {
    expect(await profileWorker()?.ready).toBe(true);
    // Over 65,536 rows: numeric columns are also finished on the worker.
    const path = await csvFile("threads.csv", mixedCsv(70_000, 1));
    const threads: ParallelOptions = { minBytes: 0, partBytes: 64 * 1024 };
    const [alone, split] = await bothWays(path, [], threads);
    expect(split).toEqual(alone);
    expect(await mergedRows(path, [], threads)).toBeGreaterThan(0);
  });

  it("computes a column's statistics on the worker exactly as here", async () => {
    const worker = profileWorker();
    expect(await worker?.ready).toBe(true);
    const rand = seededRandom(5);
    for (const [decimals, make] of [
      [0, () => Math.floor(rand() * 1000)],
      [3, () => Math.round((rand() - 0.5) * 1e6) / 1000],
      [Infinity, () => (rand() - 0.5) * 1e300],
    ] as const) {
      const values = Float64Array.from({ length: 100_000 }, make);
      const here = numericStats(values.slice(), decimals, null, values.length);
      expect(await worker?.stats(values.slice(), decimals)).toEqual(here);
    }
  });

  it("gives the one-thread profile of a file with every kind of column", async () => {
    const path = await csvFile("mixed.csv", mixedCsv(6000));
    const rules: QualityRule[] = [
      { id: "n", kind: "not_null", column: "int", severity: "warn" },
      { id: "r", kind: "range", column: "float", min: -40, max: 40, severity: "fail" },
      { id: "a", kind: "allowed_values", column: "cat", values: ["north", "south"], severity: "warn" },
      { id: "x", kind: "regex", column: "wide", pattern: "w1\\d*", severity: "warn" },
      { id: "m", kind: "min_rows", min: 10, severity: "fail" },
    ];
    const [alone, split] = await bothWays(path, rules);
    expect(split).toEqual(alone);
    expect(await mergedRows(path, rules)).toBeGreaterThan(200);
  });

  it("gives the one-thread profile of the committed fixtures", async () => {
    for (const name of ["breast-cancer.csv", "mixed.csv"]) {
      const path = await csvFile(name, readFileSync(`${FIXTURES}${name}`));
      const [alone, split] = await bothWays(path);
      expect(split, name).toEqual(alone);
    }
  });

  it("handles CRLF line breaks, a BOM and blank lines at the end", async () => {
    const text = `\uFEFF${mixedCsv(3000, 11).replaceAll("\n", "\r\n")}\r\n\r\n`;
    const path = await csvFile("crlf.csv", text);
    const [alone, split] = await bothWays(path);
    expect(split).toEqual(alone);
    expect(await mergedRows(path)).toBeGreaterThan(0);
  });

  it("reads on in order where a part starts inside a quoted field", async () => {
    // Every record spans three lines, so most part boundaries fall inside a record.
    const rand = seededRandom(3);
    const rows = Array.from({ length: 4000 }, (_, i) => `${i},"a\nb\nc",${(rand() * 10).toFixed(2)}`);
    const path = await csvFile("quoted.csv", `id,text,x\n${rows.join("\n")}\n`);
    const [alone, split] = await bothWays(path);
    expect(split).toEqual(alone);
    expect(await mergedRows(path)).toBeGreaterThan(0);
  });

  it("reports a problem late in the file exactly as one thread does", async () => {
    const lines = mixedCsv(5000, 5).split("\n");
    lines[4200] = "1,2,3";
    const ragged = await csvFile("ragged.csv", lines.join("\n"));
    const [alone, split] = await bothWays(ragged);
    expect(alone).toBeInstanceOf(Error);
    expect(split).toEqual(alone);
    expect((split as Error).message).toBe((alone as Error).message);

    const bytes = new TextEncoder().encode(mixedCsv(5000, 6));
    const bad = new Uint8Array(bytes.length + 1);
    bad.set(bytes.subarray(0, bytes.length - 300));
    bad.set([0xff], bytes.length - 300);
    bad.set(bytes.subarray(bytes.length - 300), bytes.length - 299);
    const invalid = await csvFile("invalid.csv", bad);
    const [alone2, split2] = await bothWays(invalid);
    expect(alone2).toBeInstanceOf(Error);
    expect((split2 as Error).message).toBe((alone2 as Error).message);
  });

  it("stays on one thread for a unique rule, a small file or another format", async () => {
    const path = await csvFile("unique.csv", mixedCsv(2000, 9));
    const unique: QualityRule[] = [{ id: "u", kind: "unique", column: "id", severity: "fail" }];
    expect(await mergedRows(path, unique)).toBe(-1);
    const [alone, split] = await bothWays(path, unique);
    expect(split).toEqual(alone);
    const source = await openTabular(path, { format: "csv" });
    const columns = source.columns.map((name) => new ColumnAccumulator(name));
    expect(await readInParallel(source, columns, new QualityEvaluator([], source.columns), [], { worker: inProcess })).toBeNull();
    const parquet = await openTabular(`${FIXTURES}mixed.parquet`, { format: "parquet" });
    const more = parquet.columns.map((name) => new ColumnAccumulator(name));
    expect(await readInParallel(parquet, more, new QualityEvaluator([], parquet.columns), [], SMALL)).toBeNull();
  });
});
