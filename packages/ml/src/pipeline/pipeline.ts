/**
 * Keel's preprocessing pipeline: fitted on the training rows only, then applied unchanged to any
 * rows (validation, test, serving). Per feature type, as scikit-learn 1.9 does it:
 *
 * - numeric/integer: SimpleImputer(strategy="mean"), then StandardScaler (population std,
 *   ddof = 0, fitted on the imputed column; a constant column scales by 1).
 * - boolean: true → 1, false → 0; missing → the training mode (ties → 0). Not scaled.
 * - categorical/text: SimpleImputer(strategy="most_frequent") (ties → the smallest value), then
 *   one-hot over the training categories sorted by code point, plus one extra `name=<unknown>`
 *   column that is 1 for a value not seen in training. scikit-learn's
 *   OneHotEncoder(handle_unknown="ignore") gives an all-zero row instead; the other columns agree.
 * - datetime: not supported (fitPipeline throws).
 *
 * Cells: null and "" are missing. Numeric features parse number strings (CSV cells); NaN,
 * ±Infinity, "nan", "inf" and overflowing strings such as "1e309" count as missing; any other
 * non-number throws. Categorical values are compared as strings (`7` and "7" are one category).
 */
import { neumaierSum } from "../metrics/numeric";
import { isInfString, isNaString } from "../tabular/infer";
import type { Cell, ColumnType } from "../tabular/types";
import { type FittedPipeline, type FittedStep, outputColumns, PIPELINE_VERSION, ZFittedPipeline } from "./schema";

export interface FeatureSpec {
  name: string;
  type: ColumnType;
}

export interface PipelineSpec {
  features: readonly FeatureSpec[];
}

/** Rows as objects keyed by column name, or columns as arrays of one length. */
export type PipelineInput = readonly Readonly<Record<string, Cell>>[] | Readonly<Record<string, readonly Cell[]>>;

export interface Transformed {
  /** rows × outputColumns.length values, row-major. */
  values: Float64Array;
  rows: number;
  outputColumns: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Number of rows, and a reader for one column's cells (null where a row lacks the key). */
function columnsOf(input: PipelineInput, what: string): { rows: number; column: (name: string) => Cell[] } {
  if (Array.isArray(input)) {
    const rows = input as readonly Readonly<Record<string, Cell>>[];
    return {
      rows: rows.length,
      column: (name) => {
        if (rows.length > 0 && !rows.some((r) => Object.hasOwn(r, name))) throw new Error(`${what}: no row has the column "${name}"`);
        return rows.map((r) => (Object.hasOwn(r, name) ? (r[name] ?? null) : null));
      },
    };
  }
  const columns = input as Readonly<Record<string, readonly Cell[]>>;
  const lengths = new Set(Object.values(columns).map((c) => c.length));
  if (lengths.size > 1) throw new Error(`${what}: the columns have different lengths (${[...lengths].join(", ")})`);
  return {
    rows: [...lengths][0] ?? 0,
    column: (name) => {
      const cells = Object.hasOwn(columns, name) ? columns[name] : undefined;
      if (cells === undefined) throw new Error(`${what}: there is no column "${name}"`);
      return [...cells];
    },
  };
}

function toNumber(cell: Cell, where: () => string): number | null {
  if (cell === null) return null;
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell === "string") {
    const s = cell.trim();
    // One notion of "missing" with the profiler: "" and pandas' NA strings; ±inf counts as missing too.
    if (isNaString(s) || isInfString(s)) return null;
    if (NUMBER.test(s)) {
      const v = Number(s);
      return Number.isFinite(v) ? v : null;
    }
  }
  throw new Error(`${where()}: ${JSON.stringify(cell)} is not a number`);
}

function toBit(cell: Cell, where: () => string): 0 | 1 | null {
  if (cell === null) return null;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  if (cell === 1 || cell === 0) return cell;
  if (typeof cell === "string") {
    const s = cell.trim().toLowerCase();
    if (s === "") return null;
    if (s === "true" || s === "1") return 1;
    if (s === "false" || s === "0") return 0;
  }
  throw new Error(`${where()}: ${JSON.stringify(cell)} is not a boolean`);
}

function toCategory(cell: Cell): string | null {
  if (cell === null || cell === "") return null;
  if (typeof cell === "number" && !Number.isFinite(cell)) return null;
  return String(cell);
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Population mean and scale as StandardScaler computes them (with its near-constant test). */
function standardScale(values: readonly number[]): { mean: number; scale: number } {
  const n = values.length;
  const mean = neumaierSum(values) / n;
  const deviations = values.map((v) => v - mean);
  const correction = neumaierSum(deviations);
  const variance = (neumaierSum(deviations.map((d) => d * d)) - (correction * correction) / n) / n;
  const eps = Number.EPSILON;
  const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
  return { mean, scale: constant ? 1 : Math.sqrt(variance) };
}

function fitStep(feature: FeatureSpec, cells: readonly Cell[], what: string): FittedStep {
  const { name, type } = feature;
  const where = (i: number) => () => `${what}: row ${i + 1}, column "${name}"`;
  const noValues = () => new Error(`${what}: column "${name}" has no non-missing values in the training rows`);
  switch (type) {
    case "numeric":
    case "integer": {
      const present = cells.map((c, i) => toNumber(c, where(i)));
      const known = present.filter((v): v is number => v !== null);
      if (known.length === 0) throw noValues();
      const fill = neumaierSum(known) / known.length;
      const { mean, scale } = standardScale(present.map((v) => v ?? fill));
      return { kind: "standardize", name, type, fill, mean, scale };
    }
    case "boolean": {
      const bits = cells.map((c, i) => toBit(c, where(i))).filter((b) => b !== null);
      if (bits.length === 0) throw noValues();
      const ones = bits.filter((b) => b === 1).length;
      return { kind: "boolean", name, fill: ones > bits.length - ones ? 1 : 0 };
    }
    case "categorical":
    case "text": {
      const counts = new Map<string, number>();
      for (const c of cells) {
        const v = toCategory(c);
        if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const categories = [...counts.keys()].sort(byCodePoint);
      let fill: string | undefined;
      for (const c of categories) if (fill === undefined || (counts.get(c) ?? 0) > (counts.get(fill) ?? 0)) fill = c;
      if (fill === undefined) throw noValues();
      return { kind: "one_hot", name, type, fill, categories };
    }
    case "datetime":
      throw new Error(`${what}: column "${name}" is a datetime column, which the pipeline does not support`);
  }
}

/** Learns every feature's imputation, scaling and categories from `training` rows only. */
export function fitPipeline(training: PipelineInput, spec: PipelineSpec): FittedPipeline {
  const what = "fitPipeline";
  if (spec.features.length === 0) throw new Error(`${what}: the spec has no features`);
  const names = new Set<string>();
  for (const f of spec.features) {
    if (names.has(f.name)) throw new Error(`${what}: feature "${f.name}" is listed twice`);
    names.add(f.name);
  }
  const { rows, column } = columnsOf(training, what);
  if (rows === 0) throw new Error(`${what}: no training rows`);
  const pipeline = ZFittedPipeline.parse({
    version: PIPELINE_VERSION,
    steps: spec.features.map((f) => fitStep(f, column(f.name), what)),
  });
  const out = outputColumns(pipeline);
  const duplicate = out.find((c, i) => out.indexOf(c) !== i);
  if (duplicate !== undefined) throw new Error(`${what}: two output columns would be named "${duplicate}"`);
  return pipeline;
}

/** Applies a fitted pipeline, unchanged, to `rows`. */
export function transform(pipeline: FittedPipeline, input: PipelineInput): Transformed {
  const what = "transform";
  const { rows, column } = columnsOf(input, what);
  const names = outputColumns(pipeline);
  const width = names.length;
  const values = new Float64Array(rows * width);
  let offset = 0;
  for (const step of pipeline.steps) {
    const cells = column(step.name);
    const where = (i: number) => () => `${what}: row ${i + 1}, column "${step.name}"`;
    if (step.kind === "standardize") {
      cells.forEach((c, i) => {
        values[i * width + offset] = ((toNumber(c, where(i)) ?? step.fill) - step.mean) / step.scale;
      });
      offset += 1;
    } else if (step.kind === "boolean") {
      cells.forEach((c, i) => {
        values[i * width + offset] = toBit(c, where(i)) ?? step.fill;
      });
      offset += 1;
    } else {
      const index = new Map(step.categories.map((c, j) => [c, j]));
      const unknown = step.categories.length;
      cells.forEach((c, i) => {
        values[i * width + offset + (index.get(toCategory(c) ?? step.fill) ?? unknown)] = 1;
      });
      offset += unknown + 1;
    }
  }
  return { values, rows, outputColumns: names };
}
