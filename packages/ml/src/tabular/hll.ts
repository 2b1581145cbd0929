/**
 * A small HyperLogLog (Flajolet et al. 2007) for the distinct count of columns with more than
 * 100,000 distinct values.
 *
 * Why not bloom-filters' HyperLogLog: its `update` hashes with a pure-JS 64-bit xxhash and
 * string manipulation, about 200 µs per value on Node 20, so a 1,000,000-row text column would
 * take minutes. This one hashes UTF-16 code units with FNV-1a and the murmur3 finaliser (a few
 * nanoseconds per short string) into 2^14 one-byte registers (16 KiB per column).
 *
 * Accuracy: standard error 1.04 / sqrt(2^14) ≈ 0.81 %, with the usual small-range (linear
 * counting) correction; the 32-bit hash keeps estimates sound up to about 10^8 distinct values.
 */

const P = 14;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);
const TWO_POW_32 = 2 ** 32;

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit hash of a string's UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h ^ s.length);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** 32-bit hash of a number's IEEE-754 bits (-0 and 0 hash alike). */
export function hashNumber(v: number): number {
  f64[0] = v === 0 ? 0 : v;
  const lo = u32[0] ?? 0;
  const hi = u32[1] ?? 0;
  return fmix32(Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ fmix32(hi + 0x7f4a7c15));
}

export class HyperLogLog {
  /** One byte per register (sent as is between threads, see merge.ts). */
  readonly registers = new Uint8Array(M);

  static fromRegisters(registers: Uint8Array): HyperLogLog {
    const sketch = new HyperLogLog();
    sketch.registers.set(registers);
    return sketch;
  }

  /** Adds a 32-bit hash: the top 14 bits pick a register, the rest give the rank. */
  addHash(hash: number): void {
    const index = hash >>> (32 - P);
    const rest = (hash << P) >>> 0;
    // Rank = position of the first 1-bit in the remaining 18 bits (18 + 1 when they are all 0).
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > (this.registers[index] ?? 0)) this.registers[index] = rank;
  }

  addString(s: string): void {
    this.addHash(hashString(s));
  }

  addNumber(v: number): void {
    this.addHash(hashNumber(v));
  }

  /** The estimated number of distinct values added, rounded. */
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i] ?? 0;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    let e = (ALPHA * M * M) / sum;
    if (e <= 2.5 * M && zeros > 0) e = M * Math.log(M / zeros);
    else if (e > TWO_POW_32 / 30) e = -TWO_POW_32 * Math.log(1 - e / TWO_POW_32);
    return Math.round(e);
  }
}
