/**
 * Sweeps: a parent run (kind `sweep`) plans its trials (grid or seeded random search), inserts
 * them as child training runs, and keeps at most `parallelism` of them on the queue; each trial
 * that ends pulls in the next one, and the last one ends the sweep with its best trial. Trials can
 * be stopped early by the median stopping rule on their validation loss.
 */
import { and, asc, eq, inArray, newId, schema, sql, type DbOrTx } from "@keel/db";
import { resolveHyperparams, ZHyperparams } from "@keel/ml/models";
import { bestTrial, medianStoppingRule, planTrials, type StoppingDecision } from "@keel/ml/sweep";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { insertJobInTransaction } from "../../jobs/send";
import { ZLaunchSweepInput, ZSweepSearch, type LaunchSweepInput, type Launched, type SweepSearch } from "../../schemas/experiments";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { findExperiment, writeParams, writeTags } from "./common";
import { insertTrainingRun, nextRunNumber, prepareTraining } from "./launch";

function bad(path: string, message: string): KeelError {
  return new KeelError("BAD_REQUEST", `${path}: ${message}`, [{ path, message }]);
}

const HYPERPARAM_KEYS = new Set(Object.keys(ZHyperparams.shape));

export async function launchSweep(ctx: ServiceContext, rawInput: LaunchSweepInput): Promise<Launched> {
  const input = ZLaunchSweepInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const experiment = await findExperiment(ctx.db, access.project.id, input.experiment);
  const { project: _p, experiment: _e, name, tags, search, ...config } = input;
  for (const key of Object.keys(search.space)) {
    if (!HYPERPARAM_KEYS.has(key)) throw bad(`search.space.${key}`, `not a hyperparameter (use ${[...HYPERPARAM_KEYS].join(", ")})`);
  }
  if (search.method === "random" && search.trials === undefined) throw bad("search.trials", "random search needs a trial budget");
  let plan: Record<string, unknown>[];
  try {
    plan = planTrials({ method: search.method, space: search.space, trials: search.trials, seed: search.seed });
  } catch (err) {
    throw bad("search", err instanceof Error ? err.message : String(err));
  }
  if (plan.length > 200) throw bad("search.trials", `the grid has ${plan.length} combinations: cap it with trials (at most 200)`);
  const base = await prepareTraining(ctx, access, config);
  const trials = plan.map((params, i) => {
    const hp = { ...config.model.hyperparams, ...params };
    const parsed = ZHyperparams.safeParse(hp);
    if (!parsed.success) throw bad(`search.space`, `trial ${i + 1} (${JSON.stringify(params)}): ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    try {
      return { params, prepared: { ...base, config: { ...base.config, model: { ...base.config.model, hyperparams: parsed.data } }, hyperparams: resolveHyperparams(base.config.model.family, base.task, parsed.data) } };
    } catch (err) {
      throw bad("search.space", `trial ${i + 1} (${JSON.stringify(params)}): ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  const parent = await ctx.db.transaction(async (tx) => {
    const number = await nextRunNumber(tx, experiment.id);
    const id = newId("run");
    const now = new Date();
    const [row] = await tx
      .insert(schema.runs)
      .values({
        id,
        projectId: access.project.id,
        experimentId: experiment.id,
        number,
        name: name ?? `sweep-${number}`,
        kind: "sweep",
        status: "running",
        task: base.task,
        family: base.config.model.family,
        target: base.config.target,
        features: base.features,
        split: base.config.split,
        seed: base.config.split.seed,
        datasetVersionId: base.version.id,
        datasetSha256: base.version.sha256,
        config: { ...base.config, search },
        summary: { trials: trials.length, metric: search.metric, goal: search.goal },
        createdBy: actorUserId(ctx),
        startedAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await writeParams(tx, id, {
      family: base.config.model.family,
      task: base.task,
      target: base.config.target,
      dataset_version: base.version.id,
      "sweep.method": search.method,
      "sweep.metric": search.metric,
      "sweep.goal": search.goal,
      "sweep.trials": trials.length,
      "sweep.parallelism": search.parallelism,
    });
    await writeTags(tx, id, tags ?? {});
    for (const [i, t] of trials.entries()) {
      await insertTrainingRun(tx, ctx, {
        experiment,
        prepared: t.prepared,
        name: `${row.name} · trial ${i + 1}`,
        tags: { ...(tags ?? {}), "keel.sweep": id },
        parentRunId: id,
        trialIndex: i,
        enqueue: i < search.parallelism,
      });
    }
    await writeAuditEvent(tx, ctx, {
      action: "experiment.sweep.create",
      entityType: "run",
      entityId: id,
      projectId: access.project.id,
      before: null,
      after: { experiment: experiment.name, name: row.name, search, trials: trials.map((t) => t.params) },
    });
    return row;
  });
  return { id: parent.id, status: parent.status, number: parent.number, trials: trials.length };
}

/** The sweep settings a parent run was launched with. */
export function sweepSearchOf(config: unknown): SweepSearch | null {
  const search = typeof config === "object" && config !== null ? (config as { search?: unknown }).search : undefined;
  const parsed = ZSweepSearch.safeParse(search);
  return parsed.success ? parsed.data : null;
}

/**
 * Called inside the transaction that ends a run: when it is a sweep trial, queue the next waiting
 * trials up to the sweep's parallelism, and end the sweep with its best trial once every trial ended.
 */
export async function afterTrialEnded(tx: DbOrTx, ctx: ServiceContext, runId: string): Promise<void> {
  const [child] = await tx.select({ parentRunId: schema.runs.parentRunId }).from(schema.runs).where(eq(schema.runs.id, runId)).limit(1);
  if (!child?.parentRunId) return;
  const [parent] = await tx.select().from(schema.runs).where(eq(schema.runs.id, child.parentRunId)).for("update");
  if (!parent || parent.status !== "running") return;
  const search = sweepSearchOf(parent.config);
  if (!search) return;
  const siblings = await tx
    .select({ id: schema.runs.id, status: schema.runs.status, jobId: schema.runs.jobId, summary: schema.runs.summary })
    .from(schema.runs)
    .where(eq(schema.runs.parentRunId, parent.id))
    .orderBy(asc(schema.runs.trialIndex));
  const active = siblings.filter((s) => s.status === "running" || (s.status === "queued" && s.jobId !== null)).length;
  const waiting = siblings.filter((s) => s.status === "queued" && s.jobId === null);
  for (const s of waiting.slice(0, Math.max(0, search.parallelism - active))) {
    const jobId = await insertJobInTransaction(tx, "train", { runId: s.id });
    await tx.update(schema.runs).set({ jobId }).where(eq(schema.runs.id, s.id));
  }
  if (!siblings.every((s) => s.status === "succeeded" || s.status === "failed" || s.status === "cancelled")) return;
  const succeeded = siblings.filter((s) => s.status === "succeeded");
  const values = succeeded.length
    ? await tx
        .select({ runId: schema.runLatestMetrics.runId, value: schema.runLatestMetrics.value })
        .from(schema.runLatestMetrics)
        .where(and(inArray(schema.runLatestMetrics.runId, succeeded.map((s) => s.id)), eq(schema.runLatestMetrics.key, search.metric)))
    : [];
  const byRun = new Map(values.map((v) => [v.runId, v.value]));
  const bestRunId = bestTrial(
    succeeded.map((s) => ({ id: s.id, value: byRun.get(s.id) ?? null })),
    search.goal,
  );
  const count = (st: string): number => siblings.filter((s) => s.status === st).length;
  const stoppedEarly = siblings.filter((s) => typeof s.summary?.earlyTerminated === "string").length;
  const summary = {
    trials: siblings.length,
    metric: search.metric,
    goal: search.goal,
    succeeded: count("succeeded"),
    failed: count("failed"),
    cancelled: count("cancelled"),
    stoppedEarly,
    bestRunId,
    bestValue: bestRunId ? (byRun.get(bestRunId) ?? null) : null,
  };
  const status = succeeded.length > 0 ? "succeeded" : "failed";
  const error = status === "failed" ? `None of the ${siblings.length} trials succeeded.` : bestRunId ? null : `No succeeded trial logged the metric '${search.metric}'.`;
  await tx.update(schema.runs).set({ status, summary, error, endedAt: new Date() }).where(eq(schema.runs.id, parent.id));
  await writeAuditEvent(tx, ctx, {
    action: `experiment.sweep.${status}`,
    entityType: "run",
    entityId: parent.id,
    projectId: parent.projectId,
    before: { status: "running" },
    after: { status, ...summary },
  });
}

/**
 * The median stopping rule for one sweep trial at the end of an epoch, on validation loss: null
 * when the run is not a trial of a sweep with early termination.
 */
export async function medianStopDecision(db: DbOrTx, runId: string, valLoss: readonly number[]): Promise<StoppingDecision | null> {
  const [run] = await db.select({ parentRunId: schema.runs.parentRunId }).from(schema.runs).where(eq(schema.runs.id, runId)).limit(1);
  if (!run?.parentRunId) return null;
  const [parent] = await db.select({ config: schema.runs.config }).from(schema.runs).where(eq(schema.runs.id, run.parentRunId)).limit(1);
  const search = sweepSearchOf(parent?.config);
  if (!search?.earlyTermination) return null;
  const rows = await db
    .select({ runId: schema.metrics.runId, step: schema.metrics.step, value: schema.metrics.value })
    .from(schema.metrics)
    .innerJoin(schema.runs, eq(schema.runs.id, schema.metrics.runId))
    .where(and(eq(schema.runs.parentRunId, run.parentRunId), sql`${schema.runs.id} <> ${runId}`, eq(schema.metrics.key, "val_loss")))
    .orderBy(asc(schema.metrics.runId), asc(schema.metrics.step));
  const others = new Map<string, number[]>();
  for (const r of rows) {
    let list = others.get(r.runId);
    if (!list) others.set(r.runId, (list = []));
    list.push(r.value);
  }
  return medianStoppingRule(valLoss, [...others.values()], {
    goal: "minimize",
    graceSteps: search.earlyTermination.graceEpochs,
    minTrials: search.earlyTermination.minTrials,
    metric: "val_loss",
    unit: "epochs",
  });
}
