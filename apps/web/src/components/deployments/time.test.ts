import { describe, expect, it } from "vitest";
import { errorDetails, errorMessage } from "./errors";
import { isoToUtcInput, utcInputToIso } from "./time";

describe("point-in-time input", () => {
  it("reads datetime-local values as UTC", () => {
    expect(utcInputToIso("2026-11-23T18:30")).toBe("2026-11-23T18:30:00.000Z");
    expect(utcInputToIso("2026-11-23T18:30:15")).toBe("2026-11-23T18:30:15.000Z");
    expect(utcInputToIso("2026-11-23T18:30:15.5")).toBe("2026-11-23T18:30:15.500Z");
    expect(utcInputToIso("2026-02-31T10:00")).toBeNull();
    expect(utcInputToIso("2026-11-23T24:00")).toBeNull();
    expect(utcInputToIso("yesterday")).toBeNull();
    expect(isoToUtcInput("2026-11-23T18:30:15.123Z")).toBe("2026-11-23T18:30:15");
    expect(isoToUtcInput("2026-11-23T18:30:15.123Z", { roundUp: true })).toBe("2026-11-23T18:30:16");
    expect(isoToUtcInput("2026-11-23T18:30:15.000Z", { roundUp: true })).toBe("2026-11-23T18:30:15");
    expect(isoToUtcInput("nope")).toBe("");
  });
});

describe("tRPC error details", () => {
  it("reads Keel's details from a client error and ignores anything else", () => {
    const err = { message: "Invalid traffic split", data: { keel: { code: "BAD_REQUEST", details: [{ path: "traffic.1.percent", message: "must be" }, { message: "no path" }, null] } } };
    expect(errorDetails(err)).toEqual([
      { path: "traffic.1.percent", message: "must be" },
      { path: "", message: "no path" },
    ]);
    expect(errorDetails(new Error("x"))).toEqual([]);
    expect(errorDetails(null)).toEqual([]);
    expect(errorMessage(err)).toBe("Invalid traffic split");
    expect(errorMessage(undefined, "fallback")).toBe("fallback");
  });
});
