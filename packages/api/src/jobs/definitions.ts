import { z } from "zod";

/**
 * Queue settings of one job type. pg-boss 10 has no job heartbeat: a job whose worker dies stays
 * `active` until `expireInSeconds` after it started, then the queue's maintenance fails it and
 * retries it (if retries are left). So expiry is the "my worker is gone" timeout: set it a little
 * above the longest a healthy run of the type can take, and no higher.
 */
export interface QueueSettings {
  /** Retries after the first attempt (so `retryLimit + 1` attempts at most). */
  retryLimit: number;
  /** Seconds to wait before a retry. */
  retryDelay: number;
  /** Double the delay on each retry, with jitter. */
  retryBackoff: boolean;
  /** A running job is failed (and retried) this long after it started. pg-boss caps it below 24 h. */
  expireInSeconds: number;
}

export interface JobDefinition<TPayload extends z.ZodType = z.ZodType> extends QueueSettings {
  description: string;
  /** The zod schema of the payload, checked when the job is enqueued and again when a worker takes it. */
  payload: TPayload;
}

function defineJob<TPayload extends z.ZodType>(def: JobDefinition<TPayload>): JobDefinition<TPayload> {
  return def;
}

/** The longest a `noop` job may sleep. */
export const NOOP_MAX_SLEEP_MS = 600_000;

export const ZNoopPayload = z.strictObject({
  /** How long the job sleeps before it succeeds (or fails, with `fail`). */
  sleepMs: z.number().int().min(0).max(NOOP_MAX_SLEEP_MS).optional(),
  /** Free text echoed in the job's output, to tell jobs apart. */
  note: z.string().max(1000).optional(),
  /** Throw after sleeping, so the job is retried and finally fails (proves the failure path). */
  fail: z.boolean().optional(),
});
export type NoopPayload = z.infer<typeof ZNoopPayload>;

/** The longest a training attempt may run before the worker stops it (4 h). */
export const TRAIN_MAX_SECONDS = 4 * 60 * 60;

export const ZTrainPayload = z.strictObject({
  /** The run to train (`run_…`); everything else is read from its row. */
  runId: z.string().regex(/^run_[0-9a-z]{26}$/, "must be a run id (run_…)"),
});
export type TrainPayload = z.infer<typeof ZTrainPayload>;

/** The longest a batch-scoring attempt may run before it is failed and retried (2 h). */
export const BATCH_SCORE_MAX_SECONDS = 2 * 60 * 60;

export const ZBatchScorePayload = z.strictObject({
  /** The batch score to run (`bs_…`); the model version, input and output are read from its row. */
  batchScoreId: z.string().regex(/^bs_[0-9a-z]{26}$/, "must be a batch score id (bs_…)"),
});
export type BatchScorePayload = z.infer<typeof ZBatchScorePayload>;

/**
 * Every job type Keel runs. The key is the type and the pg-boss queue name. Adding a type is one
 * entry here plus its handler in apps/worker/src/handlers (the worker's handler map is typed
 * against these keys, so a missing handler does not compile).
 */
export const JOB_DEFINITIONS = {
  noop: defineJob({
    description: "A diagnostic job that sleeps, then succeeds or fails: proves the queue and the worker end to end.",
    payload: ZNoopPayload,
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: false,
    // the longest sleep plus a margin
    expireInSeconds: NOOP_MAX_SLEEP_MS / 1000 + 60,
  }),
  train: defineJob({
    description: "Trains one run on the worker: reads its dataset version, fits the pipeline and the model, evaluates, stores the artifacts.",
    payload: ZTrainPayload,
    // Keel retries training itself (runs.attempt / runs.max_attempts): pg-boss cannot tell a dead
    // worker from a long epoch before the job's expiry, while the run's heartbeat can (see
    // services/experiments/reconcile.ts). So pg-boss never retries a train job.
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    expireInSeconds: TRAIN_MAX_SECONDS + 300,
  }),
  "batch-score": defineJob({
    description:
      "Scores every row of a dataset version with a registered model version and writes the rows with their predictions as a new version of the output dataset.",
    payload: ZBatchScorePayload,
    // A failed attempt (a storage or database error) is tried again; the output is content-addressed
    // and the batch score's row says whether it already succeeded, so a retry never writes twice.
    retryLimit: 2,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: BATCH_SCORE_MAX_SECONDS + 300,
  }),
} as const satisfies Record<string, JobDefinition>;

export type JobDefinitions = typeof JOB_DEFINITIONS;
export type JobType = keyof JobDefinitions;
export type JobPayload<T extends JobType> = z.infer<JobDefinitions[T]["payload"]>;

export const JOB_TYPES = Object.keys(JOB_DEFINITIONS) as [JobType, ...JobType[]];
export const ZJobType = z.enum(JOB_TYPES);

export function isJobType(value: string): value is JobType {
  return Object.hasOwn(JOB_DEFINITIONS, value);
}

export function jobDefinition<T extends JobType>(type: T): JobDefinitions[T] {
  return JOB_DEFINITIONS[type];
}
