import { describe, expect, it } from "vitest";
import { profileSource } from "./profile";
import { diffSchemas, evaluateSchemaDiff } from "./quality";
import { memorySource } from "./testing";
import { type Cell, type ColumnSchema, type QualityCheck, type QualityRule, ZQualityReport, ZQualityRule } from "./types";

const COLUMNS = ["id", "age", "email", "segment"];
const ROWS: Cell[][] = [
  ["1", "34", "ana@example.com", "gold"],
  ["2", "", "bo@example.com", "silver"],
  ["3", "150", "not-an-email", "gold"],
  ["3", "-1", "cy@example.com", "copper"],
  ["5", "abc", "", "NA"],
  ["1.0", "inf", "dee@example.com", "gold"],
  ["7", "NaN", "EVE@EXAMPLE.COM", "silver"],
];

async function run(rules: QualityRule[], options: { rows?: Cell[][]; previousSchema?: ColumnSchema[] | null } = {}) {
  const source = memorySource(COLUMNS, options.rows ?? ROWS, { batchSize: 2 });
  const result = await profileSource(source, { rules: rules.map((r) => ZQualityRule.parse(r)), previousSchema: options.previousSchema ?? null });
  expect(ZQualityReport.parse(result.quality)).toEqual(result.quality);
  return result;
}

async function check(rule: QualityRule, options: Parameters<typeof run>[1] = {}): Promise<QualityCheck> {
  const { quality } = await run([rule], options);
  const [c] = quality.checks;
  if (c === undefined) throw new Error("no check");
  return c;
}

describe("column rules", () => {
  it("not_null: missing values (empty, NA strings) fail, with 1-based row numbers across batches", async () => {
    const c = await check({ id: "age-set", kind: "not_null", column: "age", severity: "fail" });
    expect(c).toMatchObject({ status: "fail", failing: 2, exampleRows: [2, 7], column: "age", kind: "not_null", ruleId: "age-set" });
    expect(c.message).toBe("2 rows have no value in age: rows 2, 7.");
    expect(await check({ id: "id-set", kind: "not_null", column: "id", severity: "fail" })).toMatchObject({ status: "pass", failing: 0, exampleRows: [] });
  });

  it("range: values outside [min, max] and non-numbers fail, missing values are skipped", async () => {
    const c = await check({ id: "age-range", kind: "range", column: "age", min: 0, max: 120, severity: "warn" });
    expect(c).toMatchObject({ status: "warn", failing: 4, exampleRows: [3, 4, 5, 6] });
    expect(c.message).toBe("4 rows have age outside [0, 120] or not a number: rows 3, 4, 5, 6.");
    const low = await check({ id: "age-min", kind: "range", column: "id", min: 2, severity: "fail" });
    expect(low).toMatchObject({ status: "fail", failing: 2, exampleRows: [1, 6] });
    expect(low.message).toContain("outside [2, ∞)");
    expect(await check({ id: "id-max", kind: "range", column: "id", max: 7, severity: "fail" })).toMatchObject({ status: "pass" });
  });

  it("allowed_values: the value as written must be listed", async () => {
    const c = await check({ id: "seg", kind: "allowed_values", column: "segment", values: ["gold", "silver"], severity: "fail" });
    expect(c).toMatchObject({ status: "fail", failing: 1, exampleRows: [4] });
    expect(c.message).toBe("1 row has a value of segment that is not allowed: row 4.");
  });

  it("unique: every repeat after the first occurrence fails; numbers compare by value", async () => {
    const c = await check({ id: "id-unique", kind: "unique", column: "id", severity: "fail" });
    expect(c).toMatchObject({ status: "fail", failing: 2, exampleRows: [4, 6] });
    expect(c.message).toBe("2 rows repeat a value of id from an earlier row: rows 4, 6.");
    expect(await check({ id: "email-unique", kind: "unique", column: "email", severity: "warn" })).toMatchObject({ status: "pass", failing: 0 });
  });

  it("regex: the whole value must match (anchored, unicode), missing values are skipped", async () => {
    const email = await check({ id: "email", kind: "regex", column: "email", pattern: "[a-z]+@[a-z]+\\.com", severity: "warn" });
    expect(email).toMatchObject({ status: "warn", failing: 2, exampleRows: [3, 7] });
    const partial = await check({ id: "partial", kind: "regex", column: "segment", pattern: "ol", severity: "fail" });
    expect(partial.failing).toBe(6);
    const letters = await check({ id: "letters", kind: "regex", column: "segment", pattern: "\\p{L}+|g|s", severity: "fail" });
    expect(letters).toMatchObject({ status: "pass", failing: 0 });
  });

  it("regex: an invalid pattern fails the check and says so", async () => {
    const c = await check({ id: "bad", kind: "regex", column: "email", pattern: "([a-z]+", severity: "warn" });
    expect(c).toMatchObject({ status: "warn", failing: 0, exampleRows: [] });
    expect(c.message).toMatch(/^The pattern "\(\[a-z\]\+" is not a valid regular expression/);
  });

  it("a rule on a column this version does not have fails", async () => {
    const c = await check({ id: "gone", kind: "not_null", column: "country", severity: "fail" });
    expect(c).toMatchObject({ status: "fail", column: "country", failing: 0 });
    expect(c.message).toContain("column 'country' is not in this version");
  });

  it("lists at most 10 example rows", async () => {
    const rows: Cell[][] = Array.from({ length: 25 }, (_, i) => [String(i), "", "x", "y"]);
    const c = await check({ id: "age", kind: "not_null", column: "age", severity: "fail" }, { rows });
    expect(c.failing).toBe(25);
    expect(c.exampleRows).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.message).toBe("25 rows have no value in age: rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ….");
  });
});

describe("whole-file rules", () => {
  it("min_rows: the shortfall is the failing count", async () => {
    expect(await check({ id: "rows", kind: "min_rows", min: 7, severity: "fail" })).toMatchObject({ status: "pass", failing: 0, column: null });
    const c = await check({ id: "rows", kind: "min_rows", min: 10, severity: "warn" });
    expect(c).toMatchObject({ status: "warn", failing: 3 });
    expect(c.message).toBe("This version has 7 rows; the rule needs at least 10.");
  });

  it("schema_unchanged: passes without a previous version, fails on any difference", async () => {
    const rule: QualityRule = { id: "schema", kind: "schema_unchanged", severity: "fail" };
    const first = await run([rule]);
    expect(first.quality.checks[0]).toMatchObject({ status: "pass", message: "There is no previous version to compare the schema with." });
    const same = await check(rule, { previousSchema: first.schema });
    expect(same).toMatchObject({ status: "pass", failing: 0 });
    const previous: ColumnSchema[] = [
      { name: "id", type: "integer", nullable: false },
      { name: "email", type: "text", nullable: true },
      { name: "age", type: "numeric", nullable: true },
      { name: "country", type: "categorical", nullable: false },
    ];
    const changed = await check(rule, { previousSchema: previous });
    expect(changed).toMatchObject({ status: "fail", failing: 6 });
    expect(changed.message).toBe(
      "The schema changed since the previous version: added 'segment' (categorical); removed 'country'; " +
        "'id' changed from integer to numeric; 'age' changed from numeric to categorical; " +
        "'email' changed from text to categorical; columns reordered.",
    );
  });
});

describe("the report", () => {
  it("takes the worst status", async () => {
    const warn: QualityRule = { id: "w", kind: "min_rows", min: 100, severity: "warn" };
    const fail: QualityRule = { id: "f", kind: "min_rows", min: 100, severity: "fail" };
    const pass: QualityRule = { id: "p", kind: "min_rows", min: 1, severity: "fail" };
    expect((await run([])).quality).toEqual({ status: "pass", checks: [] });
    expect((await run([pass])).quality.status).toBe("pass");
    expect((await run([pass, warn])).quality.status).toBe("warn");
    expect((await run([warn, fail, pass])).quality.status).toBe("fail");
    expect((await run([warn, fail, pass])).quality.checks.map((c) => c.ruleId)).toEqual(["w", "f", "p"]);
  });
});

describe("diffSchemas", () => {
  const a: ColumnSchema = { name: "a", type: "integer", nullable: false };
  const b: ColumnSchema = { name: "b", type: "text", nullable: true };
  const c: ColumnSchema = { name: "c", type: "boolean", nullable: false };

  it("finds added, removed, changed and reordered columns", () => {
    expect(diffSchemas([a, b], [a, b])).toEqual({ added: [], removed: [], changed: [], reordered: false });
    const bNotNull = { ...b, nullable: false };
    expect(diffSchemas([a, b], [bNotNull, c])).toEqual({
      added: [c],
      removed: [a],
      changed: [{ name: "b", from: b, to: bNotNull }],
      reordered: false,
    });
    expect(diffSchemas([a, b, c], [c, a]).reordered).toBe(true);
    expect(diffSchemas([a, b, c], [a, c]).reordered).toBe(false);
    expect(evaluateSchemaDiff).toBe(diffSchemas);
  });
});
