/**
 * trainTabular: the whole training job on in-memory columns, without a database: drop rows
 * without a target, split (seeded; stratified for classification), fit the preprocessing
 * pipeline on the training rows only, train, evaluate on the test rows, optionally
 * cross-validate, and serialise the pipeline and the model.
 *
 * It does not pick the TensorFlow.js backend (call chooseBackend() first); it logs the one in use.
 */
import * as tf from "@tensorflow/tfjs";
import type { Label } from "../metrics/numeric";
import { type FeatureSpec, fitPipeline, transform } from "../pipeline/pipeline";
import { type FittedPipeline, serializePipeline } from "../pipeline/schema";
import { kFold, splitIndices } from "../pipeline/split";
import type { Cell, ColumnType } from "../tabular/types";
import { type ModelArtifactBytes, saveModelArtifacts } from "./artifacts";
import { type CrossValidation, evaluate, type EvaluationReport } from "./evaluation";
import type { ModelFamily, ModelTask, ResolvedHyperparams } from "./hyperparams";
import { resolveHyperparams } from "./hyperparams";
import { modelScore, permutationImportance } from "./importance";
import { predictBatch } from "./predict";
import { detectTask, labelsForTask, targetValues } from "./task";
import { type EpochLog, trainModel } from "./train";

export interface TrainTabularOptions {
  /** The dataset as columns of one length (the target and every feature among them). */
  columns: Readonly<Record<string, readonly Cell[]>>;
  target: string;
  /** The target column's type; guessed from its cells when absent (numbers → numeric). */
  targetType?: ColumnType;
  features: readonly FeatureSpec[];
  /** Detected from the target (detectTask) when absent. */
  task?: ModelTask;
  family: ModelFamily;
  hyperparams?: unknown;
  /** Fractions and seed of the split; default test 0.2, validation 0.1, seed 42. */
  split?: { test?: number; validation?: number; seed?: number };
  /** k ≥ 2: k-fold cross-validation on train + validation rows (the trained model is unchanged). */
  folds?: number;
  /** Permutation importance on the test rows; default { repeats: 5 }; false to skip. */
  featureImportance?: false | { repeats?: number };
  onEpoch?: (e: EpochLog) => void | Promise<void>;
  signal?: AbortSignal;
  shouldStop?: () => boolean | Promise<boolean>;
  /** Human-readable progress lines. */
  onLog?: (line: string) => void;
}

export interface TrainTabularCounts {
  /** Rows given. */
  rows: number;
  /** Dropped because the target was missing. */
  missingTarget: number;
  train: number;
  validation: number;
  test: number;
}

export interface TrainTabularResult {
  task: ModelTask;
  pipeline: FittedPipeline;
  pipelineJson: string;
  model: tf.LayersModel;
  artifacts: ModelArtifactBytes;
  hyperparams: ResolvedHyperparams;
  history: EpochLog[];
  evaluation: EvaluationReport;
  /** Class labels in model-output order (sorted); empty for regression. */
  labels: Label[];
  epochsRun: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  counts: TrainTabularCounts;
  /** The train / validation / test row indices, into the rows that had a target. */
  split: { train: number[]; validation: number[]; test: number[] };
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

function guessType(cells: readonly Cell[]): ColumnType {
  const present = cells.filter((c) => c !== null && c !== "");
  if (present.length > 0 && present.every((c) => typeof c === "boolean")) return "boolean";
  if (present.length > 0 && present.every((c) => typeof c === "number" || (typeof c === "string" && NUMERIC.test(c)))) return "numeric";
  return "categorical";
}

function subset(columns: Readonly<Record<string, readonly Cell[]>>, names: readonly string[], rows: readonly number[]): Record<string, Cell[]> {
  const out: Record<string, Cell[]> = {};
  for (const name of names) {
    const cells = columns[name] ?? [];
    out[name] = rows.map((r) => cells[r] ?? null);
  }
  return out;
}

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? "—" : v.toFixed(digits));

interface Encoded {
  /** Class index (classification) or value (regression), per kept row. */
  y: number[];
  /** The label (classification) or value (regression), per kept row. */
  truth: Label[];
}

/** Trains one model on `columns`; see the module comment. */
export async function trainTabular(options: TrainTabularOptions): Promise<TrainTabularResult> {
  const log = options.onLog ?? (() => undefined);
  const { columns, target, features, family } = options;
  const test = options.split?.test ?? 0.2;
  const validationFraction = options.split?.validation ?? 0.1;
  const seed = options.split?.seed ?? 42;
  if (!Object.hasOwn(columns, target)) throw new Error(`target: there is no column "${target}"`);
  if (features.length === 0) throw new Error("features: no features to train on");
  if (features.some((f) => f.name === target)) throw new Error(`features: the target "${target}" cannot also be a feature`);
  for (const f of features) if (!Object.hasOwn(columns, f.name)) throw new Error(`features: there is no column "${f.name}"`);
  if (options.folds !== undefined && (!Number.isInteger(options.folds) || options.folds < 2)) throw new Error(`folds: must be an integer ≥ 2 (got ${options.folds})`);

  log(`backend: ${tf.getBackend()} (TensorFlow.js ${tf.version.tfjs})`);
  const targetCells = columns[target] ?? [];
  const targetType = options.targetType ?? guessType(targetCells);
  const values = targetValues(targetCells, targetType);
  const kept = values.flatMap((v, i) => (v === null ? [] : [i]));
  const missingTarget = values.length - kept.length;
  log(`rows: ${values.length}${missingTarget > 0 ? `, ${missingTarget} dropped because the target "${target}" is missing` : ""}`);
  if (kept.length === 0) throw new Error(`target: every row's target "${target}" is missing`);
  const keptCells = kept.map((i) => targetCells[i] ?? null);
  let task: ModelTask;
  let labels: Label[];
  if (options.task === undefined) {
    ({ task, labels } = detectTask(keptCells, targetType));
  } else {
    task = options.task;
    labels = labelsForTask(keptCells, targetType, task);
  }
  const hyperparams = resolveHyperparams(family, task, options.hyperparams ?? {});
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const encoded: Encoded = { y: [], truth: [] };
  for (const i of kept) {
    const v = values[i] ?? null;
    if (v === null) continue;
    encoded.truth.push(v);
    encoded.y.push(task === "regression" ? Number(v) : (index.get(v) ?? -1));
  }
  log(`task: ${task}${task === "regression" ? "" : ` (${labels.length} classes: ${labels.slice(0, 10).map(String).join(", ")}${labels.length > 10 ? ", …" : ""})`}`);

  const n = kept.length;
  const classification = task !== "regression";
  const split = splitIndices(n, { test, validation: validationFraction, seed, ...(classification ? { stratify: encoded.y } : {}) });
  log(`split (seed ${seed}${classification ? ", stratified" : ""}): train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}`);
  const featureNames = features.map((f) => f.name);
  const rowsOf = (positions: readonly number[]) => positions.map((p) => kept[p] ?? 0);
  const pick = <T>(values: readonly T[], positions: readonly number[]): T[] => positions.map((p) => values[p] as T);

  const pipeline = fitPipeline(subset(columns, featureNames, rowsOf(split.train)), { features });
  const trainX = transform(pipeline, subset(columns, featureNames, rowsOf(split.train)));
  const validationX = transform(pipeline, subset(columns, featureNames, rowsOf(split.validation)));
  const testX = transform(pipeline, subset(columns, featureNames, rowsOf(split.test)));
  const cols = trainX.outputColumns.length;
  log(`pipeline: ${features.length} features → ${cols} columns (fitted on the ${split.train.length} training rows)`);
  const h = hyperparams;
  log(
    `model: ${family}${family === "mlp" ? ` [${h.hiddenLayers.join(", ")}] ${h.activation}${h.dropout > 0 ? `, dropout ${h.dropout}` : ""}` : ""}, ` +
      `${h.optimizer} lr ${h.learningRate}, l2 ${h.l2}, batch ${h.batchSize}, up to ${h.epochs} epochs` +
      (h.earlyStopping === false ? "" : `, early stopping (patience ${h.earlyStopping.patience})`) +
      (h.classWeight === "none" ? "" : `, class weights ${typeof h.classWeight === "string" ? h.classWeight : JSON.stringify(h.classWeight)}`),
  );

  const logEvery = Math.max(1, Math.ceil(h.epochs / 50));
  const trained = await trainModel({
    family,
    task,
    hyperparams: h,
    cols,
    train: { x: trainX.values, rows: trainX.rows, y: pick(encoded.y, split.train) },
    ...(validationX.rows > 0 ? { validation: { x: validationX.values, rows: validationX.rows, y: pick(encoded.y, split.validation) } } : {}),
    labels,
    seed,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.shouldStop === undefined ? {} : { shouldStop: options.shouldStop }),
    onEpoch: async (e) => {
      if (e.epoch <= 10 || e.epoch % logEvery === 0) {
        log(
          `epoch ${e.epoch}/${h.epochs}: loss ${fmt(e.loss)}` +
            (e.valLoss === null ? "" : `, val_loss ${fmt(e.valLoss)}`) +
            (e.accuracy === undefined ? "" : `, accuracy ${fmt(e.accuracy)}`) +
            (e.valAccuracy === undefined ? "" : `, val_accuracy ${fmt(e.valAccuracy)}`) +
            ` (${Math.round(e.ms)} ms)`,
        );
      }
      if (options.onEpoch !== undefined) await options.onEpoch(e);
    },
  });
  const { model } = trained;
  try {
    if (trained.cancelled) log(`cancelled after ${trained.epochsRun} epochs`);
    else if (trained.stoppedEarly) log(`early stop at epoch ${trained.epochsRun}: restored the weights of epoch ${trained.bestEpoch}`);
    else log(`trained ${trained.epochsRun} epochs${h.earlyStopping === false ? "" : `; restored the weights of the best epoch ${trained.bestEpoch}`}`);

    const yTest = pick(encoded.truth, split.test);
    let cancelled = trained.cancelled;
    let cv: CrossValidation | undefined;
    if (!cancelled && options.folds !== undefined) {
      cv = await crossValidate({
        ...options,
        task,
        labels,
        hyperparams: h,
        seed,
        columns,
        kept,
        encoded,
        positions: [...split.train, ...split.validation].sort((a, b) => a - b),
        epochs: Math.max(h.earlyStopping === false ? trained.epochsRun : trained.bestEpoch, 1),
        folds: options.folds,
        log,
      });
      if (cv === undefined) {
        cancelled = true;
        log("cancelled during cross-validation");
      }
    }
    const importance =
      !cancelled && options.featureImportance !== false
        ? permutationImportance({ model, pipeline, task, values: testX.values, rows: testX.rows, yTrue: yTest, labels, seed, repeats: options.featureImportance?.repeats ?? 5 })
        : undefined;
    const evaluation = evaluate({
      task,
      labels,
      yTrue: yTest,
      ...(task === "regression"
        ? { predicted: predictBatch(model, testX.values, testX.rows, cols, "regression") }
        : { probabilities: predictBatch(model, testX.values, testX.rows, cols, task) }),
      split: { trainRows: split.train.length, validationRows: split.validation.length, seed },
      ...(importance === undefined ? {} : { featureImportance: importance }),
      ...(cv === undefined ? {} : { cv }),
    });
    const m = evaluation.metrics;
    log(
      `evaluation on ${split.test.length} test rows: ` +
        ("accuracy" in m
          ? `accuracy ${fmt(m.accuracy)}, precision ${fmt(m.precision)}, recall ${fmt(m.recall)}, f1 ${fmt(m.f1)}, roc_auc ${fmt(m.rocAuc)}, log_loss ${fmt(m.logLoss)}`
          : `mae ${fmt(m.mae)}, rmse ${fmt(m.rmse)}, r2 ${fmt(m.r2)}`),
    );
    if (cv !== undefined) log(`cross-validation (${cv.folds} folds): ${cv.metric.name} ${fmt(cv.metric.mean)} ± ${fmt(cv.metric.std)}`);
    const artifacts = await saveModelArtifacts(model);
    return {
      task,
      pipeline,
      pipelineJson: serializePipeline(pipeline),
      model,
      artifacts,
      hyperparams: h,
      history: trained.history,
      evaluation,
      labels,
      epochsRun: trained.epochsRun,
      bestEpoch: trained.bestEpoch,
      stoppedEarly: trained.stoppedEarly,
      cancelled,
      counts: { rows: values.length, missingTarget, train: split.train.length, validation: split.validation.length, test: split.test.length },
      split,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

interface CrossValidateInput {
  columns: Readonly<Record<string, readonly Cell[]>>;
  features: readonly FeatureSpec[];
  family: ModelFamily;
  task: ModelTask;
  labels: Label[];
  hyperparams: ResolvedHyperparams;
  seed: number;
  kept: number[];
  encoded: Encoded;
  /** Positions (into kept) of the rows to cross-validate on. */
  positions: number[];
  /** Epochs per fold: the main run's best epoch (no early stopping inside a fold). */
  epochs: number;
  folds: number;
  signal?: AbortSignal;
  shouldStop?: () => boolean | Promise<boolean>;
  log: (line: string) => void;
}

/**
 * k-fold CV: each fold fits its own pipeline on its training rows and trains for `epochs`
 * epochs without early stopping (its held-out rows stay unseen), then scores accuracy or R².
 * Undefined when cancelled (signal or shouldStop, checked between folds and inside training).
 */
async function crossValidate(input: CrossValidateInput): Promise<CrossValidation | undefined> {
  const { columns, features, family, task, labels, seed, kept, encoded, positions, folds } = input;
  const classification = task !== "regression";
  const names = features.map((f) => f.name);
  const y = positions.map((p) => encoded.y[p] ?? 0);
  const truth = positions.map((p) => encoded.truth[p] ?? 0);
  const foldList = kFold(positions.length, folds, { seed, ...(classification ? { stratify: y } : {}) });
  const scores: number[] = [];
  const hyperparams: ResolvedHyperparams = { ...input.hyperparams, epochs: input.epochs, earlyStopping: false };
  for (const [f, fold] of foldList.entries()) {
    if (input.signal?.aborted === true || (input.shouldStop !== undefined && (await input.shouldStop()))) return undefined;
    const rows = (list: number[]) => list.map((i) => kept[positions[i] ?? 0] ?? 0);
    const pipeline = fitPipeline(subset(columns, names, rows(fold.train)), { features });
    const trainX = transform(pipeline, subset(columns, names, rows(fold.train)));
    const testX = transform(pipeline, subset(columns, names, rows(fold.test)));
    const cols = trainX.outputColumns.length;
    const trained = await trainModel({
      family,
      task,
      hyperparams,
      cols,
      train: { x: trainX.values, rows: trainX.rows, y: fold.train.map((i) => y[i] ?? 0) },
      labels,
      seed: seed + f + 1,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(input.shouldStop === undefined ? {} : { shouldStop: input.shouldStop }),
    });
    if (trained.cancelled) {
      trained.model.dispose();
      return undefined;
    }
    try {
      scores.push(modelScore(trained.model, task, testX.values, testX.rows, cols, fold.test.map((i) => truth[i] ?? 0), labels));
    } finally {
      trained.model.dispose();
    }
    input.log(`fold ${f + 1}/${folds}: ${classification ? "accuracy" : "r2"} ${(scores.at(-1) ?? Number.NaN).toFixed(4)}`);
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) * (b - mean), 0) / scores.length);
  return { folds, metric: { name: classification ? "accuracy" : "r2", mean, std, values: scores } };
}
