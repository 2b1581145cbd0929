import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDelta, formatNumber, formatPercent, formatPsi, formatShape, shortSha } from "./format-data";

describe("data formatting", () => {
  it("groups counts with thousands separators", () => {
    expect(formatCount(569)).toBe("569");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
  });
  it("gives floats sensible precision", () => {
    expect(formatNumber(14.127291739894552)).toBe("14.13");
    expect(formatNumber(0.06279760830988401)).toBe("0.0628");
    expect(formatNumber(2501)).toBe("2,501");
    expect(formatNumber(654.8891036906854)).toBe("654.9");
    expect(formatNumber(12345.678)).toBe("12,345.7");
    expect(formatNumber(0.00000025)).toBe("2.50e-7");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(Number.NaN)).toBe("—");
    expect(formatNumber("2024-01-02")).toBe("2024-01-02");
  });
  it("formats sizes in binary units", () => {
    expect(formatBytes(532)).toBe("532 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(12_700)).toBe("12.4 KiB");
    expect(formatBytes(125_000)).toBe("122 KiB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
    expect(formatBytes(500 * 1024 * 1024)).toBe("500 MiB");
  });
  it("formats shares, deltas, PSI, hashes and shapes", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.123)).toBe("12.3%");
    expect(formatPercent(0.5)).toBe("50%");
    expect(formatPercent(0.0002)).toBe("<0.1%");
    expect(formatDelta(12)).toBe("+12");
    expect(formatDelta(-3000)).toBe("−3,000");
    expect(formatPsi(0.00412)).toBe("0.004");
    expect(formatPsi(null)).toBe("—");
    expect(shortSha("abcdef0123456789")).toBe("abcdef012345");
    expect(formatShape(569, 31)).toBe("569 rows × 31 columns");
    expect(formatShape(1, 1)).toBe("1 row × 1 column");
  });
});
