/**
 * Model families, tasks and their hyperparameters: the zod schema a run's `hyperparams` is
 * checked against, and the defaults each family fills in.
 */
import { z } from "zod";

export const MODEL_TASKS = ["binary", "multiclass", "regression"] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const MODEL_FAMILIES = ["logistic", "linear", "mlp"] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export const ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu", "selu", "linear"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ["adam", "sgd", "rmsprop", "adagrad"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const ZEarlyStopping = z.strictObject({
  /** Epochs without an improvement of the monitored loss before training stops. */
  patience: z.int().min(0).max(1000).default(10),
  /** The smallest decrease of the monitored loss that counts as an improvement. */
  minDelta: z.number().min(0).default(0),
});

/** One class weight per label (the label as a string, e.g. "1" or "malignant"). */
export const ZClassWeight = z.union([z.literal("none"), z.literal("balanced"), z.record(z.string(), z.number().positive())]);
export type ClassWeight = z.infer<typeof ZClassWeight>;

/** A run's hyperparameters as a user gives them: every field optional, unknown fields refused. */
export const ZHyperparams = z.strictObject({
  /** mlp only: units of each hidden dense layer. */
  hiddenLayers: z.array(z.int().min(1).max(4096)).min(1).max(8).optional(),
  /** mlp only: activation of the hidden layers. */
  activation: z.enum(ACTIVATIONS).optional(),
  /** mlp only: dropout rate after each hidden layer. */
  dropout: z.number().min(0).max(0.9).optional(),
  /** L2 penalty λ·Σw² on every kernel (Keras' regularizers.l2), added to the mean loss. */
  l2: z.number().min(0).optional(),
  optimizer: z.enum(OPTIMIZERS).optional(),
  learningRate: z.number().gt(0).max(10).optional(),
  batchSize: z.int().min(1).max(65536).optional(),
  /** The most epochs to run (early stopping may stop sooner). */
  epochs: z.int().min(1).max(10000).optional(),
  /** Stop when the validation loss has not improved for `patience` epochs and restore the best
   * epoch's weights; `false` runs every epoch. */
  earlyStopping: z.union([ZEarlyStopping, z.literal(false)]).optional(),
  /** Classification only: "balanced" weighs class c by n / (k · count_c) over the training rows. */
  classWeight: ZClassWeight.optional(),
});
export type HyperparamsInput = z.input<typeof ZHyperparams>;
export type Hyperparams = z.output<typeof ZHyperparams>;

/** Every hyperparameter, with the family's defaults filled in (what a run records). */
export const ZResolvedHyperparams = z.strictObject({
  /** Empty for logistic and linear. */
  hiddenLayers: z.array(z.int().min(1).max(4096)).max(8),
  activation: z.enum(ACTIVATIONS),
  dropout: z.number().min(0).max(0.9),
  l2: z.number().min(0),
  optimizer: z.enum(OPTIMIZERS),
  learningRate: z.number().gt(0).max(10),
  batchSize: z.int().min(1).max(65536),
  epochs: z.int().min(1).max(10000),
  earlyStopping: z.union([z.strictObject({ patience: z.int().min(0).max(1000), minDelta: z.number().min(0) }), z.literal(false)]),
  classWeight: ZClassWeight,
});
export type ResolvedHyperparams = z.infer<typeof ZResolvedHyperparams>;

/**
 * Defaults per family. logistic: l2 = 0.001 is close to scikit-learn's LogisticRegression(C=1)
 * penalty ‖w‖²/(2·C·n) for a few hundred training rows; linear: no penalty (ordinary least
 * squares); mlp: two hidden relu layers [64, 32], Adam at 0.001 and l2 = 0.0001, as
 * scikit-learn's MLPClassifier defaults (alpha = 0.0001).
 */
const DEFAULTS: Record<ModelFamily, ResolvedHyperparams> = {
  logistic: {
    hiddenLayers: [],
    activation: "linear",
    dropout: 0,
    l2: 0.001,
    optimizer: "adam",
    learningRate: 0.01,
    batchSize: 32,
    epochs: 200,
    earlyStopping: { patience: 10, minDelta: 0 },
    classWeight: "none",
  },
  linear: {
    hiddenLayers: [],
    activation: "linear",
    dropout: 0,
    l2: 0,
    optimizer: "adam",
    learningRate: 0.01,
    batchSize: 32,
    epochs: 200,
    earlyStopping: { patience: 10, minDelta: 0 },
    classWeight: "none",
  },
  mlp: {
    hiddenLayers: [64, 32],
    activation: "relu",
    dropout: 0,
    l2: 0.0001,
    optimizer: "adam",
    learningRate: 0.001,
    batchSize: 32,
    epochs: 200,
    earlyStopping: { patience: 10, minDelta: 0 },
    classWeight: "none",
  },
};

/** The families that can learn a task: logistic and mlp classify, linear and mlp regress. */
export function familiesFor(task: ModelTask): ModelFamily[] {
  return task === "regression" ? ["linear", "mlp"] : ["logistic", "mlp"];
}

/**
 * Checks `input` against ZHyperparams and the family/task, and fills in the family's defaults.
 * Throws an Error naming the offending field: hiddenLayers, activation or dropout on a
 * logistic/linear model, classWeight on a regression, logistic on a regression, linear on a
 * classification.
 */
export function resolveHyperparams(family: ModelFamily, task: ModelTask, input: unknown = {}): ResolvedHyperparams {
  if (!MODEL_FAMILIES.includes(family)) throw new Error(`family: unknown model family ${JSON.stringify(family)} (one of ${MODEL_FAMILIES.join(", ")})`);
  if (!MODEL_TASKS.includes(task)) throw new Error(`task: unknown task ${JSON.stringify(task)} (one of ${MODEL_TASKS.join(", ")})`);
  if (!familiesFor(task).includes(family)) {
    throw new Error(
      `family: a ${family} model cannot learn a ${task} task; use ${familiesFor(task).join(" or ")}` +
        (family === "logistic" ? " (logistic regression classifies; linear regression predicts numbers)" : ""),
    );
  }
  const parsed = ZHyperparams.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? "hyperparams" : issue.path.map(String).join(".");
    throw new Error(`${path}: ${issue?.message ?? "invalid"}\n${z.prettifyError(parsed.error)}`);
  }
  const h = parsed.data;
  if (family !== "mlp") {
    for (const field of ["hiddenLayers", "activation", "dropout"] as const) {
      if (h[field] !== undefined) throw new Error(`${field}: only an mlp has hidden layers; a ${family} model takes no ${field}`);
    }
  }
  if (task === "regression" && h.classWeight !== undefined && h.classWeight !== "none") {
    throw new Error("classWeight: class weights apply to classification only, not to a regression");
  }
  const d = DEFAULTS[family];
  return {
    hiddenLayers: h.hiddenLayers ?? [...d.hiddenLayers],
    activation: h.activation ?? d.activation,
    dropout: h.dropout ?? d.dropout,
    l2: h.l2 ?? d.l2,
    optimizer: h.optimizer ?? d.optimizer,
    learningRate: h.learningRate ?? d.learningRate,
    batchSize: h.batchSize ?? d.batchSize,
    epochs: h.epochs ?? d.epochs,
    earlyStopping: h.earlyStopping === undefined ? d.earlyStopping : h.earlyStopping,
    classWeight: h.classWeight ?? d.classWeight,
  };
}
