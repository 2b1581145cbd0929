/**
 * Benchmark `training`: the same MLP (30 inputs → [64, 32] relu → sigmoid, Adam, batch 32) trained
 * by Keel's loop (@keel/ml/models trainModel) on a fixed seeded synthetic dataset (20,000 rows × 30
 * columns, 3 epochs) on each TensorFlow.js backend @keel/ml/backend knows: tensorflow (native
 * tfjs-node), wasm and cpu. TensorFlow.js has one global backend per process, so each backend
 * trains in its own child process (training-child.ts).
 *
 * Reports samples/s per backend (rows × epochs / wall time of trainModel, tensor preparation
 * included), the same after the first epoch (the backends' warm-up), which backends were
 * unavailable and why, and the wasm/cpu ratio. Figures, never pass/fail.
 *
 *   npm run bench -w @keel/test -- training
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TF_BACKENDS, type TfBackend } from "@keel/ml/backend";
import { machine } from "./host";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROWS = 20_000;
const EPOCHS = 3;

interface TrainingMeasurement {
  backend: TfBackend;
  available: boolean;
  reason?: string;
  tfjsVersion?: string;
  seconds?: number;
  samplesPerSecond?: number;
  steadySamplesPerSecond?: number;
  epochMs?: number[];
  finalLoss?: number;
  finalAccuracy?: number;
  peakRssMb?: number;
}

function measure(backend: TfBackend, rows: number, epochs: number): TrainingMeasurement {
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(HERE, "training-child.ts"), backend, String(rows), String(epochs)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) return { backend, available: false, reason: `its process failed (exit ${child.status ?? child.signal ?? "?"})` };
  // The last line: TensorFlow.js may print its "install the node backend" banner before it.
  const last = child.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as TrainingMeasurement;
}

export async function trainingBench(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { benchmark: "training", model: "mlp 30→[64,32] relu→sigmoid, adam, batch 32", rows: ROWS, columns: 30, epochs: EPOCHS, ...machine() };
  const byBackend = new Map<TfBackend, TrainingMeasurement>();
  const unavailable: string[] = [];
  for (const backend of TF_BACKENDS) {
    const m = measure(backend, ROWS, EPOCHS);
    byBackend.set(backend, m);
    if (!m.available || m.samplesPerSecond === undefined || m.seconds === undefined) {
      unavailable.push(`${backend}: ${m.reason ?? "unavailable"}`);
      continue;
    }
    out[`${backend}SamplesPerSecond`] = Math.round(m.samplesPerSecond);
    if (m.steadySamplesPerSecond !== undefined) out[`${backend}SteadySamplesPerSecond`] = Math.round(m.steadySamplesPerSecond);
    out[`${backend}Seconds`] = round(m.seconds);
    out[`${backend}EpochMs`] = (m.epochMs ?? []).join(",");
    if (m.finalLoss !== undefined) out[`${backend}FinalLoss`] = round(m.finalLoss, 4);
    if (m.peakRssMb !== undefined) out[`${backend}PeakRssMb`] = m.peakRssMb;
    if (m.tfjsVersion !== undefined) out.tfjsVersion = m.tfjsVersion;
  }
  out.available = TF_BACKENDS.filter((b) => byBackend.get(b)?.available === true).join(",");
  out.unavailable = unavailable.length ? unavailable.join("; ") : "none";
  const wasm = byBackend.get("wasm");
  const cpu = byBackend.get("cpu");
  if (wasm?.samplesPerSecond !== undefined && cpu?.samplesPerSecond !== undefined) {
    out.ratioWasmToCpu = round(wasm.samplesPerSecond / cpu.samplesPerSecond);
    if (wasm.steadySamplesPerSecond !== undefined && cpu.steadySamplesPerSecond !== undefined) {
      out.steadyRatioWasmToCpu = round(wasm.steadySamplesPerSecond / cpu.steadySamplesPerSecond);
    }
  }
  const tensorflow = byBackend.get("tensorflow");
  if (tensorflow?.samplesPerSecond !== undefined && cpu?.samplesPerSecond !== undefined) out.ratioTensorflowToCpu = round(tensorflow.samplesPerSecond / cpu.samplesPerSecond);
  return out;
}


function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
