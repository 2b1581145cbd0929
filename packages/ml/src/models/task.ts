/**
 * What a target column asks for (binary or multiclass classification, or regression), its class
 * labels, and its cells turned into what the trainer consumes.
 */
import { compareLabels, type Label } from "../metrics/numeric";
import { isInfString, isNaString } from "../tabular/infer";
import type { Cell, ColumnType } from "../tabular/types";
import type { ModelTask } from "./hyperparams";

/** The most classes a classification target may have. */
export const MAX_CLASSES = 1000;
/** An integer target with at most this many distinct non-negative values is read as classes. */
export const MAX_INTEGER_CLASSES = 20;

export interface TaskDetection {
  task: ModelTask;
  /** Sorted class labels (numbers numerically, strings by code point); empty for regression.
   * Numeric targets keep number labels; boolean targets become "false" / "true". */
  labels: Label[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A numeric target cell as a number, or null when missing (null, "", NA strings, NaN, ±inf). */
export function numericTarget(cell: Cell): number | null {
  if (cell === null) return null;
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  const s = cell.trim();
  if (isNaString(s) || isInfString(s)) return null;
  if (!NUMBER.test(s)) throw new Error(`target: ${JSON.stringify(cell)} is not a number`);
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** A categorical (or boolean) target cell as its label, or null when missing. */
export function categoricalTarget(cell: Cell, type: ColumnType): string | null {
  if (cell === null) return null;
  if (type === "boolean") {
    if (typeof cell === "boolean") return cell ? "true" : "false";
    const s = String(cell).trim().toLowerCase();
    if (s === "" || isNaString(s)) return null;
    if (s === "true" || s === "1") return "true";
    if (s === "false" || s === "0") return "false";
    throw new Error(`target: ${JSON.stringify(cell)} is not a boolean`);
  }
  if (typeof cell === "number" && !Number.isFinite(cell)) return null;
  const s = String(cell);
  return s.trim() === "" || isNaString(s.trim()) ? null : s;
}

/** The target's cells as labels or numbers, null where missing. */
export function targetValues(values: readonly Cell[], type: ColumnType): (Label | null)[] {
  if (type === "datetime") throw new Error("target: a datetime column cannot be a target");
  return type === "numeric" || type === "integer" ? values.map(numericTarget) : values.map((c) => categoricalTarget(c, type));
}

function sortedDistinct(values: readonly (Label | null)[]): Label[] {
  const seen = new Set<Label>();
  for (const v of values) if (v !== null) seen.add(v);
  return [...seen].sort(compareLabels);
}

/**
 * Decides the task from a target column's cells and type (missing cells are ignored):
 * - boolean, categorical, text: two distinct values → binary, more → multiclass (at most
 *   MAX_CLASSES, else an Error: such a column is an identifier, not a class).
 * - numeric, integer: exactly two distinct values → binary (e.g. 0/1); all values whole and
 *   non-negative with at most MAX_INTEGER_CLASSES (20) distinct → multiclass (class codes such
 *   as 0…9); anything else → regression.
 * - datetime, or fewer than two distinct values: an Error (nothing to learn).
 */
export function detectTask(values: readonly Cell[], type: ColumnType): TaskDetection {
  const target = targetValues(values, type);
  const labels = sortedDistinct(target);
  if (labels.length === 0) throw new Error("target: the target column has no values");
  if (labels.length === 1) throw new Error(`target: the target has one class only (${String(labels[0])}); a model needs at least two`);
  if (type === "numeric" || type === "integer") {
    if (labels.length === 2) return { task: "binary", labels };
    const codes = labels.every((l) => typeof l === "number" && Number.isInteger(l) && l >= 0);
    if (codes && labels.length <= MAX_INTEGER_CLASSES) return { task: "multiclass", labels };
    return { task: "regression", labels: [] };
  }
  if (labels.length > MAX_CLASSES) {
    throw new Error(`target: ${labels.length} distinct values is more than ${MAX_CLASSES} classes; is the target an identifier?`);
  }
  return { task: labels.length === 2 ? "binary" : "multiclass", labels };
}

/**
 * Labels for a task the caller chose: checks that the target fits it (a regression needs a
 * numeric target; binary exactly two classes; multiclass two to MAX_CLASSES).
 */
export function labelsForTask(values: readonly Cell[], type: ColumnType, task: ModelTask): Label[] {
  const target = targetValues(values, type);
  if (task === "regression") {
    if (type !== "numeric" && type !== "integer") throw new Error(`task: a regression needs a numeric target, and this one is ${type}`);
    return [];
  }
  const labels = sortedDistinct(target);
  if (labels.length < 2) throw new Error(`target: the target has ${labels.length === 0 ? "no values" : `one class only (${String(labels[0])})`}; a model needs at least two classes`);
  if (task === "binary" && labels.length !== 2) throw new Error(`task: binary needs exactly two classes, and the target has ${labels.length}; use multiclass`);
  if (labels.length > MAX_CLASSES) throw new Error(`target: ${labels.length} distinct values is more than ${MAX_CLASSES} classes`);
  return labels;
}
