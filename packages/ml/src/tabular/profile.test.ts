import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openTabular } from "./open";
import { ColumnAccumulator, finishColumn, numericBudget, profileSource, readAhead } from "./profile";
import { exactMoments, quantileSorted } from "./numeric";
import { sortFloat64 } from "./sort";
import { columnSource, csvTextSource, memorySource } from "./testing";
import { type Cell, type ColumnProfile, type DatasetProfile, type TabularFormat, ZDatasetProfile } from "./types";

/**
 * The profiler against reference profiles computed with pandas/numpy outside Keel
 * (scripts/reference/make_dataset_fixtures.py, committed under test/fixtures/datasets).
 */

const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/datasets/", import.meta.url));

type RefColumn = Partial<ColumnProfile> & { name: string; type: ColumnProfile["type"]; count: number; missing: number };
interface Reference {
  profile: { rowCount: number; columns: RefColumn[] };
}

function reference(name: string): Reference {
  return JSON.parse(readFileSync(`${FIXTURES}${name}.reference.json`, "utf8")) as Reference;
}

function expectClose(actual: number | null | undefined, expected: number, rel: number, what: string): void {
  expect(actual, what).toBeTypeOf("number");
  const a = actual ?? Number.NaN;
  expect(Math.abs(a - expected), `${what}: ${a} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

/** Counts exact, moments to 1e-9 relative, quantiles and histogram counts exact, edges to 1e-12. */
function expectMatches(actual: DatasetProfile, ref: Reference, overrides: Record<string, Partial<RefColumn>> = {}): void {
  expect(ZDatasetProfile.parse(actual)).toEqual(actual);
  expect(actual.rowCount).toBe(ref.profile.rowCount);
  expect(actual.columns.map((c) => c.name)).toEqual(ref.profile.columns.map((c) => c.name));
  for (const base of ref.profile.columns) {
    const want: RefColumn = { ...base, ...overrides[base.name] };
    const got = actual.columns.find((c) => c.name === want.name);
    if (got === undefined) throw new Error(`no column ${want.name}`);
    const at = (field: string) => `${want.name}.${field}`;
    expect(got.type, at("type")).toBe(want.type);
    for (const field of ["count", "missing", "nonFinite", "distinct"] as const) expect(got[field], at(field)).toBe(want[field]);
    expect(got.distinctApproximate, at("distinctApproximate")).toBe(false);
    expect(got.quantilesApproximate, at("quantilesApproximate")).toBe(false);
    if (typeof want.mean === "number") expectClose(got.mean, want.mean, 1e-9, at("mean"));
    if (typeof want.std === "number") expectClose(got.std, want.std, 1e-9, at("std"));
    if (want.min !== undefined) expect(got.min, at("min")).toBe(want.min);
    if (want.max !== undefined) expect(got.max, at("max")).toBe(want.max);
    if (want.quantiles) expect(got.quantiles, at("quantiles")).toEqual(want.quantiles);
    if (want.histogram) {
      expect(got.histogram?.counts, at("histogram.counts")).toEqual(want.histogram.counts);
      expect(got.histogram?.edges).toHaveLength(want.histogram.edges.length);
      want.histogram.edges.forEach((e, i) => expectClose(got.histogram?.edges[i], e, 1e-12, at(`histogram.edges[${i}]`)));
    }
    if (want.topValues) expect(got.topValues, at("topValues")).toEqual(want.topValues);
    const numeric = want.type === "numeric" || want.type === "integer";
    if (!numeric) expect([got.mean, got.std, got.quantiles, got.histogram], at("numeric fields")).toEqual([null, null, null, null]);
    if (want.type === "datetime") expect(got.topValues, at("topValues")).toBeNull();
    if (numeric) expect(got.topValues, at("topValues")).toBeNull();
  }
}

async function profileFile(file: string, format: TabularFormat): Promise<Awaited<ReturnType<typeof profileSource>>> {
  return profileSource(await openTabular(`${FIXTURES}${file}`, { format }));
}

describe("profile of committed fixtures against pandas/numpy", () => {
  it("breast-cancer.csv (569 rows, 30 numeric features, diagnosis)", async () => {
    const result = await profileFile("breast-cancer.csv", "csv");
    expectMatches(result.profile, reference("breast-cancer"));
    expect(result.schema.filter((c) => c.type === "numeric")).toHaveLength(30);
    expect(result.schema.at(-1)).toEqual({ name: "diagnosis", type: "categorical", nullable: false });
    expect(result.quality).toEqual({ status: "pass", checks: [] });
  });

  it("mixed.csv (every column type, NA spellings, an inf)", async () => {
    const result = await profileFile("mixed.csv", "csv");
    expectMatches(result.profile, reference("mixed"));
    expect(result.schema).toEqual([
      { name: "id", type: "integer", nullable: false },
      { name: "age", type: "integer", nullable: true },
      { name: "score", type: "numeric", nullable: true },
      { name: "active", type: "boolean", nullable: true },
      { name: "segment", type: "categorical", nullable: true },
      { name: "signup_date", type: "datetime", nullable: true },
      { name: "comment", type: "text", nullable: true },
      { name: "constant", type: "integer", nullable: false },
    ]);
  });

  it("mixed.jsonl: the same numbers (inf is null in JSON, so not counted as non-finite)", async () => {
    const result = await profileFile("mixed.jsonl", "jsonl");
    expectMatches(result.profile, reference("mixed"), { score: { nonFinite: 0 } });
  });

  it("mixed.parquet: the same numbers from native types (dates as timestamps)", async () => {
    const result = await profileFile("mixed.parquet", "parquet");
    const ref = reference("mixed");
    const dates = ref.profile.columns.find((c) => c.name === "signup_date");
    const iso = (v: unknown) => new Date(`${String(v)}T00:00:00Z`).toISOString();
    expectMatches(result.profile, ref, { signup_date: { min: iso(dates?.min), max: iso(dates?.max) } });
  });

  it("does not depend on the reader: papaparse in one go gives the same profile", async () => {
    const text = readFileSync(`${FIXTURES}mixed.csv`, "utf8");
    const [fromFile, fromText] = await Promise.all([
      profileFile("mixed.csv", "csv"),
      profileSource(csvTextSource(text, { batchSize: 7 })),
    ]);
    expect(fromText.profile).toEqual(fromFile.profile);
  });
});

describe("limits", () => {
  it("switches to a HyperLogLog past 100,000 distinct strings, still counting known values", async () => {
    const values: Cell[] = [];
    for (let i = 0; i < 150_000; i++) values.push(i % 3 === 0 ? "common" : `id-${i}`);
    const [col] = (await profileSource(columnSource({ x: values }, { batchSize: 4096 }))).profile.columns;
    expect(col).toMatchObject({ type: "text", count: 150_000, distinctApproximate: true });
    const exact = 100_000 + 1;
    expect(Math.abs((col?.distinct ?? 0) / exact - 1)).toBeLessThan(0.03);
    expect(col?.topValues?.[0]).toEqual({ value: "common", count: 50_000 });
  });

  it("samples numbers past the memory budget, keeping count, min, max, mean and std exact", () => {
    const acc = new ColumnAccumulator("x", numericBudget(20_000));
    const values = Float64Array.from({ length: 100_000 }, (_, i) => ((i * 7919) % 100_003) / 10 - 3000);
    const rows = Array.from(values, (v) => [String(v)]);
    for (let i = 0; i < rows.length; i += 1000) acc.addColumn(rows.slice(i, i + 1000), 0);
    const col = finishColumn(acc);
    const all = values.slice();
    const { mean, m2 } = exactMoments(all);
    sortFloat64(all);
    expect(col).toMatchObject({ type: "numeric", count: 100_000, quantilesApproximate: true, distinctApproximate: true });
    expect([col.min, col.max]).toEqual([all[0], all[all.length - 1]]);
    expect(Math.abs((col.mean ?? 0) - mean)).toBeLessThan(1e-9 * Math.abs(mean));
    expect(Math.abs((col.std ?? 0) - Math.sqrt(m2 / 99_999))).toBeLessThan(1e-9 * Math.sqrt(m2 / 99_999));
    expect(col.histogram?.counts.reduce((s, c) => s + c, 0)).toBe(100_000);
    expect(Math.abs((col.quantiles?.p50 ?? 0) - quantileSorted(all, 0.5))).toBeLessThan(200);
    expect(Math.abs(col.distinct / 100_000 - 1)).toBeLessThan(0.03);
  });
});

describe("profileSource", () => {
  it("does not depend on batch boundaries", async () => {
    const text = readFileSync(`${FIXTURES}mixed.csv`, "utf8");
    const one = await profileSource(csvTextSource(text, { batchSize: 1 }));
    const all = await profileSource(csvTextSource(text, { batchSize: 10_000 }));
    expect(one).toEqual(all);
  });

  it("profiles a file with no rows", async () => {
    const result = await profileSource(memorySource(["a", "b"], []));
    expect(result.rowCount).toBe(0);
    expect(result.schema).toEqual([
      { name: "a", type: "text", nullable: false },
      { name: "b", type: "text", nullable: false },
    ]);
    expect(result.profile.columns[0]).toMatchObject({ count: 0, missing: 0, distinct: 0, topValues: [] });
  });

  it("stops when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(profileSource(memorySource(["a"], [["1"]]), { signal: controller.signal })).rejects.toThrow("stop");
  });
});

describe("readAhead", () => {
  async function* numbers(log: string[], fail = false): AsyncGenerator<number> {
    try {
      for (let i = 1; i <= 3; i++) {
        log.push(`read ${i}`);
        await Promise.resolve();
        if (fail && i === 2) throw new Error("bad row");
        yield i;
      }
    } finally {
      log.push("closed");
    }
  }

  it("yields every item in order, requesting the next one before handing out the current", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const n of readAhead(numbers(log))) {
      log.push(`use ${n}`);
      seen.push(n);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(log.indexOf("read 2")).toBeLessThan(log.indexOf("use 1"));
    expect(log.filter((l) => l === "closed")).toHaveLength(1);
  });

  it("closes the source when the consumer stops, and passes errors on", async () => {
    const log: string[] = [];
    for await (const n of readAhead(numbers(log))) if (n === 1) break;
    expect(log.at(-1)).toBe("closed");
    await expect(async () => {
      for await (const _ of readAhead(numbers([], true))) void _;
    }).rejects.toThrow("bad row");
  });
});
