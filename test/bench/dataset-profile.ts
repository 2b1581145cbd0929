/**
 * Benchmark `dataset-profile`: a generated CSV of 1,000,000 rows × 20 columns (10 floats, 5
 * integers, 5 categoricals) is uploaded through Keel's upload service (staged and hashed into
 * the artifact store, parsed, profiled, quality-checked, its version row written to an embedded
 * PGlite) and, in a separate process, parsed bare by the same parser with the same settings.
 *
 * Reports seconds, rows/s, peak RSS of each process, and the ratio upload-and-profile / bare
 * parse. Goals (issue 3): under 15 s, RSS under 600 MB, ratio under 2. Figures, never pass/fail.
 *
 *   npm run bench                       (every benchmark)
 *   npm run bench -w @keel/test -- dataset-profile --rows 200000
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "@keel/ml/testing";
import { benchDatabaseUrl } from "./host";

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Measurement {
  seconds: number;
  rows: number;
  peakRssMb: number;
  /** RSS just before the measured work started (runtime, database). */
  baselineRssMb: number;
  database: string;
}


const CATEGORIES = [
  ["north", "south", "east", "west"],
  ["bronze", "silver", "gold", "platinum", "diamond"],
  ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"],
  ["yes", "no"],
  ["retail", "wholesale", "online", "partner", "internal", "other"],
];

export async function generateCsv(file: string, rows: number): Promise<void> {
  const rand = seededRandom(42);
  const out = createWriteStream(file);
  const header = [
    ...Array.from({ length: 10 }, (_, i) => `f${i}`),
    ...Array.from({ length: 5 }, (_, i) => `n${i}`),
    ...Array.from({ length: 5 }, (_, i) => `c${i}`),
  ];
  out.write(`${header.join(",")}\n`);
  let buf = "";
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let i = 0; i < 10; i++) cells.push(((rand() - 0.5) * 10 ** (i % 4)).toFixed(6));
    for (let i = 0; i < 5; i++) cells.push(String(Math.floor(rand() * 10 ** (i + 1))));
    for (const cats of CATEGORIES) cells.push(cats[Math.floor(rand() * cats.length)] ?? "");
    buf += `${cells.join(",")}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Runs one measurement in a child process, so each peak RSS is its own. */
function measure(mode: "bare" | "profile", file: string): Measurement {
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(HERE, "dataset-profile-child.ts"), mode, file], {
    encoding: "utf8",
    env: { ...process.env, KEEL_TEST_DATABASE_URL: benchDatabaseUrl() },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${mode} run failed (exit ${child.status ?? "?"})`);
  const last = child.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as Measurement;
}


export async function datasetProfileBench(options: { rows?: number } = {}): Promise<Record<string, number | string>> {
  const rows = options.rows ?? 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), "keel-bench-profile-"));
  try {
    const file = path.join(dir, "bench.csv");
    await generateCsv(file, rows);
    const bare = measure("bare", file);
    const profile = measure("profile", file);
    if (bare.rows !== rows || profile.rows !== rows) throw new Error(`row counts differ: bare ${bare.rows}, profile ${profile.rows}, expected ${rows}`);
    return {
      benchmark: "dataset-profile",
      rows,
      columns: 20,
      fileMb: Math.round(statSync(file).size / 1e5) / 10,
      seconds: round(profile.seconds),
      rowsPerSecond: Math.round(rows / profile.seconds),
      peakRssMb: profile.peakRssMb,
      baselineRssMb: profile.baselineRssMb,
      database: profile.database,
      bareParseSeconds: round(bare.seconds),
      bareParsePeakRssMb: bare.peakRssMb,
      ratioToBareParse: round(profile.seconds / bare.seconds),
      goals: "seconds < 15, peakRssMb < 600, ratioToBareParse < 2",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
