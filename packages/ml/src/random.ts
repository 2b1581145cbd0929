/**
 * mulberry32: a small, fast PRNG over a 32-bit state, returning floats in [0, 1). The same state
 * gives the same sequence on every platform (only 32-bit integer arithmetic). One implementation
 * for the sweep planner, the splits and the test data.
 */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
