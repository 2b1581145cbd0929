import type { JobPayload, JobType } from "@keel/api/jobs";
import type { KeelDatabase } from "@keel/db";
import type { ArtifactStore } from "@keel/storage";

/** What a handler gets besides its (already zod-checked) payload. */
export interface JobContext {
  jobId: string;
  type: JobType;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** Retries allowed after the first attempt. */
  retryLimit: number;
  /**
   * Aborted when the job outlives its expiry or the worker stops before it ends. Pass it on to
   * long work; a handler that ignores it is abandoned (its result is dropped, the job retried).
   */
  signal: AbortSignal;
  kdb: KeelDatabase;
  /** The worker's id (`wrk_…`): training attempts are owned by it. */
  workerId: string;
  /** The artifact store (default: the process's, from the environment). */
  artifacts?: ArtifactStore;
  /** How long a training attempt may stay silent before it counts as abandoned. */
  trainingStaleAfterMs?: number;
}

/**
 * Runs one job. Delivery is at least once (a job whose worker died is run again), so a handler
 * must be idempotent. Return a JSON-able result (stored as the job's output); throw
 * `NonRetryableJobError` when trying again cannot help, anything else to have it retried.
 */
export type JobHandler<T extends JobType> = (payload: JobPayload<T>, ctx: JobContext) => Promise<unknown>;

/** One handler per job type: a type added to JOB_DEFINITIONS without a handler does not compile. */
export type JobHandlers = { [T in JobType]: JobHandler<T> };
