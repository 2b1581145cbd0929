import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatRelative, pageTitle, safeCallbackPath } from "./format";

describe("formatDateTime", () => {
  it("formats in UTC, the same on server and browser", () => {
    expect(formatDateTime("2025-11-23T09:05:00.000Z")).toBe("23 Nov 2025, 09:05 UTC");
    expect(formatDate("2025-01-02T23:59:00.000Z")).toBe("2 Jan 2025");
  });
  it("shows a dash (or the given text) for nothing", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDate(undefined, "Never")).toBe("Never");
    expect(formatDateTime("not a date")).toBe("—");
  });
});

describe("formatRelative", () => {
  const now = new Date("2025-11-23T12:00:00.000Z");
  it("says how long ago or until", () => {
    expect(formatRelative("2025-11-23T11:57:00.000Z", now)).toBe("3 minutes ago");
    expect(formatRelative("2025-12-23T12:00:00.000Z", now)).toBe("in 1 month");
    expect(formatRelative("2025-11-23T11:59:50.000Z", now)).toBe("just now");
    expect(formatRelative(null, now)).toBe("never");
  });
});

describe("safeCallbackPath", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackPath("/demo/settings?tab=tokens")).toBe("/demo/settings?tab=tokens");
  });
  it("refuses other sites, API routes, sign-in loops and non-strings", () => {
    expect(safeCallbackPath("https://evil.example/")).toBe("/");
    expect(safeCallbackPath("//evil.example/")).toBe("/");
    expect(safeCallbackPath("/\\evil.example")).toBe("/");
    expect(safeCallbackPath("/api/v1/me")).toBe("/");
    expect(safeCallbackPath("/sign-in?code=x")).toBe("/");
    expect(safeCallbackPath(null)).toBe("/");
  });
});

describe("pageTitle", () => {
  it("ends with Keel", () => {
    expect(pageTitle("Members", "demo")).toBe("Members · demo · Keel");
    expect(pageTitle()).toBe("Keel");
  });
});
