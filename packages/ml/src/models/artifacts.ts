/**
 * A trained model as bytes and back, in TensorFlow.js' layers format: `model.json` (the
 * topology and the weights manifest, format "layers-model") and one `weights.bin`, exactly
 * the two files `tf.loadLayersModel("…/model.json")` reads. Saved and loaded in memory through
 * tf.io.withSaveHandler / tf.io.fromMemory (`file://` needs tfjs-node).
 */
import * as tf from "@tensorflow/tfjs";

export interface ModelArtifactBytes {
  /** model.json, UTF-8. */
  modelJson: Uint8Array;
  /** weights.bin: every weight, float32 little-endian, in the manifest's order. */
  weights: Uint8Array;
}

/** The file name model.json's weightsManifest points at. */
export const WEIGHTS_FILE = "weights.bin";

/** Serialises `model` (topology + weights; no optimizer state). */
export async function saveModelArtifacts(model: tf.LayersModel): Promise<ModelArtifactBytes> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (saved === undefined || saved.modelTopology === undefined) throw new Error("saveModelArtifacts: TensorFlow.js returned no model topology");
  const weightData = saved.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(saved.weightData);
  const json: tf.io.ModelJSON = {
    modelTopology: saved.modelTopology,
    format: "layers-model",
    generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs ?? [] }],
    ...(saved.trainingConfig === undefined ? {} : { trainingConfig: saved.trainingConfig }),
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(json)), weights: new Uint8Array(weightData) };
}

function isModelJson(value: unknown): value is tf.io.ModelJSON {
  return typeof value === "object" && value !== null && "modelTopology" in value && "weightsManifest" in value && Array.isArray(value.weightsManifest);
}

/** Reads saveModelArtifacts' bytes back into a LayersModel. */
export async function loadModelArtifacts(artifacts: ModelArtifactBytes): Promise<tf.LayersModel> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(artifacts.modelJson));
  } catch (error) {
    throw new Error(`loadModelArtifacts: model.json is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isModelJson(parsed)) throw new Error("loadModelArtifacts: model.json has no modelTopology or weightsManifest");
  if (parsed.format !== undefined && parsed.format !== "layers-model") throw new Error(`loadModelArtifacts: format ${JSON.stringify(parsed.format)} is not "layers-model"`);
  const weightSpecs = parsed.weightsManifest.flatMap((group) => group.weights);
  const expected = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weightSpecs.some((spec) => spec.dtype !== undefined && spec.dtype !== "float32" || spec.quantization !== undefined)) {
    throw new Error("loadModelArtifacts: only unquantised float32 weights are supported");
  }
  if (artifacts.weights.byteLength !== expected) {
    throw new Error(`loadModelArtifacts: weights.bin has ${artifacts.weights.byteLength} bytes; the manifest needs ${expected}`);
  }
  const weightData = artifacts.weights.slice().buffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: parsed.modelTopology,
      weightSpecs,
      weightData,
      format: "layers-model",
      ...(parsed.generatedBy === undefined ? {} : { generatedBy: parsed.generatedBy }),
    }),
  );
}
