import { describe, expect, it } from "vitest";
import { describeRule, parseValueList, ruleFromDraft, suggestRuleId, type RuleDraft } from "./quality-rules";

const draft = (patch: Partial<RuleDraft>): RuleDraft => ({
  id: "x",
  kind: "not_null",
  severity: "fail",
  column: "age",
  min: "",
  max: "",
  values: "",
  pattern: "",
  ...patch,
});

describe("quality rules", () => {
  it("suggests readable ids that do not collide", () => {
    expect(suggestRuleId("range", "Age", [])).toBe("age-range");
    expect(suggestRuleId("range", "mean radius", ["mean-radius-range"])).toBe("mean-radius-range-2");
    expect(suggestRuleId("min_rows", "age", [])).toBe("min-rows");
  });
  it("parses comma lists", () => {
    expect(parseValueList(" M, B ,,M")).toEqual(["M", "B"]);
  });
  it("builds rules from the form or names the field to fix", () => {
    expect(ruleFromDraft(draft({ kind: "range", min: "0", max: "120" }), [])).toEqual({
      ok: true,
      rule: { id: "x", severity: "fail", kind: "range", column: "age", min: 0, max: 120 },
    });
    expect(ruleFromDraft(draft({ kind: "range", min: "", max: "5" }), [])).toMatchObject({ ok: true, rule: { max: 5 } });
    expect(ruleFromDraft(draft({ kind: "range" }), [])).toMatchObject({ ok: false, field: "min" });
    expect(ruleFromDraft(draft({ kind: "range", min: "9", max: "1" }), [])).toMatchObject({ ok: false, field: "max" });
    expect(ruleFromDraft(draft({ kind: "regex", pattern: "(" }), [])).toMatchObject({ ok: false, field: "pattern" });
    expect(ruleFromDraft(draft({ kind: "allowed_values", values: "M, B" }), [])).toMatchObject({ ok: true, rule: { values: ["M", "B"] } });
    expect(ruleFromDraft(draft({ kind: "min_rows", min: "1.5" }), [])).toMatchObject({ ok: false, field: "min" });
    expect(ruleFromDraft(draft({ kind: "schema_unchanged", column: "" }), [])).toEqual({ ok: true, rule: { id: "x", severity: "fail", kind: "schema_unchanged" } });
    expect(ruleFromDraft(draft({}), ["x"])).toMatchObject({ ok: false, field: "id" });
    expect(ruleFromDraft(draft({ column: "" }), [])).toMatchObject({ ok: false, field: "column" });
  });
  it("describes rules in words", () => {
    expect(describeRule({ id: "a", severity: "warn", kind: "range", column: "age", min: 0, max: 120 })).toBe("age between 0 and 120");
    expect(describeRule({ id: "b", severity: "fail", kind: "min_rows", min: 1000 })).toBe("at least 1,000 rows");
    expect(describeRule({ id: "c", severity: "fail", kind: "range", column: "r", max: 13.37 * 1.2 })).toBe("r ≤ 16.044");
  });
});
