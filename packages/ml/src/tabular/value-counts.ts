/**
 * Value counts of a string column (and the kept texts of a numeric one, accumulator.ts): each
 * value as written and how often it occurs, exact up to DISTINCT_EXACT_LIMIT distinct values;
 * past that a HyperLogLog sketch (hll.ts, ≈0.8 % error) counts distinct values and only values
 * already in the map keep being counted (for the top values).
 */
import { HyperLogLog } from "./hll";

export const DISTINCT_EXACT_LIMIT = 100_000;

/** Slot of the direct-mapped key cache (from length, first and last character). */
function cacheSlot(s: string): number {
  const len = s.length;
  return (len * 7 + s.charCodeAt(0) * 31 + s.charCodeAt(len - 1)) & 255;
}

export class ValueCounts {
  /** Each value as written → its index in keyCounts. */
  readonly keyIndex = new Map<string, number>();
  readonly keyCounts: number[] = [];
  /** A direct-mapped cache in front of keyIndex: slot → the last key seen there and its index
   * (about twice as fast as Map#get for repeats). */
  protected readonly cacheKeys: (string | null)[] = new Array<string | null>(256).fill(null);
  protected readonly cacheIndex = new Int32Array(256);
  stringSketch: HyperLogLog | null = null;

  /** Distinct values (for the categorical/text rule). */
  get distinct(): number {
    return this.stringSketch === null ? this.keyCounts.length : this.stringSketch.estimate();
  }

  /** Counts `c` more of value `s` (past DISTINCT_EXACT_LIMIT distinct values, only values
   * already in the map are counted; the others only go into the distinct sketch). */
  addKey(s: string, c: number): void {
    const slot = cacheSlot(s);
    if (this.cacheKeys[slot] === s) {
      const idx = this.cacheIndex[slot] ?? 0;
      this.keyCounts[idx] = (this.keyCounts[idx] ?? 0) + c;
      return;
    }
    const idx = this.keyIndex.get(s);
    if (idx !== undefined) {
      this.keyCounts[idx] = (this.keyCounts[idx] ?? 0) + c;
      this.cacheKeys[slot] = s;
      this.cacheIndex[slot] = idx;
      return;
    }
    if (this.stringSketch !== null) {
      this.stringSketch.addString(s);
      return;
    }
    this.keyIndex.set(s, this.keyCounts.length);
    this.keyCounts.push(c);
    if (this.keyCounts.length > DISTINCT_EXACT_LIMIT) {
      const sketch = new HyperLogLog();
      for (const key of this.keyIndex.keys()) sketch.addString(key);
      this.stringSketch = sketch;
    }
  }

  protected clearKeys(): void {
    this.keyIndex.clear();
    this.keyCounts.length = 0;
    this.cacheKeys.fill(null);
  }
}
