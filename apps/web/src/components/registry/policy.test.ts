import { describe, expect, it } from "vitest";
import { describeGate, gateRowProblem, gateToRow, parseNumber, rowToGate } from "./policy";

describe("gates", () => {
  it("describes relative and absolute gates", () => {
    expect(describeGate({ metric: "test_roc_auc", op: ">=", relativeTo: "production", delta: -0.01 })).toBe("test_roc_auc >= production − 0.01");
    expect(describeGate({ metric: "test_roc_auc", op: ">=", relativeTo: "production" })).toBe("test_roc_auc >= production");
    expect(describeGate({ metric: "test_accuracy", op: ">", value: 0.8 })).toBe("test_accuracy > 0.8");
  });
  it("round-trips a gate through an editor row", () => {
    const rel = { metric: "test_roc_auc", op: ">=" as const, relativeTo: "production", delta: -0.01 };
    expect(rowToGate(gateToRow(rel))).toEqual(rel);
    const abs = { metric: "test_log_loss", op: "<=" as const, value: 0.3 };
    expect(rowToGate(gateToRow(abs))).toEqual(abs);
  });
  it("parses numbers with a real minus sign and refuses text", () => {
    expect(parseNumber("−0.01")).toBe(-0.01);
    expect(parseNumber(" 0.8 ")).toBe(0.8);
    expect(parseNumber("abc")).toBeNull();
    expect(parseNumber("")).toBeNull();
  });
  it("names what is wrong with a row", () => {
    expect(gateRowProblem({ metric: "", op: ">=", against: "value", relativeTo: "", number: "1" })).toMatch(/metric/);
    expect(gateRowProblem({ metric: "auc", op: ">=", against: "alias", relativeTo: "", number: "0" })).toMatch(/alias/);
    expect(gateRowProblem({ metric: "auc", op: ">=", against: "value", relativeTo: "", number: "x" })).toMatch(/number/);
    expect(gateRowProblem({ metric: "auc", op: ">=", against: "alias", relativeTo: "production", number: "" })).toBeNull();
  });
});
