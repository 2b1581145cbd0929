/**
 * Which TensorFlow.js backend trains and predicts: `tensorflow` (the optional native
 * @tensorflow/tfjs-node, used when it installed and loads), else `wasm`
 * (@tensorflow/tfjs-backend-wasm, loaded offline from its own package folder), else `cpu`.
 * Every run records the choice and why the faster ones were passed over.
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";

export const TF_BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type TfBackend = (typeof TF_BACKENDS)[number];

export interface BackendAttempt {
  backend: TfBackend;
  ok: boolean;
  /** Why it was not used (e.g. "@tensorflow/tfjs-node is not installed"). */
  reason?: string;
}

export interface BackendChoice {
  backend: TfBackend;
  /** @tensorflow/tfjs's version. */
  tfjsVersion: string;
  attempts: BackendAttempt[];
}

const require = createRequire(import.meta.url);

async function tryTensorflow(): Promise<void> {
  const name = "@tensorflow/tfjs-node";
  try {
    require.resolve(name);
  } catch {
    throw new Error(`${name} is not installed (its install needs to download libtensorflow)`);
  }
  await import(/* @vite-ignore */ name);
  if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') refused");
}

async function tryWasm(): Promise<void> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // The .wasm files ship inside the package: point the backend at them, no network involved.
  const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  wasm.setWasmPaths(`${dir}${path.sep}`);
  if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') refused");
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') refused");
}

const LOADERS: Record<TfBackend, () => Promise<void>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };

/**
 * Picks the first backend of `order` that loads and answers a small computation, and makes it
 * TensorFlow.js's current backend.
 */
export async function chooseBackend(order: readonly TfBackend[] = TF_BACKENDS): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    try {
      await LOADERS[backend]();
      await tf.ready();
      const check = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
      if (check !== 11) throw new Error(`a 1×2 · 2×1 product gave ${String(check)}, not 11`);
      attempts.push({ backend, ok: true });
      return { backend, tfjsVersion: tf.version.tfjs, attempts };
    } catch (err) {
      attempts.push({ backend, ok: false, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason ?? "?"}`).join("; ")}`);
}
