/**
 * The model families as TensorFlow.js layers models, with seeded initializers so that one seed
 * gives the same starting weights on every run.
 *
 * - logistic: one dense unit with a sigmoid (binary) or k units with a softmax (multiclass).
 * - linear: one dense unit, no activation.
 * - mlp: dense hidden layers (+ dropout after each when dropout > 0), then the task's head.
 *
 * Kernels start Glorot-uniform (Keras' default), biases at zero; an L2 penalty, when l2 > 0, is
 * attached to every kernel as a Keras l2 regularizer (λ·Σw²).
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelFamily, ModelTask, ResolvedHyperparams } from "./hyperparams";

export interface BuildModelOptions {
  family: ModelFamily;
  task: ModelTask;
  /** Columns of the transformed input. */
  inputDim: number;
  /** Number of classes (classification); ignored for regression. */
  classes: number;
  hyperparams: ResolvedHyperparams;
  seed: number;
}

/** Units of the output layer: 1 for binary and regression, k for multiclass. */
export function outputUnits(task: ModelTask, classes: number): number {
  return task === "multiclass" ? classes : 1;
}

/** The loss the trainer minimises for a task. */
export function lossName(task: ModelTask): "binaryCrossentropy" | "categoricalCrossentropy" | "meanSquaredError" {
  return task === "binary" ? "binaryCrossentropy" : task === "multiclass" ? "categoricalCrossentropy" : "meanSquaredError";
}

/** A fresh, untrained model of the family. Layer names are fixed (hidden_1…, dropout_1…,
 * output) so two builds serialise alike. */
export function buildModel(options: BuildModelOptions): tf.Sequential {
  const { family, task, inputDim, classes, hyperparams: h, seed } = options;
  if (!Number.isInteger(inputDim) || inputDim < 1) throw new Error(`buildModel: inputDim must be a positive integer (got ${inputDim})`);
  if (task === "multiclass" && (!Number.isInteger(classes) || classes < 2)) throw new Error(`buildModel: multiclass needs at least 2 classes (got ${classes})`);
  if (family === "logistic" && task === "regression") throw new Error("buildModel: logistic cannot learn a regression");
  if (family === "linear" && task !== "regression") throw new Error("buildModel: linear cannot learn a classification");
  const regularizer = (): ReturnType<typeof tf.regularizers.l2> | undefined => (h.l2 > 0 ? tf.regularizers.l2({ l2: h.l2 }) : undefined);
  // Distinct, reproducible seeds per layer.
  const layerSeed = (i: number): number => (Math.imul(seed ^ 0x9e3779b9, 2654435761) + i * 7919) >>> 0;
  const model = tf.sequential();
  let units = inputDim;
  const hidden = family === "mlp" ? h.hiddenLayers : [];
  hidden.forEach((n, i) => {
    model.add(
      tf.layers.dense({
        name: `hidden_${i + 1}`,
        units: n,
        activation: h.activation,
        inputShape: i === 0 ? [inputDim] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(i) }),
        biasInitializer: "zeros",
        kernelRegularizer: regularizer(),
      }),
    );
    if (h.dropout > 0) model.add(tf.layers.dropout({ name: `dropout_${i + 1}`, rate: h.dropout, seed: layerSeed(100 + i) }));
    units = n;
  });
  model.add(
    tf.layers.dense({
      name: "output",
      units: outputUnits(task, classes),
      activation: task === "binary" ? "sigmoid" : task === "multiclass" ? "softmax" : "linear",
      inputShape: hidden.length === 0 ? [units] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed(hidden.length) }),
      biasInitializer: "zeros",
      kernelRegularizer: regularizer(),
    }),
  );
  return model;
}
