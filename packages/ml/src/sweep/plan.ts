/**
 * Trial planning: the hyperparameter assignments a sweep will run, by grid or seeded random search.
 */
import { mulberry32 } from "../random";
import { type Distribution, type ParamSpec, type ParamValue, parseSearchSpace, type SearchSpace } from "./space";

/** Largest grid (full cartesian product, before `trials` caps it) planTrials accepts. */
export const MAX_GRID_TRIALS = 10_000;
/** Most trials a random plan may draw. */
export const MAX_RANDOM_TRIALS = 1000;

/** One trial's hyperparameters, keyed like the search space (same key order). */
export type TrialParams = Record<string, ParamValue>;

export interface PlanTrialsInput {
  method: "grid" | "random";
  space: SearchSpace;
  /** Grid: optional cap (1..10,000) keeping the first `trials` combinations. Random: required, 1..1000. */
  trials?: number;
  /** Random: required; any safe integer. Ignored by grid (a grid is already deterministic). */
  seed?: number;
}

/**
 * splitmix32 finaliser (a bijection on uint32): spreads nearby seeds (0, 1, 2, …) to unrelated states.
 */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A deterministic PRNG (mulberry32, seeded through splitmix32) returning floats in [0, 1).
 * The whole safe-integer seed matters (high and low 32 bits). Same seed → same sequence, on every
 * platform (only 32-bit integer arithmetic).
 *
 * @throws Error when the seed is not a safe integer.
 */
export function createRng(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer (got ${seed})`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return mulberry32(mix32(lo ^ mix32(hi)));
}

function clone(v: ParamValue): ParamValue {
  return Array.isArray(v) ? [...v] : v;
}

function isDistribution(spec: ParamSpec): spec is Distribution {
  return !Array.isArray(spec);
}

/** The values a parameter takes in a grid, in order. */
function gridAxis(name: string, spec: ParamSpec): readonly ParamValue[] {
  if (!isDistribution(spec)) return spec;
  switch (spec.type) {
    case "choice":
      return spec.values;
    case "int": {
      const step = spec.step ?? 1;
      const out: number[] = [];
      for (let v = spec.min; v <= spec.max; v += step) out.push(v);
      return out;
    }
    case "uniform":
    case "loguniform":
      throw new Error(`grid search cannot enumerate parameter "${name}" (a continuous ${spec.type} range): list its values or use method "random"`);
  }
}

function gridSize(name: string, spec: ParamSpec): number {
  if (isDistribution(spec) && spec.type === "int") return Math.floor((spec.max - spec.min) / (spec.step ?? 1)) + 1;
  return gridAxis(name, spec).length;
}

function sample(spec: ParamSpec, rand: () => number): ParamValue {
  if (!isDistribution(spec)) return clone(spec[Math.floor(rand() * spec.length)] as ParamValue);
  switch (spec.type) {
    case "choice":
      return clone(spec.values[Math.floor(rand() * spec.values.length)] as ParamValue);
    case "uniform":
      return Math.min(spec.max, spec.min + rand() * (spec.max - spec.min));
    case "loguniform": {
      const lo = Math.log(spec.min);
      const hi = Math.log(spec.max);
      return Math.min(spec.max, Math.max(spec.min, Math.exp(lo + rand() * (hi - lo))));
    }
    case "int": {
      const step = spec.step ?? 1;
      const count = Math.floor((spec.max - spec.min) / step) + 1;
      return spec.min + step * Math.floor(rand() * count);
    }
  }
}

function checkTrials(trials: number, max: number, method: string): void {
  if (!Number.isSafeInteger(trials) || trials < 1 || trials > max) throw new Error(`${method} search: trials must be an integer from 1 to ${max} (got ${trials})`);
}

/**
 * The trials of a sweep, as hyperparameter records keyed like the space.
 *
 * Grid: the cartesian product of every parameter's values, the first parameter varying slowest
 * and the last fastest (like Python's itertools.product), values in their listed order, int
 * ranges expanded min, min+step, … ≤ max. uniform/loguniform parameters are an error naming the
 * parameter. A product larger than {@link MAX_GRID_TRIALS} is an error even when `trials` is
 * given (a prefix of a huge grid only varies its last parameters; use random search instead);
 * otherwise `trials` truncates to the first `trials` combinations.
 *
 * Random: `trials` (1..1000) and `seed` are required; each trial draws each parameter in key
 * order from {@link createRng}(seed): lists/choices uniformly, uniform in [min, max), loguniform
 * uniformly in log space, ints uniformly over min, min+step, … ≤ max (inclusive). Same seed and
 * space → same plan. Draws may repeat.
 *
 * @throws Error on an invalid space (see parseSearchSpace) or the conditions above.
 */
export function planTrials(input: PlanTrialsInput): TrialParams[] {
  const space = parseSearchSpace(input.space);
  const names = Object.keys(space);
  const specs = names.map((n) => space[n] as ParamSpec);

  if (input.method === "grid") {
    let product = 1;
    const sizes = names.map((n, i) => gridSize(n, specs[i] as ParamSpec));
    for (const s of sizes) product *= s;
    if (product > MAX_GRID_TRIALS) {
      const detail = names.map((n, i) => `${n}: ${sizes[i]}`).join(" × ");
      throw new Error(`grid search: the grid has ${product} combinations (${detail}), more than ${MAX_GRID_TRIALS}; narrow the space or use method "random"`);
    }
    if (input.trials !== undefined) checkTrials(input.trials, MAX_GRID_TRIALS, "grid");
    const axes = names.map((n, i) => gridAxis(n, specs[i] as ParamSpec));
    const count = Math.min(product, input.trials ?? product);
    const out: TrialParams[] = [];
    for (let t = 0; t < count; t++) {
      const trial: TrialParams = {};
      let rest = t;
      // Mixed-radix digits of t, last parameter least significant.
      const digits = new Array<number>(names.length);
      for (let i = names.length - 1; i >= 0; i--) {
        const size = sizes[i] as number;
        digits[i] = rest % size;
        rest = Math.floor(rest / size);
      }
      for (let i = 0; i < names.length; i++) trial[names[i] as string] = clone((axes[i] as readonly ParamValue[])[digits[i] as number] as ParamValue);
      out.push(trial);
    }
    return out;
  }

  if (input.method !== "random") throw new Error(`method must be "grid" or "random" (got ${JSON.stringify(input.method)})`);
  if (input.trials === undefined) throw new Error("random search: trials is required (1 to 1000)");
  checkTrials(input.trials, MAX_RANDOM_TRIALS, "random");
  if (input.seed === undefined) throw new Error("random search: seed is required so the plan is reproducible");
  const rand = createRng(input.seed);
  const out: TrialParams[] = [];
  for (let t = 0; t < input.trials; t++) {
    const trial: TrialParams = {};
    for (let i = 0; i < names.length; i++) trial[names[i] as string] = sample(specs[i] as ParamSpec, rand);
    out.push(trial);
  }
  return out;
}
