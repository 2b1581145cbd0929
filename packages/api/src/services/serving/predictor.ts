/**
 * Loading a registered model version as a ready-to-serve Predictor, straight from the artifact
 * store. Shared by the prediction server (apps/serve) and batch scoring.
 */
import { createHash } from "node:crypto";
import { loadPredictor, type Predictor } from "@keel/ml/serving";
import type { ArtifactStore } from "@keel/storage";
import { KeelError } from "../../errors";

/** The files a version must carry to be served (the same list registration requires). */
export const SERVING_ARTIFACTS = { modelJson: "model/model.json", weights: "model/weights.bin", pipeline: "pipeline.json" } as const;

/** The parts of a `model_versions` row loading needs (a full row fits). */
export interface VersionArtifactsRow {
  id: string;
  version?: number;
  signature: unknown;
  artifacts: readonly { path: string; sha256: string; sizeBytes?: number }[];
}

export interface LoadVersionPredictorOptions {
  /** Rows per model.predict chunk (Predictor's default 1024). */
  batchSize?: number;
}

async function readVerified(store: ArtifactStore, version: VersionArtifactsRow, path: string): Promise<Uint8Array> {
  const entry = version.artifacts.find((a) => a.path === path);
  const label = `model version ${version.version !== undefined ? `v${version.version} ` : ""}(${version.id})`;
  if (!entry) throw new KeelError("CONFLICT", `The ${label} has no artifact '${path}'; it cannot be served.`, [{ path: "artifacts", message: `missing ${path}` }]);
  const stream = await store.openRead(entry.sha256);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  const bytes = Buffer.concat(chunks);
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== entry.sha256) {
    throw new KeelError("INTERNAL_SERVER_ERROR", `The artifact '${path}' of the ${label} is corrupt (sha256 ${actual}, expected ${entry.sha256}).`, [{ path, message: "sha256 mismatch" }]);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Loads the Predictor of one model version: reads `model/model.json`, `model/weights.bin` and
 * `pipeline.json` (listed in `version.artifacts` with their sha256) from `store`, checks each
 * file's sha256, and builds the Predictor with the version's signature (loadPredictor checks the
 * three fit together). The caller owns the result and must `dispose()` it.
 *
 * Throws KeelError CONFLICT when an artifact is not listed, INTERNAL_SERVER_ERROR on a checksum
 * mismatch; storage errors (ArtifactNotFoundError) and loadPredictor's errors pass through.
 *
 * Signature is stable: `loadVersionPredictor(store, versionRow, options?) → Promise<Predictor>`.
 */
export async function loadVersionPredictor(store: ArtifactStore, version: VersionArtifactsRow, options: LoadVersionPredictorOptions = {}): Promise<Predictor> {
  const [modelJson, weights, pipeline] = await Promise.all([
    readVerified(store, version, SERVING_ARTIFACTS.modelJson),
    readVerified(store, version, SERVING_ARTIFACTS.weights),
    readVerified(store, version, SERVING_ARTIFACTS.pipeline),
  ]);
  return loadPredictor({
    modelJson,
    weights,
    pipelineJson: new TextDecoder().decode(pipeline),
    signature: version.signature,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
  });
}
