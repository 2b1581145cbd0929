/**
 * The profiler's number reader (called for every cell of a column that may be numeric): the
 * decimal syntax Keel accepts as a number (see infer.ts), its value, and what the profile needs
 * to know about its text.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** The result of the last successful `scanNumber` call (reused to avoid an allocation per cell). */
export const scanned = {
  value: 0,
  /** Written as an integer (/^[+-]?\d+$/) within the safe-integer range. */
  integer: false,
  /** `String(value) === s`: the text can be rebuilt from the number. */
  canonical: false,
  /** Digits after the decimal point; Infinity with an exponent. */
  decimals: 0,
};

/**
 * Parses a decimal number written as [+-]digits[.digits][(e|E)[+-]digits] (no spaces, no hex,
 * no "Infinity"). Returns false when the text is not one; on success sets `scanned`. Values with
 * at most 15 significant digits and no exponent are computed as mantissa / 10^k, which is
 * correctly rounded (both are exact doubles); anything else goes through `Number`.
 *
 * Most cells of numeric columns have at most 9 digits and no exponent: those are read here in
 * small-integer arithmetic; anything else is handed to `scanAny`, which gives the same result
 * for these too.
 */
export function scanNumber(s: string): boolean {
  const len = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  let negative = false;
  let canonical = true;
  if (c === 45) {
    negative = true;
    i = 1;
  } else if (c === 43) {
    canonical = false;
    i = 1;
  }
  const intStart = i;
  let m = 0; // at most 9 digits: stays a small integer
  let stop = i + 9 < len ? i + 9 : len;
  c = -1; // below: the character after the digits, minus 48; -1 when the digits reached `stop`
  for (; i < stop; i++) {
    c = s.charCodeAt(i) - 48;
    if (c >>> 0 > 9) break;
    m = m * 10 + c;
    c = -1;
  }
  const intDigits = i - intStart;
  if (c === -1 && i < len) return scanAny(s); // a tenth digit
  let fracDigits = 0;
  let integer = true;
  if (c === -2) {
    // "."
    integer = false;
    const fracStart = ++i;
    stop = fracStart + 9 - intDigits < len ? fracStart + 9 - intDigits : len;
    c = -1;
    for (; i < stop; i++) {
      c = s.charCodeAt(i) - 48;
      if (c >>> 0 > 9) break;
      m = m * 10 + c;
      c = -1;
    }
    if (c === -1 && i < len) return scanAny(s);
    fracDigits = i - fracStart;
    // "5.", ".5" and "1.50" do not survive String(Number(s)).
    if (fracDigits === 0 || intDigits === 0 || s.charCodeAt(i - 1) === 48) canonical = false;
  }
  if (i < len) return scanAny(s); // an exponent, or not a number
  if (intDigits + fracDigits === 0) return false;
  if (intDigits > 1 && s.charCodeAt(intStart) === 48) canonical = false;
  let value = fracDigits === 0 ? m : m / (POW10[fracDigits] ?? 1);
  if (negative) value = -value;
  // "0.0000001" (a zero integer part, 6 or more zeros after the point) prints as 1e-7.
  if (!integer && m !== 0 && m < (POW10[fracDigits - 6] ?? 0)) canonical = false;
  if (m === 0 && negative) canonical = false; // "-0"
  scanned.value = value;
  scanned.integer = integer;
  scanned.canonical = canonical;
  scanned.decimals = fracDigits;
  return true;
}

/** scanNumber for any text: the general path (exponents, more than 9 digits). The common case
 * (at most 15 digits in all) takes one pass over the characters; longer numbers are re-read by
 * `scanLong` (leading zeros are not significant digits). */
function scanAny(s: string): boolean {
  const len = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  let negative = false;
  let canonical = true;
  if (c === 45) {
    negative = true;
    i = 1;
  } else if (c === 43) {
    canonical = false;
    i = 1;
  }
  const intStart = i;
  let mant = 0;
  // Integer digits.
  for (; i < len; i++) {
    c = s.charCodeAt(i) - 48;
    if (c >>> 0 > 9) break;
    mant = mant * 10 + c;
  }
  const intDigits = i - intStart;
  let fracDigits = 0;
  let integer = true;
  if (i < len && c === -2) {
    integer = false;
    const fracStart = ++i;
    for (; i < len; i++) {
      c = s.charCodeAt(i) - 48;
      if (c >>> 0 > 9) break;
      mant = mant * 10 + c;
    }
    fracDigits = i - fracStart;
    // "5.", ".5" and "1.50" do not survive String(Number(s)).
    if (fracDigits === 0 || intDigits === 0 || s.charCodeAt(i - 1) === 48) canonical = false;
  }
  const digits = intDigits + fracDigits;
  if (digits === 0) return false;
  if (intDigits > 1 && s.charCodeAt(intStart) === 48) canonical = false;
  let value: number;
  if (i < len) {
    if (c !== 53 && c !== 21) return false; // 'e' (101) or 'E' (69), minus 48
    i++;
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    const expStart = i;
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (i === expStart) return false;
    scanned.value = Number(s);
    scanned.integer = false;
    scanned.canonical = false;
    scanned.decimals = Infinity;
    return true;
  }
  if (digits <= 15) {
    // Exact mantissa (fewer than 2^53): mant / 10^k is correctly rounded.
    value = fracDigits === 0 ? mant : mant / (POW10[fracDigits] ?? 1);
    if (negative) value = -value;
    // "0.0000001" (a zero integer part, 6 or more zeros after the point) prints as 1e-7.
    if (!integer && mant !== 0 && mant < (POW10[fracDigits - 6] ?? 0)) canonical = false;
    if (mant === 0 && negative) canonical = false; // "-0"
  } else {
    return scanLong(s, negative, canonical, integer, fracDigits, intStart, intDigits);
  }
  scanned.value = value;
  scanned.integer = integer && value <= MAX_SAFE && value >= -MAX_SAFE;
  scanned.canonical = canonical;
  scanned.decimals = fracDigits;
  return true;
}

function scanLong(
  s: string,
  negative: boolean,
  canonical: boolean,
  integer: boolean,
  fracDigits: number,
  intStart: number,
  intDigits: number,
): boolean {
  // Significant digits: skip leading zeros (of the integer part, then of the fraction).
  let sig = 0;
  let leadingZeros = 0;
  let seen = false;
  let mant = 0;
  const end = intStart + intDigits + (integer ? 0 : 1 + fracDigits);
  for (let i = intStart; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) continue;
    if (seen || c !== 48) {
      seen = true;
      mant = mant * 10 + (c - 48);
      sig++;
    } else if (i > intStart + intDigits) leadingZeros++;
  }
  let value: number;
  if (!integer && leadingZeros >= 6) canonical = false;
  if (sig <= 15 && fracDigits <= 22) {
    value = fracDigits === 0 ? mant : mant / (POW10[fracDigits] ?? 1);
    if (negative) value = -value;
  } else {
    value = Number(s);
    canonical = false;
  }
  if (sig === 0 && negative) canonical = false;
  scanned.value = value;
  scanned.integer = integer && value <= MAX_SAFE && value >= -MAX_SAFE;
  scanned.canonical = canonical;
  scanned.decimals = fracDigits;
  return true;
}
