import { describe, expect, it } from "vitest";
import { canPromote, defaultCanary, defaultPromoteVersion, promoteOptions, liveSummary, liveTotal, parseWeight, primaryRoute, rowProblems, shadowSummary, splitSummary, splitWideProblems, toEditorRows, validateSplit, type EditorRow } from "./traffic";

const live = (version: number | null, percent: string): EditorRow => ({ version, mode: "live", percent });
const shadow = (version: number | null, percent = ""): EditorRow => ({ version, mode: "shadow", percent });
const paths = (rows: EditorRow[]) => {
  const res = validateSplit(rows);
  return res.ok ? [] : res.problems.map((p) => p.path);
};

describe("validateSplit", () => {
  it("accepts a canary with a shadow and drops the shadow's percent", () => {
    expect(validateSplit([live(2, "90"), live(3, " 10 "), shadow(4, "5")])).toEqual({
      ok: true,
      traffic: [
        { version: 2, mode: "live", percent: 90 },
        { version: 3, mode: "live", percent: 10 },
        { version: 4, mode: "shadow", percent: null },
      ],
    });
  });

  it("gives a lone live route left blank 100%", () => {
    expect(validateSplit([live(1, ""), shadow(2)])).toEqual({ ok: true, traffic: [{ version: 1, mode: "live", percent: 100 }, { version: 2, mode: "shadow", percent: null }] });
  });

  it("refuses weights that do not sum to 100, naming the sum", () => {
    const res = validateSplit([live(1, "60"), live(2, "30")]);
    expect(res).toEqual({ ok: false, problems: [{ path: "traffic", message: "Live weights must sum to exactly 100% (they sum to 90%)." }] });
  });

  it("names the row of every bad percent and does not add a sum error on top", () => {
    expect(paths([live(1, "50.5"), live(2, "0"), live(3, ""), live(4, "-3"), live(5, "101")])).toEqual(["traffic.0.percent", "traffic.1.percent", "traffic.2.percent", "traffic.3.percent", "traffic.4.percent"]);
  });

  it("needs a version on every row, each version once, and a live route", () => {
    expect(paths([live(null, "100")])).toEqual(["traffic.0.version"]);
    expect(paths([live(1, "50"), live(1, "50")])).toEqual(["traffic.1.version"]);
    expect(paths([shadow(1)])).toEqual(["traffic"]);
    expect(paths([])).toEqual(["traffic"]);
    expect(paths(Array.from({ length: 21 }, (_, i) => (i === 0 ? live(1, "") : shadow(i + 1))))).toEqual(["traffic"]);
  });
});

describe("editor helpers", () => {
  it("parses weights and sums the live ones", () => {
    expect(parseWeight(" 7 ")).toBe(7);
    expect(parseWeight("")).toBeNull();
    expect(parseWeight("1e2")).toBeNaN();
    expect(liveTotal([live(1, "60"), live(2, "x"), shadow(3, "40"), live(4, "15")])).toBe(75);
  });

  it("turns routes into rows and splits problems by row", () => {
    expect(toEditorRows([{ version: 2, mode: "live", percent: 90 }, { version: 3, mode: "shadow", percent: null }])).toEqual([live(2, "90"), shadow(3)]);
    const problems = [
      { path: "traffic", message: "a" },
      { path: "traffic.1.percent", message: "b" },
      { path: "traffic.10.version", message: "c" },
      { path: "deployment", message: "d" },
    ];
    expect(rowProblems(problems, 1).map((p) => p.message)).toEqual(["b"]);
    expect(rowProblems(problems, 10).map((p) => p.message)).toEqual(["c"]);
    expect(splitWideProblems(problems).map((p) => p.message)).toEqual(["a", "d"]);
  });
});

describe("summaries and promote", () => {
  const canary = [
    { version: 2, mode: "live" as const, percent: 90 },
    { version: 3, mode: "live" as const, percent: 10 },
    { version: 4, mode: "shadow" as const, percent: null },
  ];

  it("writes the split as the lists show it", () => {
    expect(liveSummary(canary)).toBe("v2 90% · v3 10%");
    expect(shadowSummary(canary)).toBe("v4");
    expect(splitSummary(canary)).toBe("v2 90% · v3 10% · shadow v4");
    expect(splitSummary([{ version: 1, mode: "live", percent: 100 }])).toBe("v1 100%");
    expect(liveSummary([])).toBe("no live route");
  });

  it("finds the primary route and the canary to promote", () => {
    expect(primaryRoute(canary)?.version).toBe(2);
    expect(primaryRoute([{ version: 5, mode: "live", percent: 50 }, { version: 6, mode: "live", percent: 50 }])?.version).toBe(5);
    expect(defaultCanary(canary)).toBe(4);
    expect(defaultCanary(canary.slice(0, 2))).toBe(3);
    expect(defaultCanary([{ version: 1, mode: "live", percent: 100 }])).toBeUndefined();
    expect(canPromote([{ version: 1, mode: "live", percent: 100 }])).toBe(false);
    expect(canPromote(canary)).toBe(true);
  });
});

describe("promote options", () => {
  const deployable = [
    { version: 5, liveAllowed: false },
    { version: 4, liveAllowed: true },
    { version: 3, liveAllowed: true },
    { version: 1, liveAllowed: true },
  ];

  it("offers the routes (unless one live route has it all) and the live-allowed versions not routed", () => {
    const single = [{ version: 1, mode: "live" as const, percent: 100 }];
    expect(promoteOptions(single, deployable)).toEqual([
      { version: 4, routed: false, label: "v4 (not routed)" },
      { version: 3, routed: false, label: "v3 (not routed)" },
    ]);
    expect(defaultPromoteVersion(single, promoteOptions(single, deployable))).toBe(4);
    const canary = [
      { version: 1, mode: "live" as const, percent: 90 },
      { version: 3, mode: "live" as const, percent: 10 },
    ];
    const opts = promoteOptions(canary, deployable);
    expect(opts.map((o) => [o.version, o.routed, o.label])).toEqual([
      [1, true, "v1 (90%)"],
      [3, true, "v3 (10%)"],
      [4, false, "v4 (not routed)"],
    ]);
    expect(defaultPromoteVersion(canary, opts)).toBe(3);
    expect(defaultPromoteVersion(single, [])).toBeUndefined();
  });
});
