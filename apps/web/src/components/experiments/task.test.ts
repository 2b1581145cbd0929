import { describe, expect, it } from "vitest";
import { formatDuration, formatMetric } from "./badges";
import { filterKey, parseColumns, parseOrder, viewQuery } from "./paths";
import { detectTask, familiesFor, parseLayers } from "./task";

describe("detectTask", () => {
  it("reads the task from the target column's profile as the worker does", () => {
    expect(detectTask({ type: "categorical", distinct: 2 })).toBe("binary");
    expect(detectTask({ type: "text", distinct: 5 })).toBe("multiclass");
    expect(detectTask({ type: "boolean", distinct: 2 })).toBe("binary");
    expect(detectTask({ type: "numeric", distinct: 2 })).toBe("binary");
    expect(detectTask({ type: "integer", distinct: 7 })).toBe("multiclass");
    expect(detectTask({ type: "integer", distinct: 21 })).toBe("regression");
    expect(detectTask({ type: "numeric", distinct: 300 })).toBe("regression");
    expect(detectTask({ type: "datetime", distinct: 300 })).toBeNull();
    expect(detectTask({ type: "categorical", distinct: 1 })).toBeNull();
    expect(detectTask(undefined)).toBeNull();
  });

  it("offers the families that can learn the task", () => {
    expect(familiesFor("binary")).toEqual(["logistic", "mlp"]);
    expect(familiesFor("regression")).toEqual(["linear", "mlp"]);
  });

  it("parses hidden layers", () => {
    expect(parseLayers("64, 32")).toEqual([64, 32]);
    expect(parseLayers("64,x")).toBeNull();
    expect(parseLayers("")).toBeNull();
    expect(parseLayers("0")).toBeNull();
  });
});

describe("runs view in the address bar", () => {
  it("round-trips columns, filter and order", () => {
    const q = viewQuery({ columns: ["metrics.test_roc_auc", "params.lr"], filter: " metrics.x > 1 ", orderBy: "metrics.x desc" });
    const p = new URLSearchParams(q.slice(1));
    expect(parseColumns(p.get("cols"))).toEqual(["metrics.test_roc_auc", "params.lr"]);
    expect(p.get("filter")).toBe("metrics.x > 1");
    expect(parseOrder(p.get("order") ?? "")).toEqual({ key: "metrics.x", dir: "desc" });
    expect(viewQuery({ columns: [], filter: "", orderBy: "" })).toBe("");
    expect(parseColumns("bogus,metrics.a")).toEqual(["metrics.a"]);
  });

  it("quotes keys that are not identifiers", () => {
    expect(filterKey("metrics", "val_loss")).toBe("metrics.val_loss");
    expect(filterKey("params", "val loss")).toBe("params.`val loss`");
    expect(parseOrder("params.`val loss` ASC")).toEqual({ key: "params.`val loss`", dir: "asc" });
  });
});

describe("formatting", () => {
  it("formats durations and metrics", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(2400)).toBe("2.4 s");
    expect(formatDuration(125_000)).toBe("2 min 05 s");
    expect(formatMetric(0.973684)).toBe("0.9737");
    expect(formatMetric(null)).toBe("—");
    expect(formatMetric(0.00001234)).toBe("1.234e-5");
  });
});
