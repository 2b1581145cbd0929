import { describe, expect, it } from "vitest";
import { scanNumber, scanned } from "./scan-number";
import { seededRandom } from "./testing";

/** Random texts around the decimal syntax: signs, leading and trailing zeros, short and long
 * digit runs (the 9-digit fast path and the general path), exponents, junk. */
function randomTexts(count: number): string[] {
  const rand = seededRandom(12345);
  const digits = (n: number): string => Array.from({ length: n }, () => (rand() < 0.3 ? "0" : String(Math.floor(rand() * 10)))).join("");
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = rand() < 0.15 ? "-" : rand() < 0.05 ? "+" : "";
    s += digits(Math.floor(rand() * 12));
    if (rand() < 0.7) s += `.${digits(Math.floor(rand() * 12))}`;
    if (rand() < 0.05) s += `${rand() < 0.5 ? "e" : "E"}${rand() < 0.5 ? "-" : ""}${digits(Math.floor(rand() * 3))}`;
    if (rand() < 0.02) s += "x";
    out.push(s);
  }
  return out;
}

describe("scanNumber", () => {
  it("reads what Number reads, flags only texts that String(value) gives back as canonical", () => {
    const grammar = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    for (const s of [...randomTexts(200_000), "0", "-0", "007", "1.50", ".5", "5.", "0.0000001", "0.000001", "123456789", "1234567890", "-999999999.5"]) {
      const ok = scanNumber(s);
      expect(ok, s).toBe(grammar.test(s));
      if (!ok) continue;
      expect(Object.is(scanned.value, Number(s)) || (scanned.value === 0 && Number(s) === 0), s).toBe(true);
      if (scanned.canonical) expect(String(scanned.value), s).toBe(s);
      expect(scanned.integer, s).toBe(/^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)));
      const exponent = /[eE]/.test(s);
      expect(scanned.decimals, s).toBe(exponent ? Infinity : (s.split(".")[1] ?? "").length);
    }
  });
});
