/**
 * Keel's training loop over a built model, reproducible for a given seed on one backend:
 *
 * - The rows are shuffled at every epoch by Keel's own seeded generator (mulberry32), not by
 *   TensorFlow.js (whose fit() shuffles with Math.random).
 * - Dropout masks come from seeds drawn from the same generator (a Dropout layer's own `seed`
 *   would give the same mask at every batch), initial weights from seeded initializers.
 * - Loss per batch: the mean of (class weight × per-row loss), as Keras weighs samples, plus
 *   the kernels' L2 penalties. Reported `loss` is its mean over the epoch's rows; `valLoss` the
 *   unweighted loss of the validation rows (plus the penalties), computed after the epoch in
 *   inference mode (no dropout).
 * - Regression targets are standardised with the training rows' mean and standard deviation
 *   while training (so one learning rate suits targets of any scale): its losses are in units
 *   of that standard deviation squared (valLoss ≈ 1 − R²). When training ends, the scale is
 *   folded into the output layer (kernel·s, bias·s + mean), so the model predicts raw values.
 * - Early stopping watches valLoss (the training loss when there are no validation rows),
 *   stops after `patience` epochs without an improvement larger than minDelta (Keras' rule),
 *   and restores the best epoch's weights.
 * - Cancellation: `signal` is checked after every batch and `shouldStop` after every epoch, so a
 *   cancel stops within one epoch; a cut-short epoch is not counted or reported.
 */
import * as tf from "@tensorflow/tfjs";
import type { Label } from "../metrics/numeric";
import { seededRandom } from "../tabular/testing";
import { buildModel } from "./build";
import type { ClassWeight, ModelFamily, ModelTask, ResolvedHyperparams } from "./hyperparams";
import { resolveHyperparams, ZResolvedHyperparams } from "./hyperparams";

/** One epoch's figures, as onEpoch receives them and the history keeps them. */
export interface EpochLog {
  /** 1-based. */
  epoch: number;
  loss: number;
  /** Null when there are no validation rows. */
  valLoss: number | null;
  /** Classification only: share of training rows predicted right during the epoch (with dropout). */
  accuracy?: number;
  valAccuracy?: number;
  /** Wall time of the epoch in whole milliseconds, validation included. */
  ms: number;
}

/** A row-major matrix of transformed features and one target per row. */
export interface TrainingData {
  x: Float64Array | Float32Array;
  rows: number;
  /** Binary: 0/1 (1 = the positive, larger label); multiclass: class index; regression: the value. */
  y: ArrayLike<number>;
}

export interface TrainModelOptions {
  family: ModelFamily;
  task: ModelTask;
  /** Raw hyperparameters (checked and completed with resolveHyperparams), or resolved ones
   * (resolveHyperparams' output, checked against ZResolvedHyperparams). */
  hyperparams?: unknown;
  cols: number;
  train: TrainingData;
  validation?: TrainingData;
  /** Class labels in index order: required for multiclass and for a classWeight record. */
  labels?: readonly Label[];
  seed: number;
  signal?: AbortSignal;
  shouldStop?: () => boolean | Promise<boolean>;
  onEpoch?: (e: EpochLog) => void | Promise<void>;
}

export interface TrainModelResult {
  model: tf.Sequential;
  hyperparams: ResolvedHyperparams;
  history: EpochLog[];
  epochsRun: number;
  /** The epoch with the lowest monitored loss (0 when no epoch finished). */
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  /** Regression: the training target's mean and standard deviation used while training. */
  targetScale?: { mean: number; std: number };
}

function makeOptimizer(h: ResolvedHyperparams): tf.Optimizer {
  switch (h.optimizer) {
    case "adam":
      return tf.train.adam(h.learningRate);
    case "sgd":
      return tf.train.sgd(h.learningRate);
    case "rmsprop":
      return tf.train.rmsprop(h.learningRate);
    case "adagrad":
      return tf.train.adagrad(h.learningRate);
  }
}

function perRowLoss(task: ModelTask, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  if (task === "binary") return tf.metrics.binaryCrossentropy(yTrue, yPred);
  if (task === "multiclass") return tf.metrics.categoricalCrossentropy(yTrue, yPred);
  return tf.metrics.meanSquaredError(yTrue, yPred);
}

/** Rows predicted right (classification). */
function correctCount(task: ModelTask, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  if (task === "binary") return tf.sum(tf.cast(tf.equal(tf.greaterEqual(yPred, 0.5), tf.greaterEqual(yTrue, 0.5)), "float32"));
  return tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), "float32"));
}

/** Forward pass; in training mode, each Dropout layer gets a fresh seeded mask. */
function forward(model: tf.LayersModel, x: tf.Tensor, dropout: { rate: number; seed: () => number } | null): tf.Tensor {
  let h = x;
  for (const layer of model.layers) {
    if (layer.getClassName() === "Dropout") {
      if (dropout !== null && dropout.rate > 0) h = tf.dropout(h, dropout.rate, undefined, dropout.seed());
      continue;
    }
    h = layer.apply(h) as tf.Tensor;
  }
  return h;
}

/** Per-class weights by class index; null when every weight is 1. */
export function classWeights(spec: ClassWeight, y: ArrayLike<number>, classes: number, labels: readonly Label[] | undefined): number[] | null {
  if (spec === "none") return null;
  if (spec === "balanced") {
    const counts = new Array<number>(classes).fill(0);
    for (let i = 0; i < y.length; i++) {
      const c = y[i] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
    }
    // scikit-learn's compute_class_weight("balanced"): n / (k · count_c); an absent class gets 1.
    return counts.map((count) => (count === 0 ? 1 : y.length / (classes * count)));
  }
  if (labels === undefined) throw new Error("classWeight: a weight per label needs the labels");
  const names = labels.map(String);
  for (const key of Object.keys(spec)) {
    if (!names.includes(key)) throw new Error(`classWeight: ${JSON.stringify(key)} is not one of the classes (${names.join(", ")})`);
  }
  return names.map((name) => spec[name] ?? 1);
}

function shuffleInPlace(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = values[i] ?? 0;
    values[i] = values[j] ?? 0;
    values[j] = a;
  }
}

interface Prepared {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  rows: number;
}

function prepare(data: TrainingData, cols: number, task: ModelTask, classes: number, scale: { mean: number; std: number } | undefined, what: string): Prepared {
  const { rows } = data;
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`trainModel: ${what} has no rows`);
  if (data.x.length !== rows * cols) throw new Error(`trainModel: ${what} x has ${data.x.length} values for ${rows} rows × ${cols} columns`);
  if (data.y.length !== rows) throw new Error(`trainModel: ${what} y has ${data.y.length} values for ${rows} rows`);
  const yValues = Float32Array.from({ length: rows }, (_, i) => {
    const v = data.y[i] ?? Number.NaN;
    if (!Number.isFinite(v)) throw new Error(`trainModel: ${what} y[${i}] is ${v}`);
    if (task === "binary" && v !== 0 && v !== 1) throw new Error(`trainModel: ${what} y[${i}] is ${v}; a binary target is 0 or 1`);
    if (task === "multiclass" && (!Number.isInteger(v) || v < 0 || v >= classes)) throw new Error(`trainModel: ${what} y[${i}] is ${v}, not a class index below ${classes}`);
    return scale === undefined ? v : (v - scale.mean) / scale.std;
  });
  const x = tf.tensor2d(data.x instanceof Float32Array ? data.x : Float32Array.from(data.x), [rows, cols]);
  const y =
    task === "multiclass"
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(yValues), "int32"), classes).toFloat() as tf.Tensor2D)
      : tf.tensor2d(yValues, [rows, 1]);
  return { x, y, rows };
}

/** Trains a fresh model of the family on `train`, watching `validation`. */
/**
 * How often training lets the event loop run (timers, sockets). The wasm and cpu backends compute
 * synchronously and their awaits resolve as microtasks, so without this a training loop in a
 * process that also serves HTTP (the embedded shape) or talks to an in-process PGlite would
 * starve every timer and request until it ends.
 */
const YIELD_EVERY_MS = 50;

function yieldToEventLoop(): Promise<number> {
  return new Promise((resolve) => setImmediate(() => resolve(performance.now())));
}

export async function trainModel(options: TrainModelOptions): Promise<TrainModelResult> {
  const { family, task, cols, seed, signal, shouldStop, onEpoch } = options;
  const resolved = ZResolvedHyperparams.safeParse(options.hyperparams);
  const h = resolved.success ? resolved.data : resolveHyperparams(family, task, options.hyperparams ?? {});
  const classes = task === "multiclass" ? (options.labels?.length ?? 0) : task === "binary" ? 2 : 1;
  if (task === "multiclass" && classes < 2) throw new Error("trainModel: multiclass needs labels (at least two)");
  let targetScale: { mean: number; std: number } | undefined;
  if (task === "regression") {
    const y = Array.from(options.train.y);
    const mean = y.reduce((a, b) => a + b, 0) / Math.max(y.length, 1);
    const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) * (b - mean), 0) / Math.max(y.length, 1));
    targetScale = { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
  }
  const weightsByClass = task === "regression" ? null : classWeights(h.classWeight, options.train.y, classes, options.labels);

  const model = buildModel({ family, task, inputDim: cols, classes, hyperparams: h, seed });
  const train = prepare(options.train, cols, task, classes, targetScale, "train");
  const validation = options.validation === undefined || options.validation.rows === 0 ? undefined : prepare(options.validation, cols, task, classes, targetScale, "validation");
  const rowWeights =
    weightsByClass === null ? null : tf.tensor1d(Float32Array.from({ length: train.rows }, (_, i) => weightsByClass[options.train.y[i] ?? 0] ?? 1));
  const optimizer = makeOptimizer(h);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const random = seededRandom(seed ^ 0x5bd1e995);
  const dropout = h.dropout > 0 ? { rate: h.dropout, seed: () => Math.floor(random() * 2 ** 31) } : null;
  const classification = task !== "regression";
  const order = Int32Array.from({ length: train.rows }, (_, i) => i);
  const batchSize = Math.min(h.batchSize, train.rows);

  const history: EpochLog[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let wait = 0;
  let stoppedEarly = false;
  let cancelled = false;
  let lastYield = performance.now();

  try {
    for (let epoch = 1; epoch <= h.epochs; epoch++) {
      const started = performance.now();
      shuffleInPlace(order, random);
      let lossSum: tf.Tensor = tf.scalar(0);
      let correctSum: tf.Tensor = tf.scalar(0);
      for (let start = 0; start < train.rows; start += batchSize) {
        const n = Math.min(batchSize, train.rows - start);
        const correct: tf.Scalar[] = [];
        const cost = tf.tidy(() => {
          const index = tf.tensor1d(order.subarray(start, start + n), "int32");
          const xb = tf.gather(train.x, index);
          const yb = tf.gather(train.y, index);
          const wb = rowWeights === null ? null : tf.gather(rowWeights, index);
          const c = optimizer.minimize(
            () => {
              const pred = forward(model, xb, dropout);
              const perRow = perRowLoss(task, yb, pred);
              const data = wb === null ? tf.mean(perRow) : tf.mean(tf.mul(perRow, wb));
              const penalties = model.calculateLosses();
              if (classification) correct.push(tf.keep(correctCount(task, yb, pred)));
              return (penalties.length === 0 ? data : tf.add(data, tf.addN(penalties))) as tf.Scalar;
            },
            true,
            variables,
          );
          return c ?? tf.scalar(Number.NaN);
        });
        const nextLoss = tf.tidy(() => tf.add(lossSum, tf.mul(cost, n)));
        const nextCorrect = tf.tidy(() => (correct[0] === undefined ? correctSum.clone() : tf.add(correctSum, correct[0])));
        tf.dispose([lossSum, correctSum, cost, ...correct]);
        lossSum = nextLoss;
        correctSum = nextCorrect;
        if (signal?.aborted === true) {
          cancelled = true;
          break;
        }
        if (performance.now() - lastYield > YIELD_EVERY_MS) lastYield = await yieldToEventLoop();
      }
      lastYield = await yieldToEventLoop();
      const [lossTotal, correctTotal] = await Promise.all([lossSum.data(), correctSum.data()]);
      tf.dispose([lossSum, correctSum]);
      if (cancelled) break;
      const loss = (lossTotal[0] ?? Number.NaN) / train.rows;
      if (!Number.isFinite(loss)) throw new Error(`trainModel: the training loss became ${loss} at epoch ${epoch}; lower the learningRate`);
      const log: EpochLog = { epoch, loss, valLoss: null, ms: 0 };
      if (classification) log.accuracy = (correctTotal[0] ?? 0) / train.rows;
      if (validation !== undefined) {
        const [vLoss, vCorrect] = tf.tidy(() => {
          const pred = model.predict(validation.x, { batchSize: 1024 }) as tf.Tensor;
          const penalties = model.calculateLosses();
          const data = tf.mean(perRowLoss(task, validation.y, pred));
          const total = penalties.length === 0 ? data : tf.add(data, tf.addN(penalties));
          return [total, classification ? correctCount(task, validation.y, pred) : tf.scalar(0)];
        });
        const [vl, vc] = await Promise.all([vLoss.data(), vCorrect.data()]);
        tf.dispose([vLoss, vCorrect]);
        log.valLoss = vl[0] ?? Number.NaN;
        if (classification) log.valAccuracy = (vc[0] ?? 0) / validation.rows;
      }
      log.ms = Math.round(performance.now() - started);
      history.push(log);
      const monitored = log.valLoss ?? log.loss;
      let stop = false;
      if (monitored < best - (h.earlyStopping === false ? 0 : h.earlyStopping.minDelta)) {
        best = monitored;
        bestEpoch = epoch;
        wait = 0;
        if (h.earlyStopping !== false) {
          if (bestWeights !== null) tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((w) => w.clone());
        }
      } else if (h.earlyStopping !== false) {
        wait++;
        if (wait >= h.earlyStopping.patience) stop = true;
      }
      if (onEpoch !== undefined) await onEpoch(log);
      if (signal?.aborted === true || (shouldStop !== undefined && (await shouldStop()))) {
        cancelled = true;
        break;
      }
      if (stop) {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights !== null) model.setWeights(bestWeights);
    if (targetScale !== undefined) {
      const { mean, std } = targetScale;
      const output = model.getLayer("output");
      const [kernel, bias] = output.getWeights();
      if (kernel === undefined || bias === undefined) throw new Error("trainModel: the output layer has no kernel and bias");
      const scaled = tf.tidy(() => [tf.mul(kernel, std), tf.add(tf.mul(bias, std), mean)]);
      output.setWeights(scaled);
      tf.dispose(scaled);
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    if (bestWeights !== null) tf.dispose(bestWeights);
    tf.dispose([train.x, train.y]);
    if (validation !== undefined) tf.dispose([validation.x, validation.y]);
    if (rowWeights !== null) rowWeights.dispose();
    optimizer.dispose();
  }
  return {
    model,
    hyperparams: h,
    history,
    epochsRun: history.length,
    bestEpoch,
    stoppedEarly,
    cancelled,
    ...(targetScale === undefined ? {} : { targetScale }),
  };
}
