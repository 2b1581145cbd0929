/**
 * Measures profileSource on 1,000,000 rows × 20 string cells (10 numeric columns: integers and
 * 4-decimal floats; 10 categorical: 8 words):
 *   1. from an in-memory source (the rows papaparse produced): the profiler's own cost per cell;
 *   2. end to end on the same data written as a CSV file, through openTabular, against a bare
 *      papaparse parse of the file's text (Papa.parse of the whole text) and against the
 *      reader's own streamed bare parse (countRowsBare, what test/bench/dataset-profile.ts
 *      compares with).
 * Best of three runs in one process (other processes on the machine skew single runs).
 * Not part of the test suite:
 *
 *   cd packages/ml && npx tsx scripts/bench-profile.ts [rows]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { openTabular } from "../src/tabular/open";
import { countRowsBare } from "../src/tabular/read-csv";
import { profileSource } from "../src/tabular/profile";
import { memorySource } from "../src/tabular/testing";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const COLS = 20;
const WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];

let seed = 42;
function rnd(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

const columns = Array.from({ length: COLS }, (_, c) => (c % 2 ? `cat${c}` : `num${c}`));
const lines = [columns.join(",")];
for (let r = 0; r < ROWS; r++) {
  const row: string[] = [];
  for (let c = 0; c < COLS; c++) {
    if (c % 2) row.push(WORDS[Math.floor(rnd() * WORDS.length)] ?? "");
    else if (c % 4 === 0) row.push(String(Math.floor(rnd() * 100_000)));
    else row.push((rnd() * 1000 - 500).toFixed(4));
  }
  lines.push(row.join(","));
}
const dir = mkdtempSync(join(tmpdir(), "keel-bench-"));
const file = join(dir, "bench.csv");
writeFileSync(file, lines.join("\n") + "\n");
lines.length = 0;

async function main(): Promise<void> {
  const cells = ROWS * COLS;
  const us = (ms: number) => `${((ms * 1000) / cells).toFixed(3)} µs/cell`;
  const best = { parse: Infinity, memory: Infinity, bare: Infinity, read: Infinity, file: Infinity };
  for (let rep = 0; rep < 3; rep++) {
    let t = performance.now();
    const parsed = Papa.parse<string[]>(readFileSync(file, "utf8"), {});
    const parseMs = performance.now() - t;
    const source = memorySource(columns, parsed.data.slice(1, ROWS + 1), { batchSize: 4096 });
    t = performance.now();
    await profileSource(source);
    const memoryMs = performance.now() - t;
    parsed.data.length = 0;

    const csv = await openTabular(file, { format: "csv" });
    if (csv.dialect === undefined) throw new Error("no CSV dialect");
    t = performance.now();
    await countRowsBare(file, csv.dialect);
    const bareMs = performance.now() - t;
    t = performance.now();
    let n = 0;
    for await (const batch of csv.batches()) n += batch.rows.length;
    const readMs = performance.now() - t;
    t = performance.now();
    const result = await profileSource(csv);
    const fileMs = performance.now() - t;
    console.log(
      `Papa.parse ${parseMs.toFixed(0)} ms | in-memory profile ${memoryMs.toFixed(0)} ms (${us(memoryMs)}) | ` +
        `countRowsBare ${bareMs.toFixed(0)} ms | openTabular read ${readMs.toFixed(0)} ms (${n} rows) | ` +
        `read + profile ${fileMs.toFixed(0)} ms | ${result.schema.map((s) => s.type[0]).join("")}`,
    );
    best.parse = Math.min(best.parse, parseMs);
    best.memory = Math.min(best.memory, memoryMs);
    best.read = Math.min(best.read, readMs);
    best.bare = Math.min(best.bare, bareMs);
    best.file = Math.min(best.file, fileMs);
  }
  console.log(
    `best of 3: in-memory profile ${us(best.memory)}; profile on top of the reader ${us(best.file - best.read)}; ` +
      `read + profile = ${(best.file / best.parse).toFixed(2)}× Papa.parse of the text, ` +
      `${(best.file / best.bare).toFixed(2)}× countRowsBare (the reader alone: ${(best.read / best.bare).toFixed(2)}×)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
