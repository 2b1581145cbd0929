import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Cell, ColumnType } from "../tabular/types";
import { fitPipeline, type FittedPipeline, outputColumns, parsePipeline, serializePipeline, transform, type Transformed } from "./index";

// Expected values: scikit-learn 1.9 (scripts/reference/make_pipeline_fixtures.py), or by hand.
const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/pipeline/", import.meta.url));

interface Fixture {
  features: { name: string; type: ColumnType }[];
  train: Record<string, Cell>[];
  test: Record<string, Cell>[];
  expected: {
    numeric: { columns: string[]; imputer_statistics: number[]; scaler_mean: number[]; scaler_scale: number[] };
    categorical: { columns: string[]; imputer_statistics: string[]; categories: string[][] };
    boolean_fill: Record<string, number>;
    columns: string[];
    train: Record<string, number[]>;
    test: Record<string, number[]>;
  };
}
const mixed = JSON.parse(readFileSync(`${FIXTURES}mixed.json`, "utf8")) as Fixture;
const spec = { features: mixed.features };

function column(t: Transformed, name: string): number[] {
  const j = t.outputColumns.indexOf(name);
  if (j < 0) throw new Error(`no output column ${name}`);
  return Array.from({ length: t.rows }, (_, i) => t.values[i * t.outputColumns.length + j] ?? Number.NaN);
}

function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - (expected[i] ?? Number.NaN)), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

/** The rows as a CSV reader yields them: every cell a string, "" for missing. */
const asCsv = (rows: Record<string, Cell>[]): Record<string, Cell>[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? "" : String(v)])));

function sklearnSide(t: Transformed, rows: "train" | "test"): void {
  for (const name of mixed.expected.columns) expectClose(column(t, name), mixed.expected[rows][name] ?? [], 1e-12);
}

describe("fitPipeline + transform against scikit-learn", () => {
  const fitted = fitPipeline(mixed.train, spec);

  it("learns sklearn's imputer statistics, scaler mean and scale, and categories", () => {
    const e = mixed.expected;
    e.numeric.columns.forEach((name, j) => {
      const step = fitted.steps.find((s) => s.name === name);
      if (step?.kind !== "standardize") throw new Error(name);
      expectClose([step.fill, step.mean, step.scale], [e.numeric.imputer_statistics[j] ?? 0, e.numeric.scaler_mean[j] ?? 0, e.numeric.scaler_scale[j] ?? 0], 1e-9);
    });
    e.categorical.columns.forEach((name, j) => {
      const step = fitted.steps.find((s) => s.name === name);
      if (step?.kind !== "one_hot") throw new Error(name);
      expect(step.fill).toBe(e.categorical.imputer_statistics[j]);
      expect(step.categories).toEqual(e.categorical.categories[j]);
    });
    const member = fitted.steps.find((s) => s.name === "member");
    expect(member).toEqual({ kind: "boolean", name: "member", fill: e.boolean_fill.member });
  });

  it("transforms the test rows as sklearn does, to 1e-12", () => {
    sklearnSide(transform(fitted, mixed.test), "test");
  });

  it("transforms the training rows as sklearn does, to 1e-12", () => {
    sklearnSide(transform(fitted, mixed.train), "train");
  });

  it("adds an unknown bucket per categorical column that sklearn's handle_unknown='ignore' lacks", () => {
    const t = transform(fitted, mixed.test);
    expect(t.outputColumns).toEqual(
      mixed.expected.columns.flatMap((c) => (c === "color=red" ? [c, "color=<unknown>"] : c === "city=Oslo" ? [c, "city=<unknown>"] : [c])),
    );
    // test colors: green, purple (unseen), null (→ blue), red, amber, blue
    expect(column(t, "color=<unknown>")).toEqual([0, 1, 0, 0, 0, 0]);
    // test cities: Lima, Oslo, Paris (unseen), null (→ Lima), Kyiv, Tokyo (unseen)
    expect(column(t, "city=<unknown>")).toEqual([0, 0, 1, 0, 0, 1]);
    // every row has exactly one 1 over a categorical's columns (sklearn: zero for unseen values)
    const colors = ["color=amber", "color=blue", "color=green", "color=red", "color=<unknown>"].map((c) => column(t, c));
    for (let i = 0; i < t.rows; i++) expect(colors.reduce((s, c) => s + (c[i] ?? 0), 0)).toBe(1);
    expect(column(transform(fitted, mixed.train), "city=<unknown>")).toEqual(new Array(12).fill(0));
  });

  it("gives the same result for CSV string cells and for column arrays", () => {
    const reference = transform(fitted, mixed.test);
    expect(fitPipeline(asCsv(mixed.train), spec)).toEqual(fitted);
    expect(transform(fitted, asCsv(mixed.test)).values).toEqual(reference.values);
    const columns = Object.fromEntries(mixed.features.map((f) => [f.name, mixed.test.map((r) => r[f.name] ?? null)]));
    expect(transform(fitted, columns).values).toEqual(reference.values);
  });
});

describe("cells", () => {
  it("treats non-finite numbers and NaN/inf strings as missing", () => {
    const p = fitPipeline({ x: [1, 3, Number.NaN, "inf", "1e309", " 5 ", ""] }, { features: [{ name: "x", type: "numeric" }] });
    expect(p.steps[0]).toMatchObject({ fill: 3, mean: 3 });
    // imputed column 1, 3, 3, 3, 3, 5, 3: variance 8/7
    expect(p.steps[0]).toMatchObject({ scale: Math.sqrt(8 / 7) });
    expect(Array.from(transform(p, { x: [Number.POSITIVE_INFINITY, "-Infinity", "3.0"] }).values)).toEqual([0, 0, 0]);
    // the profiler's missing values (pandas' NA strings) are missing here too
    expect(Array.from(transform(p, { x: ["NA", "None", "null", "#N/A"] }).values)).toEqual([0, 0, 0, 0]);
  });

  it("scales a constant column by 1 and parses booleans", () => {
    const p = fitPipeline({ c: [7, 7, 7], b: ["true", "FALSE", "1"] }, { features: [{ name: "c", type: "integer" }, { name: "b", type: "boolean" }] });
    expect(p.steps[0]).toMatchObject({ mean: 7, scale: 1 });
    expect(p.steps[1]).toMatchObject({ fill: 1 });
    expect(Array.from(transform(p, { c: [9, null], b: [false, null] }).values)).toEqual([2, 0, 0, 1]);
  });

  it("picks the smallest of tied most frequent categories, as strings", () => {
    const p = fitPipeline({ k: ["b", "a", "b", "a", 7, null] }, { features: [{ name: "k", type: "categorical" }] });
    expect(p.steps[0]).toMatchObject({ fill: "a", categories: ["7", "a", "b"] });
    expect(outputColumns(p)).toEqual(["k=7", "k=a", "k=b", "k=<unknown>"]);
  });

  it("throws on bad cells and bad specs", () => {
    const features = [{ name: "x", type: "numeric" as const }];
    expect(() => fitPipeline({ x: [1, "abc"] }, { features })).toThrow(/row 2, column "x": "abc" is not a number/);
    expect(() => fitPipeline({ x: [true] }, { features })).toThrow(/not a number/);
    expect(() => fitPipeline({ x: [1, 2] }, { features: [{ name: "x", type: "boolean" }] })).toThrow(/2 is not a boolean/);
    expect(() => fitPipeline({ x: [null, ""] }, { features })).toThrow(/no non-missing values/);
    expect(() => fitPipeline({ x: [] }, { features })).toThrow(/no training rows/);
    expect(() => fitPipeline({ x: [1] }, { features: [] })).toThrow(/no features/);
    expect(() => fitPipeline({ x: [1] }, { features: [...features, ...features] })).toThrow(/listed twice/);
    expect(() => fitPipeline({ y: [1] }, { features })).toThrow(/no column "x"/);
    expect(() => fitPipeline([{ y: 1 }], { features })).toThrow(/no row has the column "x"/);
    expect(() => fitPipeline({ x: [1, 2], y: [1] }, { features })).toThrow(/different lengths/);
    expect(() => fitPipeline({ d: ["2024-01-01"] }, { features: [{ name: "d", type: "datetime" }] })).toThrow(/datetime/);
    expect(() => fitPipeline({ "k=a": [1], k: ["a"] }, { features: [{ name: "k=a", type: "numeric" }, { name: "k", type: "text" }] })).toThrow(
      /two output columns would be named "k=a"/,
    );
  });
});

describe("serializePipeline / parsePipeline", () => {
  const fitted = fitPipeline(mixed.train, spec);

  it("round-trips exactly", () => {
    const text = serializePipeline(fitted);
    expect(JSON.parse(text)).toMatchObject({ version: 1 });
    const back = parsePipeline(text);
    expect(back).toEqual(fitted);
    expect(transform(back, mixed.test).values).toEqual(transform(fitted, mixed.test).values);
  });

  it("rejects malformed input with a clear message", () => {
    expect(() => parsePipeline("{not json")).toThrow(/parsePipeline: not valid JSON/);
    expect(() => parsePipeline(JSON.stringify({ version: 2, steps: [] }))).toThrow(/unsupported pipeline version 2/);
    expect(() => parsePipeline("[]")).toThrow(/not a Keel pipeline/);
    const bad = (change: (p: FittedPipeline) => unknown): string => JSON.stringify(change(structuredClone(fitted)));
    expect(() => parsePipeline(bad((p) => ({ ...p, steps: [{ kind: "standardize", name: "x", type: "numeric", fill: 0, mean: 0, scale: 0 }] })))).toThrow(
      /not a Keel pipeline[\s\S]*scale/,
    );
    expect(() => parsePipeline(bad((p) => ({ ...p, steps: [{ kind: "one_hot", name: "c", type: "text", fill: "z", categories: ["b", "a"] }] })))).toThrow(
      /sorted and unique/,
    );
    expect(() => parsePipeline(bad((p) => ({ ...p, steps: [{ kind: "one_hot", name: "c", type: "text", fill: "z", categories: ["a"] }] })))).toThrow(
      /fill "z" is not one of the categories/,
    );
    expect(() => parsePipeline(bad((p) => ({ ...p, steps: [...p.steps, p.steps[0]] })))).toThrow(/duplicate feature "age"/);
    expect(() => parsePipeline(bad((p) => ({ ...p, steps: [{ kind: "pca", name: "x" }] })))).toThrow(/not a Keel pipeline/);
  });
});
