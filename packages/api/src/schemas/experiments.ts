import { ZEvaluationReport, ZHyperparams } from "@keel/ml/models";
import { ZSearchSpace } from "@keel/ml/sweep";
import { z } from "zod";
import { ZIsoDate, ZProjectSlug } from "./common";
import { ZActorName } from "./datasets";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export const ZRunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof ZRunStatus>;
export const ENDED_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];

export const RUN_KINDS = ["training", "sweep", "external"] as const;
export const ZRunKind = z.enum(RUN_KINDS);

export const MODEL_TASKS = ["binary", "multiclass", "regression"] as const;
export const ZModelTask = z.enum(MODEL_TASKS);
export const MODEL_FAMILIES = ["logistic", "linear", "mlp"] as const;
export const ZModelFamily = z.enum(MODEL_FAMILIES);

/** Experiment names appear in URLs: letters, digits, `_ . -`, starting with a letter or digit. */
export const ZExperimentName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. churn-baseline)");

export const ZRunId = z.string().regex(/^run_[0-9a-z]{26}$/, "must be a run id (run_…)");

/** Metric and parameter keys: MLflow's rule (letters, digits, `_ - . / space`), at most 250 characters. */
export const ZKey = z
  .string()
  .min(1, "is required")
  .max(250, "must be at most 250 characters")
  .regex(/^[A-Za-z0-9_\-./ ]+$/, "use letters, digits and '_', '-', '.', '/', ' '");

export const ZTagValue = z.string().max(5000, "must be at most 5,000 characters");
export const ZParamValue = z.union([z.string().max(6000, "must be at most 6,000 characters"), z.number(), z.boolean()]);

export const ZExperimentInput = z.object({ project: ZProjectSlug, experiment: ZExperimentName });
export type ExperimentInput = z.input<typeof ZExperimentInput>;

export const ZCreateExperimentInput = z.object({
  project: ZProjectSlug,
  name: ZExperimentName,
  description: z.string().trim().max(2000, "must be at most 2,000 characters").default(""),
});
export type CreateExperimentInput = z.input<typeof ZCreateExperimentInput>;

export const ZExperiment = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  baselineRunId: z.string().nullable(),
  runCount: z.number().int(),
  activeRunCount: z.number().int(),
  lastRunAt: ZIsoDate.nullable(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
});
export type Experiment = z.infer<typeof ZExperiment>;

export const ZSetBaselineInput = ZExperimentInput.extend({ run: ZRunId.nullable() });
export type SetBaselineInput = z.input<typeof ZSetBaselineInput>;

// ── training runs ─────────────────────────────────────────────────────────────

export const ZSplitConfig = z.strictObject({
  test: z.number().gt(0, "must be above 0").max(0.5, "must be at most 0.5").default(0.2),
  validation: z.number().min(0).max(0.5, "must be at most 0.5").default(0.1),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** k-fold cross-validation on the training rows (reported next to the test evaluation). */
  folds: z.number().int().min(2).max(20).optional(),
});

/** What a training run is: the request as it is recorded on the run (its "receipt"). */
export const ZTrainingConfig = z.strictObject({
  datasetVersionId: z.string().regex(/^dsv_[0-9a-z]{26}$/, "must be a dataset version id (dsv_…)"),
  target: z.string().min(1, "is required").max(250),
  /** Columns to learn from; default every column except the target. */
  features: z.array(z.string().min(1).max(250)).min(1, "needs at least one column").max(2000).optional(),
  /** Detected from the target when left out. */
  task: ZModelTask.optional(),
  model: z.strictObject({
    family: ZModelFamily,
    hyperparams: ZHyperparams.default({}),
  }),
  split: ZSplitConfig.default({ test: 0.2, validation: 0.1, seed: 42 }),
});
export type TrainingConfig = z.infer<typeof ZTrainingConfig>;

const ZRunLabels = {
  name: z.string().trim().min(1).max(200).optional(),
  tags: z.record(ZKey, ZTagValue).optional(),
};

export const ZLaunchRunInput = ZExperimentInput.extend({ ...ZTrainingConfig.shape, ...ZRunLabels });
export type LaunchRunInput = z.input<typeof ZLaunchRunInput>;

export const SWEEP_MAX_TRIALS = 200;
export const ZSweepSearch = z.strictObject({
  method: z.enum(["grid", "random"]),
  space: ZSearchSpace,
  trials: z.number().int().min(1).max(SWEEP_MAX_TRIALS, `must be at most ${SWEEP_MAX_TRIALS}`).optional(),
  /** Trials trained at once. */
  parallelism: z.number().int().min(1).max(16).default(2),
  /** A metric of the finished trials (e.g. test_roc_auc, test_rmse) that picks the best. */
  metric: ZKey,
  goal: z.enum(["maximize", "minimize"]),
  /** Stop a trial whose validation loss is worse than the median of the others at the same epoch. */
  earlyTermination: z
    .strictObject({ rule: z.literal("median"), graceEpochs: z.number().int().min(1).max(1000).default(5), minTrials: z.number().int().min(1).max(100).default(3) })
    .nullable()
    .default(null),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
});
export type SweepSearch = z.infer<typeof ZSweepSearch>;

export const ZLaunchSweepInput = ZLaunchRunInput.extend({ search: ZSweepSearch });
export type LaunchSweepInput = z.input<typeof ZLaunchSweepInput>;

export const ZRunInput = z.object({ project: ZProjectSlug, run: ZRunId });
export type RunInput = z.input<typeof ZRunInput>;

export const ZLaunched = z.object({ id: z.string(), status: ZRunStatus, number: z.number().int(), trials: z.number().int().optional() });
export type Launched = z.infer<typeof ZLaunched>;

// ── external runs ─────────────────────────────────────────────────────────────

export const METRIC_BATCH_MAX = 10_000;

export const ZCreateExternalRunInput = ZExperimentInput.extend({
  name: z.string().trim().min(1).max(200).optional(),
  params: z.record(ZKey, ZParamValue).optional(),
  tags: z.record(ZKey, ZTagValue).optional(),
});
export type CreateExternalRunInput = z.input<typeof ZCreateExternalRunInput>;

export const ZMetricPoint = z.strictObject({
  key: ZKey,
  value: z.number().refine(Number.isFinite, "must be a finite number"),
  step: z
    .number()
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(Number.MAX_SAFE_INTEGER)
    .default(0),
  /** Milliseconds since the epoch or ISO text; defaults to the time the batch arrives. */
  timestamp: z.union([z.number().int().min(0), ZIsoDate]).optional(),
});
export type MetricPoint = z.input<typeof ZMetricPoint>;

export const ZLogRunInput = ZRunInput.extend({
  params: z.record(ZKey, ZParamValue).optional(),
  tags: z.record(ZKey, ZTagValue).optional(),
  metrics: z.array(ZMetricPoint).max(METRIC_BATCH_MAX, `at most ${METRIC_BATCH_MAX.toLocaleString("en")} points per batch`).optional(),
});
export type LogRunInput = z.input<typeof ZLogRunInput>;

export const ZLogResult = z.object({ params: z.number().int(), tags: z.number().int(), metrics: z.number().int() });

export const ZFinishRunInput = ZRunInput.extend({ status: z.enum(["succeeded", "failed", "cancelled"]), error: z.string().max(5000).optional() });
export type FinishRunInput = z.input<typeof ZFinishRunInput>;

export const ZSetTagsInput = ZRunInput.extend({ tags: z.record(ZKey, ZTagValue), remove: z.array(ZKey).max(100).default([]) });

// ── reading runs ──────────────────────────────────────────────────────────────

export const ZRunArtifact = z.object({ path: z.string(), sha256: z.string(), sizeBytes: z.number().int(), contentType: z.string() });

export const ZReproduction = z.object({
  originalRunId: z.string(),
  tolerance: z.number(),
  sameBackend: z.boolean(),
  sameDataset: z.boolean(),
  /** null while either run has not succeeded. */
  reproduced: z.boolean().nullable(),
  metrics: z.array(z.object({ key: z.string(), original: z.number().nullable(), rerun: z.number().nullable(), delta: z.number().nullable(), withinTolerance: z.boolean() })),
});

export const ZRunSummaryFields = {
  id: z.string(),
  number: z.number().int(),
  name: z.string(),
  experiment: z.object({ id: z.string(), name: z.string() }),
  kind: ZRunKind,
  status: ZRunStatus,
  parentRunId: z.string().nullable(),
  trialIndex: z.number().int().nullable(),
  task: ZModelTask.nullable(),
  family: ZModelFamily.nullable(),
  backend: z.string().nullable(),
  datasetVersionId: z.string().nullable(),
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  /** The latest value of every metric. */
  metrics: z.record(z.string(), z.number()),
  isBaseline: z.boolean(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
  startedAt: ZIsoDate.nullable(),
  endedAt: ZIsoDate.nullable(),
  durationMs: z.number().nullable(),
};
export const ZRunSummary = z.object(ZRunSummaryFields);
export type RunSummary = z.infer<typeof ZRunSummary>;

export const ZRun = z.object({
  ...ZRunSummaryFields,
  rerunOfRunId: z.string().nullable(),
  target: z.string().nullable(),
  features: z.array(z.string()).nullable(),
  hyperparams: z.record(z.string(), z.unknown()).nullable(),
  split: z.unknown(),
  seed: z.number().int().nullable(),
  datasetSha256: z.string().nullable(),
  dataset: z.object({ id: z.string(), name: z.string(), version: z.number().int() }).nullable(),
  config: z.unknown(),
  evaluation: ZEvaluationReport.nullable(),
  backendAttempts: z.array(z.object({ backend: z.string(), ok: z.boolean(), reason: z.string().optional() })).nullable(),
  packageVersions: z.record(z.string(), z.string()).nullable(),
  codeVersion: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  cancelRequested: z.boolean(),
  artifacts: z.array(ZRunArtifact),
  /** Metric keys with their point counts, for charts. */
  metricKeys: z.array(z.object({ key: z.string(), count: z.number().int(), lastStep: z.number() })),
  children: z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()), bestRunId: z.string().nullable() }).nullable(),
  reproduction: ZReproduction.nullable(),
});
export type Run = z.infer<typeof ZRun>;

export const ZListRunsInput = z.object({
  project: ZProjectSlug,
  experiment: ZExperimentName.optional(),
  /** e.g. `params.learningRate < 0.01 and metrics.test_roc_auc > 0.9` */
  filter: z.string().max(4000).default(""),
  /** e.g. `metrics.test_roc_auc desc`; default newest first. */
  orderBy: z.string().max(500).default(""),
  /** Sweep trials are listed under their parent: only with `parent` set, or with `includeTrials`. */
  parent: ZRunId.optional(),
  includeTrials: z.coerce.boolean().default(false),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});
export type ListRunsInput = z.input<typeof ZListRunsInput>;

export const ZRunList = z.object({
  items: z.array(ZRunSummary),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});
export type RunList = z.infer<typeof ZRunList>;

export const ZRunKeysInput = z.object({ project: ZProjectSlug, experiment: ZExperimentName.optional() });
/** Every param, metric and tag key of an experiment's runs (or the project's), to choose columns from. */
export const ZRunKeys = z.object({ params: z.array(z.string()), metrics: z.array(z.string()), tags: z.array(z.string()) });
export type RunKeys = z.infer<typeof ZRunKeys>;

export const ZMetricHistoryInput = ZRunInput.extend({
  key: ZKey,
  maxPoints: z.coerce.number().int().min(10).max(100_000).optional(),
});
export type MetricHistoryInput = z.input<typeof ZMetricHistoryInput>;

export const ZMetricHistory = z.object({
  key: z.string(),
  /** Points in step order; `timestamp` is absent on downsampled points. */
  points: z.array(z.object({ step: z.number(), value: z.number(), timestamp: ZIsoDate.optional() })),
  total: z.number().int(),
  downsampled: z.boolean(),
  method: z.enum(["raw", "lttb", "minmax"]),
});
export type MetricHistory = z.infer<typeof ZMetricHistory>;

export const ZRunLogsInput = ZRunInput.extend({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(500) });
export const ZRunLogs = z.object({
  lines: z.array(z.object({ id: z.number().int(), attempt: z.number().int(), level: z.enum(["info", "warn", "error"]), message: z.string(), at: ZIsoDate })),
});

export const ZCompareRunsInput = z.object({
  project: ZProjectSlug,
  runs: z.array(ZRunId).min(2, "pick at least 2 runs").max(10, "compare at most 10 runs at once"),
});
export type CompareRunsInput = z.input<typeof ZCompareRunsInput>;

export const ZRunComparison = z.object({
  runs: z.array(ZRunSummary),
  /** The run deltas are measured against: the experiment's baseline when it is among them, else the first. */
  baselineRunId: z.string(),
  baselineIsExperimentBaseline: z.boolean(),
  params: z.array(z.object({ key: z.string(), values: z.array(z.string().nullable()), differs: z.boolean() })),
  metrics: z.array(
    z.object({
      key: z.string(),
      goal: z.enum(["maximize", "minimize"]),
      values: z.array(z.number().nullable()),
      /** value − baseline's value; `better` says which way that is for this metric. */
      deltas: z.array(z.number().nullable()),
      better: z.array(z.boolean().nullable()),
    }),
  ),
  /** Metric keys that have a history of more than one step (curves to overlay). */
  curveKeys: z.array(z.string()),
});
export type RunComparison = z.infer<typeof ZRunComparison>;

export const ZSavedViewState = z.strictObject({
  columns: z.array(z.string().max(260)).max(60).default([]),
  filter: z.string().max(4000).default(""),
  orderBy: z.string().max(500).default(""),
});
export const ZSaveViewInput = z.object({
  project: ZProjectSlug,
  experiment: ZExperimentName.optional(),
  name: z.string().trim().min(1, "is required").max(100),
  state: ZSavedViewState,
});
export const ZSavedView = z.object({ id: z.string(), name: z.string(), experiment: z.string().nullable(), state: ZSavedViewState, createdBy: ZActorName, createdAt: ZIsoDate });
export type SavedView = z.infer<typeof ZSavedView>;
export const ZListViewsInput = z.object({ project: ZProjectSlug, experiment: ZExperimentName.optional() });
export const ZDeleteViewInput = z.object({ project: ZProjectSlug, id: z.string().regex(/^view_[0-9a-z]{26}$/, "must be a view id (view_…)") });
