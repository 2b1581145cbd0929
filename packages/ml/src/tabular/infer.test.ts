import { describe, expect, it } from "vitest";
import {
  inferType,
  isBooleanString,
  isInfString,
  isNaString,
  NA_STRINGS,
  parseIsoDateTime,
  resolveType,
  scanNumber,
  scanned,
  stringType,
  type TypeEvidence,
} from "./infer";
import { profileSource } from "./profile";
import { columnSource } from "./testing";
import type { Cell, ColumnProfile, ColumnType } from "./types";

function scan(s: string): { value: number; integer: boolean; canonical: boolean } | null {
  return scanNumber(s) ? { ...scanned } : null;
}

describe("scanNumber", () => {
  it("reads decimal numbers exactly as Number() does", () => {
    for (const s of ["0", "7", "-12", "+5", "3.25", "-0.001", ".5", "5.", "1e3", "1E-7", "-2.5e+10", "123456789012345678", "0.1", "9007199254740993", "00012", "-0"]) {
      expect(scan(s)?.value, s).toBe(Number(s));
    }
  });

  it("rejects what is not a plain decimal number", () => {
    for (const s of ["", "-", "+", ".", "e5", "1e", "1e+", "0x1A", "0b11", " 12", "12 ", "1,5", "1_000", "1.2.3", "Infinity", "inf", "NaN", "12a", "--1", "١٢"]) {
      expect(scan(s), s).toBeNull();
    }
  });

  it("marks integers (/^[+-]?\\d+$/ within the safe range)", () => {
    expect(scan("42")?.integer).toBe(true);
    expect(scan("-42")?.integer).toBe(true);
    expect(scan("+42")?.integer).toBe(true);
    expect(scan("42.0")?.integer).toBe(false);
    expect(scan("1e3")?.integer).toBe(false);
    expect(scan("9007199254740991")?.integer).toBe(true);
    expect(scan("9007199254740993")?.integer).toBe(false);
  });

  it("marks canonical texts, and canonical always means String(Number(s)) === s", () => {
    for (const s of ["0", "12", "-3.5", "0.000001", "123456789012345"]) expect(scan(s)?.canonical, s).toBe(true);
    for (const s of ["1.50", "007", "+1", "-0", ".5", "5.", "1e3", "0.0000001", "1234567890123456"]) {
      expect(scan(s)?.canonical, s).toBe(false);
    }
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
    const digits = () => String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 9)));
    for (let i = 0; i < 20_000; i++) {
      const s = `${rnd() < 0.3 ? "-" : ""}${digits()}${rnd() < 0.6 ? `.${"0".repeat(Math.floor(rnd() * 8))}${digits()}` : ""}`;
      const r = scan(s);
      expect(r?.value, s).toBe(Number(s));
      if (r?.canonical) expect(String(r.value), s).toBe(s);
    }
  });
});

describe("missing values and special spellings", () => {
  it("treats exactly pandas' default NA strings and the empty string as missing", () => {
    expect(NA_STRINGS.size).toBe(18);
    for (const s of ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "n/a", "#N/A", "<NA>", "-NaN", "-nan", "#NA", "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN", "#N/A N/A"]) {
      expect(isNaString(s), s).toBe(true);
    }
    for (const s of ["na", "Null", "none", " ", "NA ", "-", "0", "NAN"]) expect(isNaString(s), s).toBe(false);
  });

  it("recognises inf spellings in any case, with a sign", () => {
    for (const s of ["inf", "-inf", "+inf", "INF", "Infinity", "-Infinity", "+INFINITY"]) expect(isInfString(s), s).toBe(true);
    for (const s of ["in", "infinit", "infinityy", "--inf", "1e309", "info"]) expect(isInfString(s), s).toBe(false);
  });

  it("recognises true/false in any case only", () => {
    for (const s of ["true", "TRUE", "True", "tRuE", "false", "FALSE", "False"]) expect(isBooleanString(s), s).toBe(true);
    for (const s of ["t", "f", "yes", "no", "1", "0", "truee", "fals", "true "]) expect(isBooleanString(s), s).toBe(false);
  });
});

describe("parseIsoDateTime", () => {
  it("reads ISO-8601 dates and date-times like Date.parse (naive times as UTC)", () => {
    const cases: [string, string][] = [
      ["2024-02-29", "2024-02-29T00:00:00Z"],
      ["1999-12-31T23:59", "1999-12-31T23:59:00Z"],
      ["2023-06-01 08:30:15", "2023-06-01T08:30:15Z"],
      ["2023-06-01T08:30:15.250Z", "2023-06-01T08:30:15.250Z"],
      ["2023-06-01T08:30:15+02:00", "2023-06-01T08:30:15+02:00"],
      ["2023-06-01T08:30:15-0530", "2023-06-01T08:30:15-05:30"],
      ["0001-01-01", "0001-01-01T00:00:00Z"],
    ];
    for (const [s, iso] of cases) expect(parseIsoDateTime(s), s).toBe(Date.parse(iso));
  });

  it("rejects impossible or non-ISO dates", () => {
    for (const s of ["2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "23-01-01", "2023/01/01", "2023-01-01T25:00", "2023-01-01T10:60", "2023-01-01T", "2023-01-01X10:00", "2023-01-01T10:00:00.", "2023-01-01T10:00Zx", "20230101", "01/02/2023"]) {
      expect(parseIsoDateTime(s), s).toBeNaN();
    }
  });
});

describe("type rules", () => {
  const evidence = (e: Partial<TypeEvidence>): TypeEvidence => ({
    count: 10, nonFinite: 0, distinct: 3, canBool: false, canInt: false, canNum: false, canDate: false, ...e,
  });

  it("picks boolean, integer, numeric, datetime in that order, else a string type", () => {
    expect(inferType(evidence({ canBool: true }))).toBe("boolean");
    expect(inferType(evidence({ canInt: true, canNum: true }))).toBe("integer");
    expect(inferType(evidence({ canNum: true }))).toBe("numeric");
    expect(inferType(evidence({ canDate: true }))).toBe("datetime");
    expect(inferType(evidence({}))).toBe("categorical");
  });

  it("a column with no values is text (numeric if it only held non-finite numbers)", () => {
    const empty = { count: 0, canBool: true, canInt: true, canNum: true, canDate: true };
    expect(inferType(evidence(empty))).toBe("text");
    expect(inferType(evidence({ ...empty, nonFinite: 2 }))).toBe("numeric");
  });

  it("categorical: ≤ 50 distinct, or ≤ 1000 and ≤ half the values", () => {
    expect(stringType(50, 50)).toBe("categorical");
    expect(stringType(51, 101)).toBe("text");
    expect(stringType(51, 102)).toBe("categorical");
    expect(stringType(1000, 2000)).toBe("categorical");
    expect(stringType(1001, 100_000)).toBe("text");
  });

  it("a declared type wins when the values allow it", () => {
    const ints = evidence({ canInt: true, canNum: true });
    expect(resolveType(ints, "numeric")).toBe("numeric");
    expect(resolveType(ints, "categorical")).toBe("categorical");
    expect(resolveType(ints, null)).toBe("integer");
    expect(resolveType(evidence({}), "numeric")).toBe("categorical");
    expect(resolveType(evidence({ count: 0 }), "datetime")).toBe("datetime");
  });
});

// ---------------------------------------------------------------------------------------------
// Inference as the profiler applies it, column by column

async function profileOf(data: Record<string, Cell[]>, declaredTypes?: (ColumnType | null)[]): Promise<ColumnProfile[]> {
  const source = columnSource(data, { batchSize: 3, ...(declaredTypes ? { declaredTypes } : {}) });
  return (await profileSource(source)).profile.columns;
}

async function columnOf(values: Cell[]): Promise<ColumnProfile> {
  const [col] = await profileOf({ x: values });
  if (col === undefined) throw new Error("no column");
  return col;
}

describe("column types from CSV strings", () => {
  it("infers each type from its values", async () => {
    const cols = await profileOf({
      ints: ["1", "-2", "+3", "0042", ""],
      floats: ["1", "2.5", "-3e2", ".5", "NA"],
      bools: ["true", "False", "TRUE", "", "false"],
      dates: ["2024-01-31", "2024-02-01T10:00:00Z", "", "2023-12-31 23:59", "N/A"],
      words: ["red", "green", "red", "", "blue"],
      empty: ["", "NA", "null", "", "NaN"],
    });
    expect(cols.map((c) => [c.name, c.type, c.count, c.missing])).toEqual([
      ["ints", "integer", 4, 1],
      ["floats", "numeric", 4, 1],
      ["bools", "boolean", 4, 1],
      ["dates", "datetime", 3, 2],
      ["words", "categorical", 4, 1],
      ["empty", "text", 0, 5],
    ]);
  });

  it("an integer beyond 2^53 makes the column numeric; one word makes it a string column", async () => {
    expect((await columnOf(["1", "9007199254740993"])).type).toBe("numeric");
    expect((await columnOf(["1", "2", "x"])).type).toBe("categorical");
    expect((await columnOf(["true", "1"])).type).toBe("categorical");
    expect((await columnOf(["2024-01-01", "2024-02-30"])).type).toBe("categorical");
    expect((await columnOf(["1", "0x10"])).type).toBe("categorical");
  });

  it("text once distinct values exceed 50 and half the values", async () => {
    const many = Array.from({ length: 120 }, (_, i) => `v${i % 60}`);
    expect((await columnOf(many)).type).toBe("categorical");
    expect((await columnOf(many.slice(0, 100))).type).toBe("text");
  });

  it("counts lower-case 'na' or a space as values, not as missing", async () => {
    const col = await columnOf(["na", " ", "NA", "#N/A N/A", "<NA>"]);
    expect([col.count, col.missing, col.distinct]).toEqual([2, 3, 2]);
  });
});

describe("non-finite numbers", () => {
  it("count as missing in a numeric column and stay out of the statistics", async () => {
    const col = await columnOf(["1", "inf", "-Infinity", "1e309", "2", "-inf"]);
    expect(col).toMatchObject({ type: "integer", count: 2, missing: 4, nonFinite: 4, min: 1, max: 2, mean: 1.5, distinct: 2 });
    expect(col.histogram?.counts.reduce((s, c) => s + c, 0)).toBe(2);
  });

  it("are plain values once the column turns out to be text", async () => {
    const col = await columnOf(["inf", "1", "abc", "inf"]);
    expect(col).toMatchObject({ type: "categorical", count: 4, missing: 0, nonFinite: 0, distinct: 3 });
    expect(col.topValues).toEqual([
      { value: "inf", count: 2 },
      { value: "1", count: 1 },
      { value: "abc", count: 1 },
    ]);
  });

  it("native NaN is missing and native ±Infinity non-finite (Parquet doubles)", async () => {
    const col = await columnOf([1.5, Number.NaN, Infinity, null, 2.5]);
    expect(col).toMatchObject({ type: "numeric", count: 2, missing: 3, nonFinite: 1, mean: 2 });
  });
});

describe("native JSON/Parquet values", () => {
  it("JS integers are integers, booleans booleans (reported as true/false)", async () => {
    const cols = await profileOf({ n: [1, 2, 3, null], f: [1, 2.5, null, 4], b: [true, false, true, null] });
    expect(cols.map((c) => c.type)).toEqual(["integer", "numeric", "boolean"]);
    expect(cols[2]?.topValues).toEqual([
      { value: "true", count: 2 },
      { value: "false", count: 1 },
    ]);
  });

  it("merges boolean spellings and mixes strings with JSON booleans", async () => {
    const col = await columnOf(["True", true, "TRUE", "false", false]);
    expect(col.type).toBe("boolean");
    expect(col.distinct).toBe(2);
    expect(col.topValues).toEqual([
      { value: "true", count: 3 },
      { value: "false", count: 2 },
    ]);
  });

  it("declared types win when the values allow them", async () => {
    const cols = await profileOf({ a: [1, 2, 3], b: [1, 2, 1], c: ["x", "y", "z"], d: [null, null, null] }, [
      "numeric", "categorical", "numeric", "datetime",
    ]);
    expect(cols.map((c) => c.type)).toEqual(["numeric", "categorical", "categorical", "datetime"]);
    expect(cols[1]?.topValues).toEqual([
      { value: "1", count: 2 },
      { value: "2", count: 1 },
    ]);
  });
});

describe("a numeric column that turns into a string column", () => {
  it("keeps every value's text as written", async () => {
    const col = await columnOf(["1.50", "1.5", "2", "007", "-0", "0", "1e3", "x", "2"]);
    expect(col).toMatchObject({ type: "categorical", count: 9, distinct: 8, distinctApproximate: false });
    expect(col.topValues?.[0]).toEqual({ value: "2", count: 2 });
    expect(col.topValues?.map((t) => t.value).sort()).toEqual(["-0", "0", "007", "1.5", "1.50", "1e3", "2", "x"]);
  });

  it("after many values, rebuilt from the numbers", async () => {
    const values: Cell[] = Array.from({ length: 3000 }, (_, i) => String(i % 1500));
    values.push("n/a", "unknown");
    const col = await columnOf(values);
    expect(col).toMatchObject({ type: "text", count: 3001, missing: 1, distinct: 1501, distinctApproximate: false });
    expect(col.topValues?.slice(0, 2)).toEqual([
      { value: "0", count: 2 },
      { value: "1", count: 2 },
    ]);
  });
});

describe("dates", () => {
  it("min and max as written, distinct by instant", async () => {
    const col = await columnOf(["2023-01-02", "2023-01-02T00:00:00Z", "2022-12-31T23:00:00-02:00", "", "2023-01-01"]);
    expect(col).toMatchObject({ type: "datetime", count: 4, distinct: 3, min: "2023-01-01", max: "2023-01-02", topValues: null });
  });
});
