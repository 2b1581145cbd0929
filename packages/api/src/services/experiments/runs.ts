/** Reading one run (with its evaluation, artifacts, lineage and reproduction check), cancel, re-run, compare. */
import { and, asc, eq, gt, inArray, schema, sql, type DbOrTx } from "@keel/db";
import { ZEvaluationReport } from "@keel/ml/models";
import { z } from "zod";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { QUEUE_SCHEMA } from "../../jobs/queue";
import {
  ZCompareRunsInput,
  ZMetricHistoryInput,
  ZRunInput,
  ZRunLogsInput,
  ZTrainingConfig,
  type CompareRunsInput,
  type Launched,
  type MetricHistory,
  type MetricHistoryInput,
  type Run,
  type RunComparison,
  type RunInput,
} from "../../schemas/experiments";
import { requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { findRun, isEnded, metricGoal, runExtras, toRunSummary, type RunRow } from "./common";
import { insertTrainingRun, prepareTraining } from "./launch";
import { readMetricHistory } from "./metrics";

const ZBackendAttempts = z.array(z.object({ backend: z.string(), ok: z.boolean(), reason: z.string().optional() }));

/** Metrics that must match for a re-run to count as reproduced: the test-split evaluation. */
function reproductionKeys(metrics: Record<string, number>): string[] {
  return Object.keys(metrics)
    .filter((k) => k.startsWith("test_"))
    .sort();
}

/** Same backend and data: the numbers must agree to 1e-6; across backends, to 0.01. */
export const REPRODUCTION_TOLERANCE = { sameBackend: 1e-6, otherBackend: 0.01 } as const;

async function reproductionOf(db: DbOrTx, row: RunRow, metrics: Record<string, number>): Promise<Run["reproduction"]> {
  if (!row.rerunOfRunId) return null;
  const [orig] = await db.select().from(schema.runs).where(eq(schema.runs.id, row.rerunOfRunId)).limit(1);
  if (!orig) return null;
  const ex = await runExtras(db, [orig]);
  const origMetrics = ex.metrics.get(orig.id) ?? {};
  const sameBackend = orig.backend !== null && orig.backend === row.backend;
  const tolerance = sameBackend ? REPRODUCTION_TOLERANCE.sameBackend : REPRODUCTION_TOLERANCE.otherBackend;
  const done = orig.status === "succeeded" && row.status === "succeeded";
  const keys = [...new Set([...reproductionKeys(origMetrics), ...reproductionKeys(metrics)])].sort();
  const rows = keys.map((key) => {
    const a = origMetrics[key] ?? null;
    const b = metrics[key] ?? null;
    const delta = a !== null && b !== null ? b - a : null;
    return { key, original: a, rerun: b, delta, withinTolerance: delta !== null && Math.abs(delta) <= tolerance };
  });
  return {
    originalRunId: orig.id,
    tolerance,
    sameBackend,
    sameDataset: orig.datasetSha256 !== null && orig.datasetSha256 === row.datasetSha256,
    reproduced: done ? rows.length > 0 && rows.every((r) => r.withinTolerance) : null,
    metrics: rows,
  };
}

export async function toRunDetail(db: DbOrTx, row: RunRow): Promise<Run> {
  const extras = await runExtras(db, [row]);
  const summary = toRunSummary(row, extras);
  const [artifacts, metricKeys, dataset, children] = await Promise.all([
    db
      .select({ path: schema.runArtifacts.path, sha256: schema.runArtifacts.sha256, sizeBytes: schema.runArtifacts.sizeBytes, contentType: schema.runArtifacts.contentType })
      .from(schema.runArtifacts)
      .where(eq(schema.runArtifacts.runId, row.id))
      .orderBy(asc(schema.runArtifacts.path)),
    db
      .select({ key: schema.runLatestMetrics.key, count: schema.runLatestMetrics.count, lastStep: schema.runLatestMetrics.maxStep })
      .from(schema.runLatestMetrics)
      .where(eq(schema.runLatestMetrics.runId, row.id))
      .orderBy(asc(schema.runLatestMetrics.key)),
    row.datasetVersionId
      ? db
          .select({ id: schema.datasets.id, name: schema.datasets.name, version: schema.datasetVersions.version })
          .from(schema.datasetVersions)
          .innerJoin(schema.datasets, eq(schema.datasets.id, schema.datasetVersions.datasetId))
          .where(eq(schema.datasetVersions.id, row.datasetVersionId))
          .limit(1)
      : Promise.resolve([]),
    row.kind === "sweep"
      ? db
          .select({ status: schema.runs.status, n: sql<number>`count(*)::int` })
          .from(schema.runs)
          .where(eq(schema.runs.parentRunId, row.id))
          .groupBy(schema.runs.status)
      : Promise.resolve(null),
  ]);
  const evaluation = row.evaluation === null ? null : ZEvaluationReport.safeParse(row.evaluation);
  const attempts = ZBackendAttempts.safeParse(row.backendAttempts);
  const sweepSummary = row.summary ?? {};
  return {
    ...summary,
    rerunOfRunId: row.rerunOfRunId,
    target: row.target,
    features: Array.isArray(row.features) ? row.features.map(String) : null,
    hyperparams: row.hyperparams,
    split: row.split,
    seed: row.seed,
    datasetSha256: row.datasetSha256,
    dataset: dataset[0] ?? null,
    config: row.config,
    evaluation: evaluation?.success ? evaluation.data : null,
    backendAttempts: attempts.success ? attempts.data : null,
    packageVersions: row.packageVersions,
    codeVersion: row.codeVersion,
    summary: row.summary,
    error: row.error,
    attempt: row.attempt,
    maxAttempts: row.maxAttempts,
    cancelRequested: row.cancelRequestedAt !== null,
    artifacts,
    metricKeys: metricKeys.map((m) => ({ key: m.key, count: m.count, lastStep: m.lastStep })),
    children: children
      ? {
          total: children.reduce((s, c) => s + c.n, 0),
          byStatus: Object.fromEntries(children.map((c) => [c.status, c.n])),
          bestRunId: typeof sweepSummary.bestRunId === "string" ? sweepSummary.bestRunId : null,
        }
      : null,
    reproduction: await reproductionOf(db, row, summary.metrics),
  };
}

export async function getRun(ctx: ServiceContext, rawInput: RunInput): Promise<Run> {
  const input = ZRunInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  return toRunDetail(ctx.db, await findRun(ctx.db, access.project.id, input.run));
}

export async function getMetricHistory(ctx: ServiceContext, rawInput: MetricHistoryInput): Promise<MetricHistory> {
  const input = ZMetricHistoryInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const run = await findRun(ctx.db, access.project.id, input.run);
  return readMetricHistory(ctx.db, run.id, input.key, input.maxPoints);
}

export async function getRunLogs(ctx: ServiceContext, rawInput: z.input<typeof ZRunLogsInput>): Promise<{ lines: { id: number; attempt: number; level: "info" | "warn" | "error"; message: string; at: string }[] }> {
  const input = ZRunLogsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const run = await findRun(ctx.db, access.project.id, input.run);
  const rows = await ctx.db
    .select()
    .from(schema.runLogs)
    .where(and(eq(schema.runLogs.runId, run.id), gt(schema.runLogs.id, input.after)))
    .orderBy(asc(schema.runLogs.id))
    .limit(input.limit);
  return { lines: rows.map((r) => ({ id: r.id, attempt: r.attempt, level: r.level, message: r.message, at: r.at.toISOString() })) };
}

/** Cancels a pg-boss job that has not finished (a queued run's job, or a sweep trial's). */
export async function cancelQueueJob(tx: DbOrTx, jobId: string | null): Promise<void> {
  if (!jobId) return;
  await tx.execute(
    sql`update ${sql.raw(QUEUE_SCHEMA)}.job set state = 'cancelled', completed_on = now() where name = 'train' and id = ${jobId}::uuid and state < 'completed'`,
  );
}

/**
 * Cancels a run. A queued run ends at once; a running one is asked to stop and its worker ends it
 * (cancelled) at the end of the current epoch. A sweep cancels its trials that have not ended.
 */
export async function cancelRun(ctx: ServiceContext, rawInput: RunInput): Promise<Run> {
  const input = ZRunInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const row = await ctx.db.transaction(async (tx) => {
    const run = await findRun(tx, access.project.id, input.run, { forUpdate: true });
    if (isEnded(run.status)) {
      throw new KeelError("CONFLICT", `Run ${run.id} has already ended (${run.status}): there is nothing to cancel.`, [{ path: "run", message: run.status }]);
    }
    if (run.kind === "external") {
      throw new KeelError("CONFLICT", `Run ${run.id} is trained outside Keel: finish it with status 'cancelled' from the script that logs it.`);
    }
    const now = new Date();
    const targets = run.kind === "sweep" ? await tx.select().from(schema.runs).where(eq(schema.runs.parentRunId, run.id)).for("update") : [];
    for (const r of [run, ...targets]) {
      if (isEnded(r.status)) continue;
      if (r.status === "queued" || r.kind === "sweep") {
        await tx.update(schema.runs).set({ status: "cancelled", cancelRequestedAt: now, endedAt: now, error: null }).where(eq(schema.runs.id, r.id));
        await cancelQueueJob(tx, r.jobId);
      } else {
        await tx.update(schema.runs).set({ cancelRequestedAt: now }).where(eq(schema.runs.id, r.id));
      }
    }
    await writeAuditEvent(tx, ctx, {
      action: "experiment.run.cancel",
      entityType: "run",
      entityId: run.id,
      projectId: access.project.id,
      before: { status: run.status },
      after: { status: run.status === "queued" || run.kind === "sweep" ? "cancelled" : "running", cancelRequested: true },
    });
    return findRun(tx, access.project.id, run.id);
  });
  return toRunDetail(ctx.db, row);
}

/**
 * Launches a run again from the receipt of another: the same dataset version (its sha256 is
 * checked), config and seed. The new run points at the original, and its page says whether the
 * test metrics reproduced within tolerance. Retrying a failed or cancelled run is the same act.
 */
export async function rerunRun(ctx: ServiceContext, rawInput: RunInput): Promise<Launched> {
  const input = ZRunInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const orig = await findRun(ctx.db, access.project.id, input.run);
  if (orig.kind !== "training") {
    throw new KeelError("BAD_REQUEST", `Run ${orig.id} is ${orig.kind === "sweep" ? "a sweep" : "an external run"}: only a run Keel trained can be re-run from its receipt.`);
  }
  const config = ZTrainingConfig.safeParse(orig.config);
  if (!config.success) throw new KeelError("CONFLICT", `Run ${orig.id} has no readable receipt to re-run from.`);
  const prepared = await prepareTraining(ctx, access, config.data);
  if (orig.datasetSha256 && prepared.version.sha256 !== orig.datasetSha256) {
    throw new KeelError("CONFLICT", `The dataset version's bytes changed since run ${orig.id} (sha256 ${orig.datasetSha256} → ${prepared.version.sha256}).`);
  }
  const [experiment] = await ctx.db.select().from(schema.experiments).where(eq(schema.experiments.id, orig.experimentId)).limit(1);
  if (!experiment) throw new Error("experiment vanished");
  const origTags = await ctx.db.select().from(schema.runTags).where(eq(schema.runTags.runId, orig.id));
  const run = await ctx.db.transaction(async (tx) => {
    const created = await insertTrainingRun(tx, ctx, {
      experiment,
      prepared,
      name: `${orig.name} (re-run)`,
      tags: { ...Object.fromEntries(origTags.map((t) => [t.key, t.value])), "keel.rerun_of": orig.id },
      rerunOfRunId: orig.id,
      enqueue: true,
    });
    await writeAuditEvent(tx, ctx, {
      action: "experiment.run.rerun",
      entityType: "run",
      entityId: created.id,
      projectId: access.project.id,
      before: { runId: orig.id, status: orig.status },
      after: { runId: created.id, config: prepared.config, datasetSha256: prepared.version.sha256 },
    });
    return created;
  });
  return { id: run.id, status: run.status, number: run.number };
}

/** 2–10 runs side by side: params (and which differ), metrics with deltas against the baseline. */
export async function compareRuns(ctx: ServiceContext, rawInput: CompareRunsInput): Promise<RunComparison> {
  const input = ZCompareRunsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const ids = [...new Set(input.runs)];
  if (ids.length < 2) throw new KeelError("BAD_REQUEST", "runs: pick at least 2 different runs", [{ path: "runs", message: "pick at least 2 different runs" }]);
  const rows = await ctx.db.select().from(schema.runs).where(and(eq(schema.runs.projectId, access.project.id), inArray(schema.runs.id, ids)));
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length > 0) throw new KeelError("NOT_FOUND", `No run ${missing.join(", ")} in this project.`, [{ path: "runs", message: "not found" }]);
  const ordered = ids.map((id) => rows.find((r) => r.id === id) as RunRow);
  const extras = await runExtras(ctx.db, ordered);
  const runs = ordered.map((r) => toRunSummary(r, extras));
  const expBaseline = runs.find((r) => r.isBaseline);
  const baseline = expBaseline ?? runs[0];
  if (!baseline) throw new Error("no runs to compare");
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const params = paramKeys.map((key) => {
    const values = runs.map((r) => r.params[key] ?? null);
    return { key, values, differs: new Set(values).size > 1 };
  });
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const metrics = metricKeys.map((key) => {
    const goal = metricGoal(key);
    const base = baseline.metrics[key];
    const values = runs.map((r) => r.metrics[key] ?? null);
    const deltas = values.map((v) => (v === null || base === undefined ? null : v - base));
    const better = deltas.map((d) => (d === null || d === 0 ? null : goal === "maximize" ? d > 0 : d < 0));
    return { key, goal, values, deltas, better };
  });
  const curves = await ctx.db
    .selectDistinct({ key: schema.runLatestMetrics.key })
    .from(schema.runLatestMetrics)
    .where(and(inArray(schema.runLatestMetrics.runId, ids), gt(schema.runLatestMetrics.count, 1)))
    .orderBy(asc(schema.runLatestMetrics.key));
  return {
    runs,
    baselineRunId: baseline.id,
    baselineIsExperimentBaseline: expBaseline !== undefined,
    params,
    metrics,
    curveKeys: curves.map((c) => c.key),
  };
}
