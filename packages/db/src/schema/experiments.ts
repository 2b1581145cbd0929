import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { datasetVersions } from "./datasets";
import { projects } from "./projects";
import { users } from "./users";

/** A run's life: queued → running → one of the three ends. Runs that ended never change. */
export const runStatus = pgEnum("run_status", ["queued", "running", "succeeded", "failed", "cancelled"]);
/** Who trains it: Keel's worker (`training`), a sweep's parent (`sweep`), or a script elsewhere (`external`). */
export const runKind = pgEnum("run_kind", ["training", "sweep", "external"]);
export const runLogLevel = pgEnum("run_log_level", ["info", "warn", "error"]);

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/**
 * An experiment groups the runs that answer one question in a project. `baselineRunId` is the run
 * every comparison measures deltas against. `nextRunNumber` numbers runs 1, 2, 3… under a row lock.
 */
export const experiments = pgTable(
  "experiments",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    baselineRunId: text("baseline_run_id").references((): AnyPgColumn => runs.id, { onDelete: "set null" }),
    nextRunNumber: integer("next_run_number").notNull().default(1),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("experiments_project_name_key").on(t.projectId, sql`lower(${t.name})`)],
);

/**
 * One training run (or a sweep's parent, or an external run). Everything needed to reproduce it is
 * on the row: the launch request as sent (`config`, the "receipt"), the dataset version and its
 * sha256, the seed, the resolved hyperparameters, the backend, package versions and code version.
 * `attempt` counts the worker's tries; metrics carry the attempt that wrote them, so a retry can
 * drop what an abandoned attempt left. A trigger refuses UPDATE of a run that has ended.
 */
export const runs = pgTable(
  "runs",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    experimentId: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    /** 1, 2, 3… within the experiment. */
    number: integer("number").notNull(),
    name: text("name").notNull(),
    kind: runKind("kind").notNull(),
    status: runStatus("status").notNull(),
    /** A sweep's trials point at the sweep's parent run. */
    parentRunId: text("parent_run_id").references((): AnyPgColumn => runs.id, { onDelete: "cascade" }),
    /** Position of a trial in its sweep's plan (0-based). */
    trialIndex: integer("trial_index"),
    /** The run this one re-runs from its receipt. */
    rerunOfRunId: text("rerun_of_run_id").references((): AnyPgColumn => runs.id, { onDelete: "set null" }),
    task: text("task"),
    family: text("family"),
    target: text("target"),
    features: jsonb("features").$type<unknown[]>(),
    /** Resolved hyperparameters (defaults filled in). */
    hyperparams: jsonb("hyperparams").$type<Record<string, unknown>>(),
    /** `{test, validation, seed, folds?}`. */
    split: jsonb("split").$type<unknown>(),
    seed: integer("seed"),
    datasetVersionId: text("dataset_version_id").references(() => datasetVersions.id),
    datasetSha256: text("dataset_sha256"),
    /** The launch request as validated (for a sweep: with `search`), replayed by "re-run". */
    config: jsonb("config").$type<unknown>(),
    /** The TensorFlow.js backend that trained it, and why faster ones were passed over. */
    backend: text("backend"),
    backendAttempts: jsonb("backend_attempts").$type<unknown[]>(),
    packageVersions: jsonb("package_versions").$type<Record<string, string>>(),
    codeVersion: text("code_version"),
    /** The test-split evaluation (the public API's `evaluation`). */
    evaluation: jsonb("evaluation").$type<unknown>(),
    /** Epochs run, best epoch, early stop, row counts, sweep results… */
    summary: jsonb("summary").$type<Record<string, unknown>>(),
    error: text("error"),
    attempt: integer("attempt").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(2),
    jobId: text("job_id"),
    workerId: text("worker_id"),
    heartbeatAt: ts("heartbeat_at"),
    cancelRequestedAt: ts("cancel_requested_at"),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    startedAt: ts("started_at"),
    endedAt: ts("ended_at"),
  },
  (t) => [
    uniqueIndex("runs_experiment_number_key").on(t.experimentId, t.number),
    index("runs_project_created_idx").on(t.projectId, t.createdAt, t.id),
    index("runs_experiment_created_idx").on(t.experimentId, t.createdAt, t.id),
    index("runs_parent_idx").on(t.parentRunId, t.trialIndex),
    index("runs_dataset_version_idx").on(t.datasetVersionId),
    index("runs_active_idx").on(t.status, t.heartbeatAt).where(sql`${t.status} in ('queued', 'running')`),
  ],
);

/**
 * A run's parameters, one row each: the text as logged, and the number when the text is one, so
 * `params.lr < 0.01` compares numbers. A parameter never changes once logged.
 */
export const runParams = pgTable(
  "run_params",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
    valueNumber: doublePrecision("value_number"),
  },
  (t) => [
    primaryKey({ name: "run_params_pkey", columns: [t.runId, t.key] }),
    index("run_params_key_number_idx").on(t.key, t.valueNumber),
    index("run_params_key_value_idx").on(t.key, t.value),
  ],
);

/** A run's tags (free-form labels; they may change after the run ended). */
export const runTags = pgTable(
  "run_tags",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ name: "run_tags_pkey", columns: [t.runId, t.key] }), index("run_tags_key_value_idx").on(t.key, t.value)],
);

/**
 * Every logged metric point (append-only, written in batches). No primary key: a script may log
 * one step twice, as MLflow allows. The (run, key, step) index serves history reads; `loggedAt`
 * is there so the table can be partitioned by time later.
 */
export const metrics = pgTable(
  "metrics",
  {
    /**
     * No foreign key: its per-row check was a third of a batch insert's time. Writers lock the
     * run's row first; a statement trigger on `runs` deletes a deleted run's points.
     */
    runId: text("run_id").notNull(),
    key: text("key").notNull(),
    step: bigint("step", { mode: "number" }).notNull(),
    value: doublePrecision("value").notNull(),
    timestamp: ts("timestamp").notNull(),
    attempt: integer("attempt").notNull().default(0),
    loggedAt: ts("logged_at").notNull().defaultNow(),
  },
  (t) => [index("metrics_run_key_step_idx").on(t.runId, t.key, t.step)],
);

/**
 * Min/max rollups of `metrics` at fixed step widths (see @keel/ml/series), merged on every write,
 * so a long history is downsampled from a few thousand buckets instead of every point.
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    width: integer("width").notNull(),
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    count: bigint("count", { mode: "number" }).notNull(),
    sum: doublePrecision("sum").notNull(),
    min: doublePrecision("min").notNull(),
    minStep: bigint("min_step", { mode: "number" }).notNull(),
    max: doublePrecision("max").notNull(),
    maxStep: bigint("max_step", { mode: "number" }).notNull(),
    first: doublePrecision("first").notNull(),
    firstStep: bigint("first_step", { mode: "number" }).notNull(),
    last: doublePrecision("last").notNull(),
    lastStep: bigint("last_step", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "metric_rollups_pkey", columns: [t.runId, t.key, t.width, t.bucket] })],
);

/**
 * The latest point of each metric of each run (largest step, then latest time), with the history's
 * count and step range: what the runs table filters and sorts on and what charts size from.
 */
export const runLatestMetrics = pgTable(
  "run_latest_metrics",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: doublePrecision("value").notNull(),
    step: bigint("step", { mode: "number" }).notNull(),
    timestamp: ts("timestamp").notNull(),
    count: bigint("count", { mode: "number" }).notNull(),
    minStep: bigint("min_step", { mode: "number" }).notNull(),
    maxStep: bigint("max_step", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "run_latest_metrics_pkey", columns: [t.runId, t.key] }), index("run_latest_metrics_key_value_idx").on(t.key, t.value)],
);

/** Files a run produced, by content hash in the artifact store (written when the run succeeds). */
export const runArtifacts = pgTable(
  "run_artifacts",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    /** A logical name inside the run (`model/model.json`, `pipeline.json`), never a storage path. */
    path: text("path").notNull(),
    sha256: text("sha256").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    contentType: text("content_type").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "run_artifacts_pkey", columns: [t.runId, t.path] })],
);

/** Human-readable lines a run's worker wrote, per attempt. */
export const runLogs = pgTable(
  "run_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    level: runLogLevel("level").notNull().default("info"),
    message: text("message").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [index("run_logs_run_idx").on(t.runId, t.id)],
);

/** A runs-table view (columns, filter, sort) saved under a name, shared with the project. */
export const savedViews = pgTable(
  "saved_views",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    experimentId: text("experiment_id").references(() => experiments.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** `{columns, filter, orderBy}` as in the URL. */
    state: jsonb("state").$type<Record<string, unknown>>().notNull(),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("saved_views_project_name_key").on(t.projectId, sql`coalesce(${t.experimentId}, '')`, sql`lower(${t.name})`)],
);
