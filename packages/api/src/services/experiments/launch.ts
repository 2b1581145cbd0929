/**
 * Launching training: the request is checked against the dataset version (target and features
 * exist, the task fits the target, the hyperparameters fit the family) before anything is written;
 * then the run, its parameters, tags, the queue job and the audit event are one transaction.
 */
import { eq, newId, schema, sql, type DbOrTx } from "@keel/db";
import { familiesFor, resolveHyperparams, type ModelFamily, type ModelTask, type ResolvedHyperparams } from "@keel/ml/models";
import { ZDatasetProfile, type ColumnProfile } from "@keel/ml/tabular";
import type { ProjectAccess, ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { insertJobInTransaction } from "../../jobs/send";
import { MAX_INTEGER_CLASSES } from "@keel/ml/models";
import { ZLaunchRunInput, type LaunchRunInput, type Launched, type TrainingConfig } from "../../schemas/experiments";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { assertTrainableVersion } from "../datasets/versions";
import { columnsOf, type VersionRow } from "../datasets/common";
import { findExperiment, writeParams, writeTags, type ExperimentRow, type RunRow } from "./common";

/** A training request checked against its dataset version, with everything resolved. */
export interface PreparedTraining {
  config: TrainingConfig;
  version: VersionRow;
  task: ModelTask;
  features: string[];
  hyperparams: ResolvedHyperparams;
}

function bad(path: string, message: string): KeelError {
  return new KeelError("BAD_REQUEST", `${path}: ${message}`, [{ path, message }]);
}

/** Task from the target's profile: what detectTask does on values, decided on the stored profile. */
export function taskFromProfile(col: ColumnProfile): ModelTask {
  if (col.type === "boolean") return "binary";
  if (col.type === "categorical" || col.type === "text") return col.distinct <= 2 ? "binary" : "multiclass";
  if (col.type === "datetime") throw bad("target", `column '${col.name}' holds dates: Keel cannot learn a date`);
  if (col.distinct === 2) return "binary";
  if (col.type === "integer" && col.distinct <= MAX_INTEGER_CLASSES && typeof col.min === "number" && col.min >= 0) return "multiclass";
  return "regression";
}

/** Checks a training config against the dataset version it names (same project, trainable). */
export async function prepareTraining(ctx: ServiceContext, access: ProjectAccess, config: TrainingConfig): Promise<PreparedTraining> {
  let version: VersionRow;
  try {
    version = await assertTrainableVersion(ctx, config.datasetVersionId);
  } catch (err) {
    if (err instanceof KeelError && err.code === "NOT_FOUND") throw bad("datasetVersionId", `no dataset version ${config.datasetVersionId} in this project`);
    throw err;
  }
  if (version.projectId !== access.project.id) throw bad("datasetVersionId", `no dataset version ${config.datasetVersionId} in this project`);
  const columns = columnsOf(version);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const profile = ZDatasetProfile.parse(version.profile);
  const targetProfile = profile.columns.find((c) => c.name === config.target);
  if (!byName.has(config.target) || !targetProfile) {
    throw bad("target", `the dataset has no column '${config.target}' (columns: ${columns.map((c) => c.name).join(", ")})`);
  }
  if (targetProfile.count < 10) throw bad("target", `column '${config.target}' has ${targetProfile.count} values: at least 10 rows need a target`);
  let features: string[];
  if (config.features) {
    const seen = new Set<string>();
    for (const [i, f] of config.features.entries()) {
      const col = byName.get(f);
      if (!col) throw bad(`features[${i}]`, `the dataset has no column '${f}'`);
      if (f === config.target) throw bad(`features[${i}]`, `'${f}' is the target: a model cannot learn from its own answer`);
      if (col.type === "datetime") throw bad(`features[${i}]`, `'${f}' holds dates, which Keel's pipeline cannot encode yet`);
      if (seen.has(f)) throw bad(`features[${i}]`, `'${f}' is listed twice`);
      seen.add(f);
    }
    features = config.features;
  } else {
    features = columns.filter((c) => c.name !== config.target && c.type !== "datetime").map((c) => c.name);
    if (features.length === 0) throw bad("features", "the dataset has no column to learn from besides the target");
  }
  const detected = taskFromProfile(targetProfile);
  const task = config.task ?? detected;
  if (task !== "regression" && targetProfile.distinct < 2) throw bad("target", `column '${config.target}' has one value: classification needs two classes`);
  if (task === "regression" && (targetProfile.type !== "numeric" && targetProfile.type !== "integer")) {
    throw bad("task", `regression needs a numeric target; '${config.target}' is ${targetProfile.type}`);
  }
  if (task === "binary" && targetProfile.distinct > 2) {
    throw bad("task", `'${config.target}' has ${targetProfile.distinct} distinct values: binary needs exactly two (use multiclass)`);
  }
  const family: ModelFamily = config.model.family;
  if (!familiesFor(task).includes(family)) {
    throw bad("model.family", `${family} does not fit a ${task} task (use ${familiesFor(task).join(" or ")})`);
  }
  let hyperparams: ResolvedHyperparams;
  try {
    hyperparams = resolveHyperparams(family, task, config.model.hyperparams);
  } catch (err) {
    throw bad("model.hyperparams", err instanceof Error ? err.message : String(err));
  }
  return { config: { ...config, task, features }, version, task, features, hyperparams };
}

/** The parameters a training run is searchable by (hyperparameters flattened to text). */
export function trainingParams(p: PreparedTraining): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = {
    family: p.config.model.family,
    task: p.task,
    target: p.config.target,
    n_features: p.features.length,
    dataset_version: p.version.id,
    seed: p.config.split.seed,
    test_size: p.config.split.test,
    validation_size: p.config.split.validation,
  };
  if (p.config.split.folds !== undefined) params.folds = p.config.split.folds;
  for (const [k, v] of Object.entries(p.hyperparams)) {
    if (p.config.model.family !== "mlp" && (k === "hiddenLayers" || k === "activation" || k === "dropout")) continue;
    if (p.task === "regression" && k === "classWeight") continue;
    params[k] = typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : JSON.stringify(v);
  }
  return params;
}

export interface InsertRunOptions {
  experiment: ExperimentRow;
  prepared: PreparedTraining;
  name?: string;
  tags?: Record<string, string>;
  parentRunId?: string | null;
  trialIndex?: number | null;
  rerunOfRunId?: string | null;
  /** Put a train job on the queue now (false: a sweep trial waiting for a free slot). */
  enqueue: boolean;
}

/** Takes the experiment's next run number under a row lock. */
export async function nextRunNumber(tx: DbOrTx, experimentId: string): Promise<number> {
  const [row] = await tx
    .update(schema.experiments)
    .set({ nextRunNumber: sql`${schema.experiments.nextRunNumber} + 1`, updatedAt: new Date() })
    .where(eq(schema.experiments.id, experimentId))
    .returning({ number: sql<number>`${schema.experiments.nextRunNumber} - 1` });
  if (!row) throw new Error("experiment vanished");
  return Number(row.number);
}

/** Inserts a queued training run with its params and tags (and its job), inside `tx`. */
export async function insertTrainingRun(tx: DbOrTx, ctx: ServiceContext, o: InsertRunOptions): Promise<RunRow> {
  const number = await nextRunNumber(tx, o.experiment.id);
  const id = newId("run");
  const p = o.prepared;
  const [run] = await tx
    .insert(schema.runs)
    .values({
      id,
      projectId: o.experiment.projectId,
      experimentId: o.experiment.id,
      number,
      name: o.name ?? `${p.config.model.family}-${number}`,
      kind: "training",
      status: "queued",
      parentRunId: o.parentRunId ?? null,
      trialIndex: o.trialIndex ?? null,
      rerunOfRunId: o.rerunOfRunId ?? null,
      task: p.task,
      family: p.config.model.family,
      target: p.config.target,
      features: p.features,
      hyperparams: { ...p.hyperparams },
      split: p.config.split,
      seed: p.config.split.seed,
      datasetVersionId: p.version.id,
      datasetSha256: p.version.sha256,
      config: p.config,
      createdBy: actorUserId(ctx),
    })
    .returning();
  if (!run) throw new Error("insert returned no row");
  await writeParams(tx, id, trainingParams(p));
  await writeTags(tx, id, o.tags ?? {});
  if (!o.enqueue) return run;
  const jobId = await insertJobInTransaction(tx, "train", { runId: id });
  const [queued] = await tx.update(schema.runs).set({ jobId }).where(eq(schema.runs.id, id)).returning();
  return queued ?? run;
}

/** Launches one training run on the worker (202 `{id, status: "queued"}` over REST). */
export async function launchRun(ctx: ServiceContext, rawInput: LaunchRunInput): Promise<Launched> {
  const input = ZLaunchRunInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const experiment = await findExperiment(ctx.db, access.project.id, input.experiment);
  const { project: _p, experiment: _e, name, tags, ...config } = input;
  const prepared = await prepareTraining(ctx, access, config);
  const run = await ctx.db.transaction(async (tx) => {
    const created = await insertTrainingRun(tx, ctx, { experiment, prepared, name, tags, enqueue: true });
    await writeAuditEvent(tx, ctx, {
      action: "experiment.run.create",
      entityType: "run",
      entityId: created.id,
      projectId: access.project.id,
      before: null,
      after: { experiment: experiment.name, name: created.name, config: prepared.config, datasetSha256: prepared.version.sha256 },
    });
    return created;
  });
  return { id: run.id, status: run.status, number: run.number };
}
