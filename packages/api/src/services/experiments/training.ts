/**
 * The worker's side of a training run, as services over the database (no TensorFlow here).
 *
 * An attempt owns its run through (`worker_id`, `attempt`): every write of the attempt checks both
 * under a row lock, so an attempt the reconciler gave up on (its worker stopped beating) can never
 * write again, even if its worker comes back. Metric points carry the attempt that wrote them and
 * are dropped when a new attempt starts; artifacts are rows written only in the final transaction
 * that marks the run succeeded. So a half-finished attempt leaves nothing that reads as a result.
 */
import { and, eq, inArray, lt, schema, type Db, type DbOrTx } from "@keel/db";
import { systemActor, type ServiceContext } from "../../context";
import { insertJobInTransaction } from "../../jobs/send";
import { writeAuditEvent } from "../audit";
import { type RunRow } from "./common";
import { deleteRunMetrics, writeMetricPoints, type StoredPoint } from "./metrics";
import { afterTrialEnded } from "./sweeps";

/** Thrown when an attempt no longer owns its run (cancelled as queued, reconciled away, superseded). */
export class AttemptSupersededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttemptSupersededError";
  }
}

export interface AttemptRef {
  runId: string;
  attempt: number;
  workerId: string;
}

function workerCtx(db: Db, jobOrRun: string): ServiceContext {
  return { db, actor: systemActor("worker"), requestId: jobOrRun };
}

export async function appendRunLog(db: DbOrTx, runId: string, attempt: number, message: string, level: "info" | "warn" | "error" = "info"): Promise<void> {
  await db.insert(schema.runLogs).values({ runId, attempt, level, message });
}

export type ClaimResult = { action: "train"; run: RunRow } | { action: "skip"; reason: string };

/**
 * Starts an attempt of a queued run on this worker: drops what earlier attempts left (their
 * metric points), counts the attempt, and marks the run running. Idempotent against duplicate
 * delivery: a run that ended, or that another live attempt holds, is skipped.
 */
export async function claimTrainingRun(db: Db, runId: string, workerId: string, staleAfterMs: number, describeWorker: string): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(schema.runs).where(eq(schema.runs.id, runId)).for("update");
    if (!run) return { action: "skip", reason: `run ${runId} no longer exists` };
    if (run.status === "succeeded" || run.status === "failed" || run.status === "cancelled") return { action: "skip", reason: `run ${runId} has already ended (${run.status})` };
    if (run.status === "running" && run.heartbeatAt && Date.now() - run.heartbeatAt.getTime() < staleAfterMs && run.workerId !== workerId) {
      return { action: "skip", reason: `run ${runId} is being trained by ${run.workerId ?? "another worker"}` };
    }
    const now = new Date();
    if (run.cancelRequestedAt) {
      await tx.update(schema.runs).set({ status: "cancelled", endedAt: now }).where(eq(schema.runs.id, runId));
      await writeAuditEvent(tx, workerCtx(db, runId), { action: "experiment.run.cancelled", entityType: "run", entityId: runId, projectId: run.projectId, before: { status: run.status }, after: { status: "cancelled" } });
      await afterTrialEnded(tx, workerCtx(db, runId), runId);
      return { action: "skip", reason: `run ${runId} was cancelled before it started` };
    }
    const attempt = run.attempt + 1;
    if (attempt > run.maxAttempts) {
      const error = `No attempts left: ${run.attempt} of ${run.maxAttempts} were used.`;
      await tx.update(schema.runs).set({ status: "failed", error, endedAt: now }).where(eq(schema.runs.id, runId));
      await writeAuditEvent(tx, workerCtx(db, runId), { action: "experiment.run.failed", entityType: "run", entityId: runId, projectId: run.projectId, before: { status: run.status }, after: { status: "failed", error } });
      await afterTrialEnded(tx, workerCtx(db, runId), runId);
      return { action: "skip", reason: error };
    }
    await deleteRunMetrics(tx, runId);
    const [claimed] = await tx
      .update(schema.runs)
      .set({ status: "running", attempt, workerId, heartbeatAt: now, startedAt: now, error: null })
      .where(eq(schema.runs.id, runId))
      .returning();
    if (!claimed) throw new Error("run vanished");
    await appendRunLog(tx, runId, attempt, `Attempt ${attempt} of ${run.maxAttempts} started on ${describeWorker}.`);
    return { action: "train", run: claimed };
  });
}

/** Locks the run and checks the attempt still owns it; returns the locked row. */
async function owned(tx: DbOrTx, ref: AttemptRef): Promise<RunRow> {
  const [run] = await tx.select().from(schema.runs).where(eq(schema.runs.id, ref.runId)).for("update");
  if (!run) throw new AttemptSupersededError(`run ${ref.runId} no longer exists`);
  if (run.status !== "running" || run.attempt !== ref.attempt || run.workerId !== ref.workerId) {
    throw new AttemptSupersededError(
      `attempt ${ref.attempt} of run ${ref.runId} no longer owns it (status ${run.status}, attempt ${run.attempt}, worker ${run.workerId ?? "none"})`,
    );
  }
  return run;
}

/** Refreshes the attempt's heartbeat; says whether a cancel was asked for. */
export async function heartbeatAttempt(db: Db, ref: AttemptRef): Promise<{ cancelRequested: boolean }> {
  const rows = await db
    .update(schema.runs)
    .set({ heartbeatAt: new Date() })
    .where(and(eq(schema.runs.id, ref.runId), eq(schema.runs.attempt, ref.attempt), eq(schema.runs.workerId, ref.workerId), eq(schema.runs.status, "running")))
    .returning({ cancelRequestedAt: schema.runs.cancelRequestedAt });
  const [row] = rows;
  if (!row) throw new AttemptSupersededError(`attempt ${ref.attempt} of run ${ref.runId} no longer owns it`);
  return { cancelRequested: row.cancelRequestedAt !== null };
}

/**
 * Records, as soon as the attempt knows them, the backend that trains it, why the faster ones
 * were passed over, and the package and code versions (so a running, cancelled or failed run
 * shows them too).
 */
export async function recordAttemptEnvironment(
  db: Db,
  ref: AttemptRef,
  env: { backend: string; backendAttempts: unknown[]; packageVersions: Record<string, string>; codeVersion: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await owned(tx, ref);
    await tx
      .update(schema.runs)
      .set({ backend: env.backend, backendAttempts: env.backendAttempts, packageVersions: env.packageVersions, codeVersion: env.codeVersion, heartbeatAt: new Date() })
      .where(eq(schema.runs.id, ref.runId));
  });
}

/** Writes one epoch's points (and a log line) as the attempt, and refreshes its heartbeat. */
export async function recordEpoch(db: Db, ref: AttemptRef, points: readonly StoredPoint[], log?: string): Promise<{ cancelRequested: boolean }> {
  return db.transaction(async (tx) => {
    const run = await owned(tx, ref);
    await writeMetricPoints(tx, ref.runId, ref.attempt, points);
    if (log) await appendRunLog(tx, ref.runId, ref.attempt, log);
    await tx.update(schema.runs).set({ heartbeatAt: new Date() }).where(eq(schema.runs.id, ref.runId));
    return { cancelRequested: run.cancelRequestedAt !== null };
  });
}

export interface StoredArtifact {
  path: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
}

export interface TrainingOutcome {
  evaluation: unknown;
  summary: Record<string, unknown>;
  /** The test-split metrics, logged as `test_*` points. */
  testMetrics: Record<string, number>;
  artifacts: StoredArtifact[];
  finalStep: number;
}

/** The attempt's result, all at once: artifacts, evaluation, test metrics, status succeeded. */
export async function completeTrainingRun(db: Db, ref: AttemptRef, outcome: TrainingOutcome): Promise<void> {
  await db.transaction(async (tx) => {
    const run = await owned(tx, ref);
    const now = new Date();
    if (outcome.artifacts.length > 0) {
      await tx.insert(schema.runArtifacts).values(outcome.artifacts.map((a) => ({ runId: ref.runId, ...a, createdAt: now })));
    }
    const points: StoredPoint[] = Object.entries(outcome.testMetrics)
      .filter(([, v]) => Number.isFinite(v))
      .map(([key, value]) => ({ key, value, step: outcome.finalStep, timestamp: now }));
    await writeMetricPoints(tx, ref.runId, ref.attempt, points);
    await appendRunLog(tx, ref.runId, ref.attempt, `Succeeded: ${outcome.artifacts.length} artifacts stored.`);
    await tx
      .update(schema.runs)
      .set({
        status: "succeeded",
        endedAt: now,
        heartbeatAt: now,
        evaluation: outcome.evaluation,
        summary: outcome.summary,
      })
      .where(eq(schema.runs.id, ref.runId));
    await writeAuditEvent(tx, workerCtx(db, ref.runId), {
      action: "experiment.run.succeeded",
      entityType: "run",
      entityId: ref.runId,
      projectId: run.projectId,
      before: { status: "running", attempt: ref.attempt },
      after: { status: "succeeded", backend: run.backend, artifacts: outcome.artifacts.map((a) => ({ path: a.path, sha256: a.sha256 })), testMetrics: outcome.testMetrics },
    });
    await afterTrialEnded(tx, workerCtx(db, ref.runId), ref.runId);
  });
}

/** Ends the attempt's run as failed (with the reason) or cancelled; its curves stay as they were. */
export async function endTrainingRun(
  db: Db,
  ref: AttemptRef,
  end: { status: "failed" | "cancelled"; error?: string; summary?: Record<string, unknown> },
): Promise<void> {
  await db.transaction(async (tx) => {
    const run = await owned(tx, ref);
    const now = new Date();
    await appendRunLog(tx, ref.runId, ref.attempt, end.status === "failed" ? `Failed: ${end.error ?? "unknown error"}` : "Cancelled at the end of an epoch.", end.status === "failed" ? "error" : "warn");
    await tx
      .update(schema.runs)
      .set({
        status: end.status,
        endedAt: now,
        error: end.status === "failed" ? (end.error ?? "unknown error") : null,
        ...(end.summary ? { summary: end.summary } : {}),
      })
      .where(eq(schema.runs.id, ref.runId));
    await writeAuditEvent(tx, workerCtx(db, ref.runId), {
      action: end.status === "failed" ? "experiment.run.failed" : "experiment.run.cancelled",
      entityType: "run",
      entityId: ref.runId,
      projectId: run.projectId,
      before: { status: "running", attempt: ref.attempt },
      after: { status: end.status, error: end.error ?? null },
    });
    await afterTrialEnded(tx, workerCtx(db, ref.runId), ref.runId);
  });
}

export interface ReconcileReport {
  retried: string[];
  failed: string[];
}

/**
 * Finds running training runs whose attempt stopped beating for `staleAfterMs` (its worker was
 * killed, lost its database, or hangs) and gives up on that attempt: its metric points are
 * dropped, then the run is queued again with a new job when attempts are left, or failed with the
 * reason. Safe to run from every worker at once (`skip locked`).
 */
export async function reconcileAbandonedRuns(
  db: Db,
  opts: {
    staleAfterMs: number;
    now?: Date;
    /** Only this attempt (a worker giving up its own attempt as it stops). */
    attempt?: AttemptRef;
    /** Says why, instead of "stopped reporting". */
    reason?: string;
  },
): Promise<ReconcileReport> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.staleAfterMs);
  const report: ReconcileReport = { retried: [], failed: [] };
  const own = opts.attempt;
  const candidates = own
    ? [{ id: own.runId }]
    : await db
        .select({ id: schema.runs.id })
        .from(schema.runs)
        .where(and(eq(schema.runs.status, "running"), eq(schema.runs.kind, "training"), lt(schema.runs.heartbeatAt, cutoff)));
  for (const { id } of candidates) {
    await db.transaction(async (tx) => {
      const [run] = await tx
        .select()
        .from(schema.runs)
        .where(
          own
            ? and(eq(schema.runs.id, id), eq(schema.runs.status, "running"), eq(schema.runs.attempt, own.attempt), eq(schema.runs.workerId, own.workerId))
            : and(eq(schema.runs.id, id), eq(schema.runs.status, "running"), lt(schema.runs.heartbeatAt, cutoff)),
        )
        .for("update", { skipLocked: true });
      if (!run) return;
      const [worker] = run.workerId
        ? await tx.select().from(schema.workerHeartbeats).where(eq(schema.workerHeartbeats.id, run.workerId)).limit(1)
        : [];
      const who = worker ? `worker ${worker.id} (${worker.hostname}, pid ${worker.pid})` : `worker ${run.workerId ?? "unknown"}`;
      const silentFor = run.heartbeatAt ? Math.round((now.getTime() - run.heartbeatAt.getTime()) / 1000) : 0;
      const reason = opts.reason
        ? `Attempt ${run.attempt} was abandoned: ${opts.reason}; its partial metrics were discarded.`
        : `Attempt ${run.attempt} was abandoned: ${who} stopped reporting ${silentFor} s ago (last heartbeat ${run.heartbeatAt?.toISOString() ?? "never"}); its partial metrics were discarded.`;
      await deleteRunMetrics(tx, run.id);
      await appendRunLog(tx, run.id, run.attempt, reason, "error");
      const ctx = workerCtx(db, run.id);
      if (run.attempt < run.maxAttempts && !run.cancelRequestedAt) {
        const jobId = await insertJobInTransaction(tx, "train", { runId: run.id });
        await tx.update(schema.runs).set({ status: "queued", workerId: null, heartbeatAt: null, jobId }).where(eq(schema.runs.id, run.id));
        await writeAuditEvent(tx, ctx, { action: "experiment.run.retry", entityType: "run", entityId: run.id, projectId: run.projectId, before: { status: "running", attempt: run.attempt }, after: { status: "queued", reason } });
        report.retried.push(run.id);
      } else {
        const error = run.cancelRequestedAt
          ? `${reason} It was being cancelled, so it is not retried.`
          : `${reason} No attempts left (${run.attempt} of ${run.maxAttempts}).`;
        const status = run.cancelRequestedAt ? "cancelled" : "failed";
        await tx.update(schema.runs).set({ status, error, endedAt: now }).where(eq(schema.runs.id, run.id));
        await writeAuditEvent(tx, ctx, { action: `experiment.run.${status}`, entityType: "run", entityId: run.id, projectId: run.projectId, before: { status: "running", attempt: run.attempt }, after: { status, error } });
        await afterTrialEnded(tx, ctx, run.id);
        report.failed.push(run.id);
      }
    });
  }
  return report;
}

/** Runs the given ids' artifacts as stored (the worker reads back the model of a run it trained). */
export async function runArtifactsOf(db: DbOrTx, runIds: string[]): Promise<(typeof schema.runArtifacts.$inferSelect)[]> {
  if (runIds.length === 0) return [];
  return db.select().from(schema.runArtifacts).where(inArray(schema.runArtifacts.runId, runIds));
}
