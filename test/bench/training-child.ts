/**
 * One backend's measured training run of the `training` benchmark, in its own process (TensorFlow.js
 * has one global backend per process; see training.ts). Prints one JSON line: the backend's
 * samples/s, or why it is unavailable.
 */
import { type BackendChoice, chooseBackend, TF_BACKENDS, type TfBackend } from "@keel/ml/backend";
import { trainModel } from "@keel/ml/models";
import { seededRandom } from "@keel/ml/testing";

interface TrainingMeasurement {
  backend: TfBackend;
  available: boolean;
  /** Why the backend could not start (when unavailable). */
  reason?: string;
  tfjsVersion?: string;
  rows?: number;
  epochs?: number;
  seconds?: number;
  samplesPerSecond?: number;
  /** Wall time of each epoch (ms), as trainModel reports it. */
  epochMs?: number[];
  /** Epochs after the first (which carries the backend's warm-up), when there are any. */
  steadySamplesPerSecond?: number;
  finalLoss?: number;
  finalAccuracy?: number;
  peakRssMb?: number;
}

/** A fixed, seeded binary task: 30 standard-normal-ish columns, the label a noisy linear rule on 10 of them. */
function syntheticData(rows: number, cols: number, seed: number): { x: Float32Array; y: Uint8Array } {
  const rand = seededRandom(seed);
  const normal = (): number => {
    // Box–Muller on the seeded generator.
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const weights = Array.from({ length: cols }, (_, j) => (j < 10 ? normal() : 0));
  const x = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = 0;
    for (let j = 0; j < cols; j++) {
      const v = normal();
      x[r * cols + j] = v;
      z += (weights[j] ?? 0) * v;
    }
    y[r] = z + 0.5 * normal() > 0 ? 1 : 0;
  }
  return { x, y };
}

async function main(): Promise<void> {
  const [name, rowsArg, epochsArg] = process.argv.slice(2);
  const backend = TF_BACKENDS.find((b) => b === name);
  if (!backend) throw new Error(`usage: training-child.ts ${TF_BACKENDS.join("|")} <rows> <epochs>`);
  const rows = Number(rowsArg ?? 20_000);
  const epochs = Number(epochsArg ?? 3);
  const cols = 30;
  let choice: BackendChoice;
  try {
    choice = await chooseBackend([backend]);
  } catch (err) {
    // chooseBackend's message lists every attempt ("…could start: wasm: why"); one was asked.
    const message = err instanceof Error ? err.message : String(err);
    emit({ backend, available: false, reason: message.replace(`No TensorFlow.js backend could start: ${backend}: `, "") });
    return;
  }
  const data = syntheticData(rows, cols, 42);
  const t0 = performance.now();
  const result = await trainModel({
    family: "mlp",
    task: "binary",
    hyperparams: { hiddenLayers: [64, 32], activation: "relu", batchSize: 32, epochs, earlyStopping: false, optimizer: "adam", learningRate: 0.001 },
    cols,
    train: { x: data.x, rows, y: data.y },
    seed: 7,
  });
  const seconds = (performance.now() - t0) / 1000;
  const last = result.history.at(-1);
  const epochMs = result.history.map((h) => h.ms);
  const steadyMs = epochMs.slice(1).reduce((a, b) => a + b, 0);
  result.model.dispose();
  emit({
    backend: choice.backend,
    available: true,
    tfjsVersion: choice.tfjsVersion,
    rows,
    epochs: result.epochsRun,
    seconds,
    samplesPerSecond: (rows * result.epochsRun) / seconds,
    epochMs,
    ...(steadyMs > 0 ? { steadySamplesPerSecond: (rows * (epochMs.length - 1) * 1000) / steadyMs } : {}),
    ...(last ? { finalLoss: last.loss, finalAccuracy: last.accuracy } : {}),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

function emit(m: TrainingMeasurement): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

await main();
