/**
 * Reading one cell: missing values, numbers, booleans and ISO-8601 dates, with cheap character
 * checks instead of regular expressions (the profiler calls these for every cell), and the rules
 * that turn what a column held into its ColumnType.
 *
 * Missing: `null`, `""` and pandas' default NA strings (read_csv `na_values`), exactly as written.
 *
 * Type rules, applied to the non-missing values of a column:
 *   - every value is true/false (any case, or a JSON/Parquet boolean)      → boolean
 *   - every value is an integer: /^[+-]?\d+$/ within ±(2^53 − 1), or a JS integer → integer
 *   - every value is a decimal number (sign, digits, point, exponent; no spaces, no hex)
 *                                                                          → numeric
 *   - every value is an ISO-8601 date or date-time (see parseIsoDateTime)  → datetime
 *   - otherwise a string column: categorical when distinct ≤ 50, or distinct ≤ 1000 and
 *     distinct ≤ 50 % of the values; else text
 *   - no values at all                                                     → text
 * Non-finite numbers ("inf", "-Infinity", "1e309", Parquet ±Infinity) in a column that is
 * otherwise numeric are counted in `nonFinite` and as missing, and do not stop the column being
 * numeric. This differs from pandas, which keeps ±inf as values (and then reports an infinite
 * mean); Keel's moments, quantiles and histogram are over the finite values only.
 */
import type { ColumnType } from "./types";

/** pandas' default NA strings (plus the empty string, handled by length). */
export const NA_STRINGS: ReadonlySet<string> = new Set([
  "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "n/a", "#N/A", "<NA>", "-NaN", "-nan",
  "#NA", "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN", "#N/A N/A",
]);

/** Whether a string cell is a missing value ("" or a pandas NA string). */
export function isNaString(s: string): boolean {
  return s.length === 0 || (s.length <= 8 && NA_STRINGS.has(s));
}

export { scanNumber, scanned } from "./scan-number";

/** [+-]inf or [+-]infinity in any case: the spellings pandas reads as ±inf. */
export function isInfString(s: string): boolean {
  const len = s.length;
  if (len < 3 || len > 9) return false;
  const c = s.charCodeAt(0);
  const start = c === 43 || c === 45 ? 1 : 0;
  const rest = len - start;
  if (rest !== 3 && rest !== 8) return false;
  const word = (start === 0 ? s : s.slice(start)).toLowerCase();
  return word === "inf" || word === "infinity";
}

/** Signed numeric value of an inf string (call only when isInfString is true). */
export function infValue(s: string): number {
  return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
}

/** true/false in any case (no allocation). */
export function isBooleanString(s: string): boolean {
  const len = s.length;
  if (len === 4) {
    return (
      (s.charCodeAt(0) | 32) === 116 && (s.charCodeAt(1) | 32) === 114 && (s.charCodeAt(2) | 32) === 117 &&
      (s.charCodeAt(3) | 32) === 101
    );
  }
  return (
    len === 5 && (s.charCodeAt(0) | 32) === 102 && (s.charCodeAt(1) | 32) === 97 &&
    (s.charCodeAt(2) | 32) === 108 && (s.charCodeAt(3) | 32) === 115 && (s.charCodeAt(4) | 32) === 101
  );
}

/** The value of `n` ASCII digits at `start`, or -1. */
function digitsAt(s: string, start: number, n: number): number {
  if (start + n > s.length) return -1;
  let v = 0;
  for (let i = start; i < start + n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since the epoch of an ISO-8601 date or date-time, or NaN. Accepted:
 * YYYY-MM-DD, optionally followed by T or a space, HH:MM, optional :SS, optional .fraction,
 * optional Z or ±HH[:MM]. Calendar ranges are checked (2023-02-29 is not a date). Times without
 * an offset are compared as UTC.
 */
export function parseIsoDateTime(s: string): number {
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo] ?? 0))) return NaN;
  let ms = daysFromCivil(y, mo, d) * 86_400_000;
  if (len === 10) return ms;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58) return NaN;
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  ms += h * 3_600_000 + mi * 60_000;
  let i = 16;
  if (i < len && s.charCodeAt(i) === 58) {
    const sec = digitsAt(s, 17, 2);
    if (sec < 0 || sec > 59) return NaN;
    ms += sec * 1000;
    i = 19;
    if (i < len && s.charCodeAt(i) === 46) {
      let frac = 0;
      let scale = 1000;
      const start = ++i;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) break;
        scale /= 10;
        frac += (c - 48) * scale;
      }
      if (i === start) return NaN;
      ms += frac;
    }
  }
  if (i === len) return ms;
  const z = s.charCodeAt(i);
  if (z === 90) return i + 1 === len ? ms : NaN;
  if (z !== 43 && z !== 45) return NaN;
  const oh = digitsAt(s, i + 1, 2);
  let j = i + 3;
  let om = 0;
  if (j < len && s.charCodeAt(j) === 58) j++;
  if (j < len) {
    om = digitsAt(s, j, 2);
    j += 2;
  }
  if (j !== len || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return z === 43 ? ms - offset : ms + offset;
}

/** What a column's values allowed, gathered in the streaming pass. */
export interface TypeEvidence {
  count: number;
  nonFinite: number;
  distinct: number;
  canBool: boolean;
  canInt: boolean;
  canNum: boolean;
  canDate: boolean;
}

/** Categorical when distinct ≤ 50, or distinct ≤ 1000 and ≤ half the values; else text. */
export function stringType(distinct: number, count: number): "categorical" | "text" {
  return distinct <= 50 || (distinct <= 1000 && distinct <= 0.5 * count) ? "categorical" : "text";
}

/** The type rules in this file's header. */
export function inferType(e: TypeEvidence): ColumnType {
  if (e.count === 0) return e.nonFinite > 0 && e.canNum ? "numeric" : "text";
  if (e.canBool) return "boolean";
  if (e.canNum) return e.canInt ? "integer" : "numeric";
  if (e.canDate) return "datetime";
  return stringType(e.distinct, e.count);
}

/**
 * A type the file declares (Parquet) wins when the values allow it; a declaration the values
 * contradict (say "numeric" over words) falls back to the inferred type.
 */
export function resolveType(e: TypeEvidence, declared: ColumnType | null | undefined): ColumnType {
  const inferred = inferType(e);
  if (declared === null || declared === undefined) return inferred;
  if (e.count === 0 && e.nonFinite === 0) return declared;
  switch (declared) {
    case "integer":
    case "numeric":
      return e.canNum ? declared : inferred;
    case "boolean":
      return e.canBool ? declared : inferred;
    case "datetime":
      return e.canDate ? declared : inferred;
    case "categorical":
    case "text":
      return declared;
  }
}
