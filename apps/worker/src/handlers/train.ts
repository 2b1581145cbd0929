/**
 * The `train` job: one attempt of one training run. It claims the run, reads its dataset version,
 * trains with @keel/ml/models while streaming each epoch's metrics (and watching for a cancel, and
 * for the sweep's median stopping rule), stores the model (TensorFlow.js layers format), the fitted
 * pipeline and the evaluation in the artifact store, and marks the run succeeded in one transaction.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { Readable } from "node:stream";
import { artifactStoreOf, systemActor, ZTrainingConfig, type ServiceContext } from "@keel/api";
import { NonRetryableJobError } from "@keel/api/jobs";
import { assertTrainableVersion, columnsOf, openVersionSource } from "@keel/api/services/datasets";
import {
  appendRunLog,
  AttemptSupersededError,
  claimTrainingRun,
  completeTrainingRun,
  endTrainingRun,
  heartbeatAttempt,
  medianStopDecision,
  reconcileAbandonedRuns,
  recordAttemptEnvironment,
  recordEpoch,
  type AttemptRef,
  type StoredArtifact,
  type StoredPoint,
} from "@keel/api/services/experiments";
import { chooseBackend, type BackendChoice } from "@keel/ml/backend";
import { trainTabular, WEIGHTS_FILE, type EpochLog } from "@keel/ml/models";
import type { Cell } from "@keel/ml/tabular";
import type { ArtifactStore } from "@keel/storage";
import { workerEnv } from "../env";
import type { JobHandler } from "./types";

let backendChoice: Promise<BackendChoice> | undefined;
/** The backend is chosen once per process (TensorFlow.js has one global backend). */
function backendOnce(): Promise<BackendChoice> {
  backendChoice ??= chooseBackend();
  return backendChoice;
}

const require = createRequire(import.meta.url);
function versionOf(pkg: string): string {
  try {
    const main = require.resolve(pkg);
    const idx = main.lastIndexOf(`node_modules/${pkg}/`);
    const json = idx >= 0 ? `${main.slice(0, idx)}node_modules/${pkg}/package.json` : `${pkg}/package.json`;
    const parsed: unknown = require(json);
    return typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string" ? parsed.version : "unknown";
  } catch {
    return "unknown";
  }
}

let codeVersion: string | undefined;
/** The git commit Keel runs from (KEEL_CODE_VERSION wins), or "unknown". */
function codeVersionOnce(): string {
  if (codeVersion === undefined) {
    codeVersion = workerEnv().KEEL_CODE_VERSION ?? "unknown";
    if (codeVersion === "unknown") {
      try {
        codeVersion = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 2000 }).trim() || "unknown";
      } catch {
        // not a git checkout
      }
    }
  }
  return codeVersion;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function epochPoints(e: EpochLog, now: Date): StoredPoint[] {
  const points: StoredPoint[] = [{ key: "train_loss", value: e.loss, step: e.epoch, timestamp: now }];
  if (e.valLoss !== null) points.push({ key: "val_loss", value: e.valLoss, step: e.epoch, timestamp: now });
  if (e.accuracy !== undefined) points.push({ key: "train_accuracy", value: e.accuracy, step: e.epoch, timestamp: now });
  if (e.valAccuracy !== undefined) points.push({ key: "val_accuracy", value: e.valAccuracy, step: e.epoch, timestamp: now });
  return points.filter((p) => Number.isFinite(p.value));
}

async function store(artifacts: ArtifactStore, path: string, bytes: Uint8Array, contentType: string): Promise<StoredArtifact> {
  const put = await artifacts.put(Readable.from([Buffer.from(bytes)]));
  return { path, sha256: put.sha256, sizeBytes: put.size, contentType };
}

/** How long a running attempt may stay silent before another worker gives up on it. */
export const DEFAULT_TRAINING_STALE_AFTER_MS = 60_000;

export const trainHandler: JobHandler<"train"> = async (payload, ctx) => {
  const db = ctx.kdb.db;
  const staleAfterMs = ctx.trainingStaleAfterMs ?? DEFAULT_TRAINING_STALE_AFTER_MS;
  const who = `worker ${ctx.workerId} (${hostname()}, pid ${process.pid})`;
  const claim = await claimTrainingRun(db, payload.runId, ctx.workerId, staleAfterMs, who);
  if (claim.action === "skip") return { skipped: claim.reason };
  const run = claim.run;
  const ref: AttemptRef = { runId: run.id, attempt: run.attempt, workerId: ctx.workerId };
  const sctx: ServiceContext = { db, actor: systemActor("worker"), requestId: ctx.jobId, artifacts: ctx.artifacts };
  const artifacts = artifactStoreOf(sctx);

  let cancelRequested = false;
  let superseded: string | null = null;
  let earlyTerminated: string | null = null;
  const stopLocal = new AbortController();
  const pendingLogs: string[] = [];
  const flushLogs = async (): Promise<void> => {
    while (pendingLogs.length > 0) await appendRunLog(db, ref.runId, ref.attempt, pendingLogs.shift() ?? "");
  };
  const onSuperseded = (err: unknown): boolean => {
    if (err instanceof AttemptSupersededError) {
      superseded = err.message;
      stopLocal.abort(err);
      return true;
    }
    return false;
  };
  // Between epochs (data loading, a long epoch) a timer keeps the attempt's heartbeat fresh.
  const beat = setInterval(
    () => {
      heartbeatAttempt(db, ref)
        .then((r) => {
          if (r.cancelRequested) cancelRequested = true;
        })
        .catch((err: unknown) => {
          onSuperseded(err);
        });
    },
    Math.max(250, Math.min(5000, staleAfterMs / 4)),
  );
  let backend: BackendChoice | undefined;
  try {
    backend = await backendOnce();
    await recordAttemptEnvironment(db, ref, {
      backend: backend.backend,
      backendAttempts: backend.attempts,
      packageVersions: {
        "@tensorflow/tfjs": backend.tfjsVersion,
        "@tensorflow/tfjs-backend-wasm": versionOf("@tensorflow/tfjs-backend-wasm"),
        node: process.versions.node,
      },
      codeVersion: codeVersionOnce(),
    });
    await appendRunLog(
      db,
      ref.runId,
      ref.attempt,
      `TensorFlow.js ${backend.tfjsVersion} on the ${backend.backend} backend${backend.attempts
        .filter((a) => !a.ok)
        .map((a) => ` (${a.backend} passed over: ${a.reason ?? "?"})`)
        .join("")}.`,
    );
    const config = ZTrainingConfig.parse(run.config);
    if (!run.datasetVersionId) throw new NonRetryableJobError(`Run ${run.id} names no dataset version.`);
    const version = await assertTrainableVersion(sctx, run.datasetVersionId);
    if (run.datasetSha256 && version.sha256 !== run.datasetSha256) {
      throw new NonRetryableJobError(`The dataset version's bytes changed since the run was launched (sha256 ${run.datasetSha256} → ${version.sha256}).`);
    }
    const schemaColumns = columnsOf(version);
    const features = (config.features ?? []).map((name) => {
      const col = schemaColumns.find((c) => c.name === name);
      if (!col) throw new NonRetryableJobError(`The dataset version has no column '${name}'.`);
      return { name, type: col.type };
    });
    const targetType = schemaColumns.find((c) => c.name === config.target)?.type;
    const wanted = [config.target, ...features.map((f) => f.name)];
    if (!(await artifacts.has(version.sha256))) {
      throw new NonRetryableJobError(`The file of dataset version ${version.id} (sha256 ${version.sha256}) is missing from the artifact store.`);
    }
    const source = await openVersionSource(sctx, version);
    const index = new Map(source.columns.map((c, i) => [c, i]));
    const columns: Record<string, Cell[]> = Object.fromEntries(wanted.map((n) => [n, []]));
    for await (const batch of source.batches()) {
      for (const row of batch.rows) {
        for (const name of wanted) (columns[name] as Cell[]).push(row[index.get(name) ?? -1] ?? null);
      }
      if (stopLocal.signal.aborted) break;
    }
    await appendRunLog(db, ref.runId, ref.attempt, `Read ${version.rowCount.toLocaleString("en")} rows of dataset version ${version.id} (sha256 ${version.sha256.slice(0, 12)}…).`);
    const valLosses: number[] = [];
    const signal = AbortSignal.any([ctx.signal, stopLocal.signal]);
    const result = await trainTabular({
      columns,
      target: config.target,
      targetType,
      features,
      task: config.task,
      family: config.model.family,
      hyperparams: config.model.hyperparams,
      split: config.split,
      folds: config.split.folds,
      signal,
      onLog: (line) => pendingLogs.push(line),
      shouldStop: () => cancelRequested || earlyTerminated !== null || superseded !== null,
      onEpoch: async (e) => {
        await flushLogs();
        const line = `Epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${e.valLoss !== null ? `, val_loss ${e.valLoss.toFixed(4)}` : ""}${e.valAccuracy !== undefined ? `, val_accuracy ${e.valAccuracy.toFixed(4)}` : ""} (${e.ms} ms)`;
        try {
          const r = await recordEpoch(db, ref, epochPoints(e, new Date()), line);
          if (r.cancelRequested) cancelRequested = true;
        } catch (err) {
          if (!onSuperseded(err)) throw err;
          return;
        }
        if (e.valLoss !== null) {
          valLosses.push(e.valLoss);
          const decision = await medianStopDecision(db, ref.runId, valLosses);
          if (decision?.stop) {
            earlyTerminated = decision.reason ?? "stopped by the median stopping rule";
            await appendRunLog(db, ref.runId, ref.attempt, `Stopped early by the sweep's median rule: ${earlyTerminated}`, "warn");
          }
        }
      },
    });
    await flushLogs();
    if (superseded !== null) return { superseded };
    if (cancelRequested) {
      await endTrainingRun(db, ref, { status: "cancelled", summary: { epochsRun: result.epochsRun } });
      result.model.dispose();
      return { cancelled: true, epochsRun: result.epochsRun };
    }
    const evaluationJson = JSON.stringify(result.evaluation);
    const stored = [
      await store(artifacts, "model/model.json", result.artifacts.modelJson, "application/json"),
      await store(artifacts, `model/${WEIGHTS_FILE}`, result.artifacts.weights, "application/octet-stream"),
      await store(artifacts, "pipeline.json", new TextEncoder().encode(result.pipelineJson), "application/json"),
      await store(artifacts, "evaluation.json", new TextEncoder().encode(evaluationJson), "application/json"),
    ];
    result.model.dispose();
    const testMetrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(result.evaluation.metrics)) if (typeof v === "number") testMetrics[`test_${snake(k)}`] = v;
    if (result.evaluation.cv) testMetrics[`cv_${result.evaluation.cv.metric.name}_mean`] = result.evaluation.cv.metric.mean;
    await completeTrainingRun(db, ref, {
      evaluation: result.evaluation,
      summary: {
        epochsRun: result.epochsRun,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        ...(earlyTerminated !== null ? { earlyTerminated } : {}),
        labels: result.labels,
        counts: result.counts,
        hyperparams: result.hyperparams,
      },
      testMetrics,
      artifacts: stored,
      finalStep: result.epochsRun,
    });
    return { succeeded: true, epochsRun: result.epochsRun, testMetrics };
  } catch (err) {
    if (onSuperseded(err)) return { superseded };
    if (ctx.signal.aborted) {
      // The worker is stopping (or the job ran past its expiry): give the attempt up now, so the
      // run is retried (or failed) at once instead of when its heartbeat goes stale.
      const why = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : "the worker stopped";
      await reconcileAbandonedRuns(db, { staleAfterMs: 0, attempt: ref, reason: `${who}: ${why}` }).catch(() => undefined);
      throw err;
    }
    const message = err instanceof Error ? err.message : String(err);
    try {
      await flushLogs();
      await endTrainingRun(db, ref, { status: "failed", error: message });
    } catch (endErr) {
      if (!onSuperseded(endErr)) throw endErr;
      return { superseded };
    }
    throw new NonRetryableJobError(`Run ${ref.runId} failed: ${message}`);
  } finally {
    clearInterval(beat);
  }
};
