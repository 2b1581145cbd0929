/**
 * Seeded synthetic data sets for the models' tests (small, so training takes milliseconds).
 */
import type { Cell } from "../tabular/types";
import { seededRandom } from "../tabular/testing";

/** A standard normal generator (Box–Muller) over a seeded uniform one. */
export function seededNormal(seed: number): () => number {
  const random = seededRandom(seed);
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Gaussian blobs in `dims` dimensions: one center per class (label "a", "b", …), `perClass` rows each. */
export function blobs(options: { perClass: number[]; dims: number; spread: number; seed: number; separation?: number }): Record<string, Cell[]> {
  const normal = seededNormal(options.seed);
  const columns: Record<string, Cell[]> = { label: [] };
  for (let d = 0; d < options.dims; d++) columns[`x${d + 1}`] = [];
  options.perClass.forEach((count, c) => {
    const center = Array.from({ length: options.dims }, (_, d) => (options.separation ?? 3) * Math.cos((2 * Math.PI * c) / options.perClass.length + d));
    for (let i = 0; i < count; i++) {
      columns.label?.push(String.fromCharCode(97 + c));
      center.forEach((m, d) => columns[`x${d + 1}`]?.push(m + options.spread * normal()));
    }
  });
  return columns;
}

/** y = 300·x1 − 200·x2 + 1000 + noise·N(0, 1), plus a pure-noise column "noise". */
export function linearData(rows: number, seed: number, noise = 1): Record<string, Cell[]> {
  const normal = seededNormal(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const z: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = normal();
    const b = normal();
    x1.push(a);
    x2.push(b);
    z.push(normal());
    y.push(300 * a - 200 * b + 1000 + noise * normal());
  }
  return { x1, x2, noise: z, y };
}

/** A row-major matrix from columns. */
export function matrix(columns: readonly (readonly number[])[]): Float64Array {
  const rows = columns[0]?.length ?? 0;
  const out = new Float64Array(rows * columns.length);
  columns.forEach((col, j) => col.forEach((v, i) => (out[i * columns.length + j] = v)));
  return out;
}
