/**
 * A trained model ready to serve: the model artifacts (model.json + weights.bin), the fitted
 * pipeline's JSON and the signature, loaded once and checked against each other; then
 * `predict(rows)` = the pipeline's transform + predictBatch, exactly the computation
 * trainTabular evaluated the model with, so served predictions equal the run's.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Label } from "../metrics/numeric";
import { loadModelArtifacts } from "../models/artifacts";
import { outputUnits } from "../models/build";
import { predictBatch } from "../models/predict";
import { transform } from "../pipeline/pipeline";
import { type FittedPipeline, outputColumns, parsePipeline } from "../pipeline/schema";
import type { Cell } from "../tabular/types";
import { type Signature, signatureFromPipeline, ZSignature } from "./signature";

/** One row's prediction: the label (classification) or the value (regression); classification
 * also gives every class' probability, keyed by String(label), in label order. */
export interface Prediction {
  prediction: Label;
  probabilities?: Record<string, number>;
}

export interface LoadPredictorInput {
  modelJson: Uint8Array;
  weights: Uint8Array;
  /** serializePipeline's JSON text (trainTabular's pipelineJson). */
  pipelineJson: string;
  /** The signature (checked with ZSignature; it must match the pipeline and the model). */
  signature: unknown;
  /** Rows per model.predict chunk; default 1024. */
  batchSize?: number;
}

/** The index of the largest value; ties go to the first (as evaluate's argmax does). */
function argmax(row: readonly number[]): number {
  let best = 0;
  row.forEach((p, j) => {
    if (p > (row[best] ?? Number.NEGATIVE_INFINITY)) best = j;
  });
  return best;
}

export class Predictor {
  readonly signature: Signature;
  readonly pipeline: FittedPipeline;
  private model: tf.LayersModel | null;
  private readonly batchSize: number;
  private readonly width: number;

  /** Prefer loadPredictor (it loads and checks the pieces). Takes ownership of `model`. */
  constructor(model: tf.LayersModel, pipeline: FittedPipeline, signature: Signature, batchSize = 1024) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Predictor: batchSize must be a positive integer (got ${batchSize})`);
    const expected = signatureFromPipeline(pipeline, signature.output.task, signature.output.labels ?? []);
    const problems: string[] = [];
    if (JSON.stringify(expected.inputs) !== JSON.stringify(signature.inputs)) {
      problems.push(`the signature's inputs (${signature.inputs.map((i) => `${i.name}:${i.type}`).join(", ")}) are not the pipeline's (${expected.inputs.map((i) => `${i.name}:${i.type}`).join(", ")})`);
    }
    const width = outputColumns(pipeline).length;
    const inputShape = model.inputs[0]?.shape;
    const modelWidth = inputShape?.[inputShape.length - 1];
    if (model.inputs.length !== 1 || modelWidth !== width) problems.push(`the model takes ${String(modelWidth)} columns, the pipeline makes ${width}`);
    const outputShape = model.outputs[0]?.shape;
    const units = outputShape?.[outputShape.length - 1];
    const { task } = signature.output;
    const wanted = outputUnits(task, signature.output.labels?.length ?? 0);
    if (model.outputs.length !== 1 || units !== wanted) problems.push(`the model has ${String(units)} outputs; a ${task} model with this signature has ${wanted}`);
    if (problems.length > 0) throw new Error(`Predictor: the model, pipeline and signature do not fit together: ${problems.join("; ")}`);
    this.model = model;
    this.pipeline = pipeline;
    this.signature = signature;
    this.batchSize = batchSize;
    this.width = width;
  }

  get disposed(): boolean {
    return this.model === null;
  }

  /**
   * Predictions for `rows` (objects with every signature input; null = missing, imputed). The
   * rows should have passed parsePredictRequest; anything the pipeline cannot read throws.
   */
  async predict(rows: readonly Readonly<Record<string, Cell>>[]): Promise<Prediction[]> {
    const model = this.model;
    if (model === null) throw new Error("Predictor: predict after dispose()");
    if (rows.length === 0) return [];
    const x = transform(this.pipeline, rows);
    const options = { batchSize: this.batchSize };
    const { task, labels = [] } = this.signature.output;
    if (task === "regression") return predictBatch(model, x.values, x.rows, this.width, task, options).map((prediction) => ({ prediction }));
    const keys = labels.map(String);
    return predictBatch(model, x.values, x.rows, this.width, task, options).map((row) => ({
      prediction: labels[argmax(row)] ?? Number.NaN,
      probabilities: Object.fromEntries(keys.map((k, j) => [k, row[j] ?? Number.NaN])),
    }));
  }

  /** Frees the model's tensors; predict then throws. Idempotent. */
  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }
}

/** Loads and cross-checks the model artifacts, the pipeline and the signature. */
export async function loadPredictor(input: LoadPredictorInput): Promise<Predictor> {
  const parsed = ZSignature.safeParse(input.signature);
  if (!parsed.success) throw new Error(`loadPredictor: invalid signature: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const pipeline = parsePipeline(input.pipelineJson);
  const model = await loadModelArtifacts({ modelJson: input.modelJson, weights: input.weights });
  try {
    return new Predictor(model, pipeline, parsed.data, input.batchSize);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
