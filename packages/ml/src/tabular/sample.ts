/**
 * A numeric column past the profiler's memory budget (see accumulator.ts): a uniform reservoir
 * sample of its values (Algorithm R) for quantiles and histogram, while count, min, max and the
 * moments stay exact (the exact head's numpy moments merged with the streamed tail's Welford
 * moments by Chan's formula) and a HyperLogLog counts distinct values.
 */
import { HyperLogLog } from "./hll";
import { exactMoments } from "./numeric";

/** A reservoir holds at least this many values, however early the budget ran out. */
const MIN_RESERVOIR = 4096;

export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

export class NumericSample {
  min = Infinity;
  max = -Infinity;
  readonly sketch = new HyperLogLog();
  /** Values seen, the head included. */
  private seen: number;
  readonly size: number;
  private readonly head: Moments;
  private readonly tail: Moments = { n: 0, mean: 0, m2: 0 };

  /** Starts from the values stored so far (the head), which become the first of the sample. */
  constructor(head: Float64Array) {
    this.head = exactMoments(head);
    for (const v of head) {
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      this.sketch.addNumber(v);
    }
    this.seen = head.length;
    this.size = Math.max(head.length, MIN_RESERVOIR);
  }

  /** Counts `v`; returns where the sample (now holding `n` values) keeps it: `n` to append, an
   * index below `n` to replace, -1 not at all. */
  add(v: number, n: number): number {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sketch.addNumber(v);
    const t = this.tail;
    t.n++;
    const d = v - t.mean;
    t.mean += d / t.n;
    t.m2 += d * (v - t.mean);
    this.seen++;
    if (n < this.size) return n;
    const j = Math.floor(Math.random() * this.seen);
    return j < n ? j : -1;
  }

  /** Moments of every value (exact head merged with the streamed tail). */
  moments(): Moments {
    const a = this.head;
    const b = this.tail;
    const n = a.n + b.n;
    if (n === 0) return { n, mean: 0, m2: 0 };
    const delta = b.mean - a.mean;
    return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
  }
}
