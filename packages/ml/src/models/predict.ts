/**
 * Batch prediction over a transformed matrix.
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelTask } from "./hyperparams";

export interface PredictOptions {
  /** Rows per model.predict chunk (tfjs uses 32 when not told: far slower). Default 1024. */
  batchSize?: number;
}

/**
 * Predicts `rows` rows of `cols` transformed values (row-major).
 * Classification: one row of class probabilities per input row, in label order (binary:
 * [P(negative), P(positive)]). Regression: one number per row.
 */
export function predictBatch(model: tf.LayersModel, values: Float64Array | Float32Array, rows: number, cols: number, task: "regression", options?: PredictOptions): number[];
export function predictBatch(model: tf.LayersModel, values: Float64Array | Float32Array, rows: number, cols: number, task: "binary" | "multiclass", options?: PredictOptions): number[][];
export function predictBatch(model: tf.LayersModel, values: Float64Array | Float32Array, rows: number, cols: number, task: ModelTask, options?: PredictOptions): number[] | number[][];
export function predictBatch(model: tf.LayersModel, values: Float64Array | Float32Array, rows: number, cols: number, task: ModelTask, options: PredictOptions = {}): number[] | number[][] {
  if (values.length !== rows * cols) throw new Error(`predictBatch: ${values.length} values for ${rows} rows × ${cols} columns`);
  if (rows === 0) return [];
  const out = tf.tidy(() => {
    const x = tf.tensor2d(values instanceof Float32Array ? values : Float32Array.from(values), [rows, cols]);
    const y = model.predict(x, { batchSize: options.batchSize ?? 1024 });
    if (Array.isArray(y)) throw new Error("predictBatch: the model has more than one output");
    return y;
  });
  const data = out.dataSync();
  const width = out.shape[1] ?? 1;
  out.dispose();
  if (task === "regression") return Array.from(data);
  if (task === "binary") {
    if (width !== 1) throw new Error(`predictBatch: a binary model has one output, this one ${width}`);
    return Array.from(data, (p) => [1 - p, p]);
  }
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}
