/**
 * Permutation feature importance (scikit-learn's permutation_importance): how much the test
 * score drops when one original feature's values are shuffled across rows, breaking its link
 * to the target. A one-hot feature's output columns move together (one permutation of rows
 * for all of them), so the importance is per feature, not per category.
 */
import type * as tf from "@tensorflow/tfjs";
import { accuracy, r2Score } from "../metrics";
import type { Label } from "../metrics/numeric";
import type { FittedPipeline } from "../pipeline/schema";
import { seededRandom } from "../tabular/testing";
import type { ModelTask } from "./hyperparams";
import { predictBatch } from "./predict";

export interface FeatureImportance {
  feature: string;
  /** Mean drop of the score (accuracy or R²) over the repeats; higher = more important. */
  importanceMean: number;
  /** Population standard deviation of the drops (numpy's std, as sklearn reports it). */
  importanceStd: number;
}

export interface PermutationImportanceOptions {
  model: tf.LayersModel;
  pipeline: FittedPipeline;
  task: ModelTask;
  /** Transformed test rows (row-major, the pipeline's output columns). */
  values: Float64Array;
  rows: number;
  /** Classification: the true label per row; regression: the true value. */
  yTrue: readonly Label[];
  /** Classification: the labels in model-output order. */
  labels?: readonly Label[];
  seed: number;
  /** Shuffles per feature; default 5. */
  repeats?: number;
}

/** The output column range [start, end) of each original feature, in pipeline order. */
export function featureColumns(pipeline: FittedPipeline): { feature: string; start: number; end: number }[] {
  let offset = 0;
  return pipeline.steps.map((step) => {
    const width = step.kind === "one_hot" ? step.categories.length + 1 : 1;
    const range = { feature: step.name, start: offset, end: offset + width };
    offset += width;
    return range;
  });
}

/** The score permutation importance measures: accuracy (classification) or R² (regression). */
export function modelScore(model: tf.LayersModel, task: ModelTask, values: Float64Array, rows: number, cols: number, yTrue: readonly Label[], labels: readonly Label[] = []): number {
  if (task === "regression") {
    return r2Score(yTrue.map(Number), predictBatch(model, values, rows, cols, "regression"));
  }
  const probabilities = predictBatch(model, values, rows, cols, task);
  const predicted = probabilities.map((row) => {
    let best = 0;
    row.forEach((p, j) => {
      if (p > (row[best] ?? Number.NEGATIVE_INFINITY)) best = j;
    });
    return labels[best] ?? Number.NaN;
  });
  return typeof yTrue[0] === "number" ? accuracy(yTrue.map(Number), predicted.map(Number)) : accuracy(yTrue.map(String), predicted.map(String));
}

/** Importance of every original feature, most important first. */
export function permutationImportance(options: PermutationImportanceOptions): FeatureImportance[] {
  const { model, pipeline, task, values, rows, yTrue, labels, seed } = options;
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`permutationImportance: repeats must be a positive integer (got ${repeats})`);
  const features = featureColumns(pipeline);
  const cols = features.at(-1)?.end ?? 0;
  if (values.length !== rows * cols) throw new Error(`permutationImportance: ${values.length} values for ${rows} rows × ${cols} columns`);
  if (yTrue.length !== rows) throw new Error(`permutationImportance: ${yTrue.length} targets for ${rows} rows`);
  const baseline = modelScore(model, task, values, rows, cols, yTrue, labels);
  const random = seededRandom(seed);
  const permuted = new Float64Array(values.length);
  const order = new Int32Array(rows);
  const result = features.map(({ feature, start, end }) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < rows; i++) order[i] = i;
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const a = order[i] ?? 0;
        order[i] = order[j] ?? 0;
        order[j] = a;
      }
      permuted.set(values);
      for (let i = 0; i < rows; i++) {
        const from = (order[i] ?? 0) * cols;
        for (let c = start; c < end; c++) permuted[i * cols + c] = values[from + c] ?? 0;
      }
      drops.push(baseline - modelScore(model, task, permuted, rows, cols, yTrue, labels));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) * (b - mean), 0) / drops.length);
    return { feature, importanceMean: mean, importanceStd: std };
  });
  return result.sort((a, b) => b.importanceMean - a.importanceMean || (a.feature < b.feature ? -1 : 1));
}
