import { createRequire } from "node:module";
import { hostname } from "node:os";
import { z } from "zod";
import {
  createQueue,
  isNonRetryableJobError,
  JOB_DEFINITIONS,
  JOB_TYPES,
  NonRetryableJobError,
  QUEUE_SCHEMA,
  type CreateQueueOptions,
  type JobType,
  type PgBoss,
} from "@keel/api/jobs";
import { eq, newId, schema, type KeelDatabase } from "@keel/db";
import { reconcileAbandonedRuns } from "@keel/api/services/experiments";
import type { ArtifactStore } from "@keel/storage";
import { HANDLERS, type JobContext, type JobHandlers } from "./handlers/index";
import { DEFAULT_TRAINING_STALE_AFTER_MS } from "./handlers/train";

export { HANDLERS } from "./handlers/index";
export type { JobContext, JobHandler, JobHandlers } from "./handlers/index";

export type WorkerEvent =
  | { type: "job.started"; jobId: string; jobType: JobType; attempt: number }
  | { type: "job.completed"; jobId: string; jobType: JobType; attempt: number; ms: number }
  | { type: "job.failed"; jobId: string; jobType: JobType; attempt: number; ms: number; message: string; retryable: boolean }
  | { type: "runs.reconciled"; retried: string[]; failed: string[] }
  | { type: "error"; message: string; error: unknown };

export interface StartWorkerOptions {
  kdb: KeelDatabase;
  /**
   * A started pg-boss to share (the embedded shape, where one process hosts everything). Without
   * it the worker creates its own with `createQueue(kdb, queue)` and stops it on `stop()`.
   */
  boss?: PgBoss;
  /** Options of the pg-boss the worker creates (ignored with `boss`). */
  queue?: CreateQueueOptions;
  /** Jobs run at once (default 2). */
  concurrency?: number;
  /** How long an idle worker waits before asking the queue again (default 1000 ms). */
  pollingIntervalMs?: number;
  /** How often `last_heartbeat_at` is refreshed (default 5000 ms). */
  heartbeatIntervalMs?: number;
  /** How long `stop()` waits for running jobs before failing them for a retry (default 30 s). */
  stopTimeoutMs?: number;
  /** The job types this worker takes (default: all). */
  types?: readonly JobType[];
  /** Replaces handlers (tests); by default HANDLERS. */
  handlers?: Partial<JobHandlers>;
  /** Recorded in worker_heartbeats (default: this package's version). */
  version?: string;
  /** The artifact store training writes to (default: the process's, from the environment). */
  artifacts?: ArtifactStore;
  /**
   * A training attempt silent for this long (its worker was killed or hangs) is given up on:
   * retried when attempts are left, else failed with the reason (default 60 s).
   */
  trainingStaleAfterMs?: number;
  /** How often this worker looks for abandoned training attempts (default 15 s; 0 = never). */
  reconcileIntervalMs?: number;
  /** Job lifecycle and background errors; errors go to console.error when this is not given. */
  onEvent?: (event: WorkerEvent) => void;
}

export interface RunningWorker {
  /** The worker's id (`wrk_…`), the key of its worker_heartbeats row. */
  id: string;
  /**
   * Stops cleanly: no new jobs are taken, running ones may finish for up to `timeoutMs`
   * (default `stopTimeoutMs`), then those still running are failed so they are retried; a last
   * heartbeat records `stopped_at`. Calling it again returns the same promise.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}

function packageVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return z.object({ version: z.string() }).parse(require("../package.json")).version;
  } catch {
    return "unknown";
  }
}

/** The fields of a fetched pg-boss job the worker relies on, checked at the boundary. */
const ZFetchedJob = z.object({
  id: z.string(),
  data: z.unknown(),
  retryCount: z.coerce.number().int(),
  retryLimit: z.coerce.number().int(),
  expireInSeconds: z.coerce.number(),
});

interface Running {
  type: JobType;
  jobId: string;
  attempt: number;
  controller: AbortController;
  /** Set once the job's outcome was reported to the queue; later reports are dropped. */
  settled: boolean;
  done: Promise<void>;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Rejects when `signal` aborts, with its reason. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

/** JSON-able job output: pg-boss stores objects as they are, anything else as `{ value }`. */
function toOutput(result: unknown): object | undefined {
  if (result === undefined || result === null) return undefined;
  if (typeof result === "object" && !Array.isArray(result)) return result;
  return { value: result };
}

/**
 * Starts a worker on `kdb`: it takes jobs of every type from the queue, zod-checks each payload
 * against its type's schema, runs the type's handler, and reports the outcome to the queue. A bad
 * payload or a `NonRetryableJobError` fails the job for good; any other error, an expiry or a stop
 * before the end fails it for a retry (up to the type's `retryLimit`).
 *
 * Fetching: the worker asks for as many jobs as it has free slots and asks again as soon as one
 * ends; only when the queue is empty does it wait `pollingIntervalMs` (pg-boss's own `work()` waits
 * its polling interval after every fetch, which caps it at a couple of jobs a second).
 *
 * Liveness: a row in `worker_heartbeats` written at start, refreshed every `heartbeatIntervalMs`,
 * stamped `stopped_at` on stop.
 */
export async function startWorker(opts: StartWorkerOptions): Promise<RunningWorker> {
  const { kdb } = opts;
  const concurrency = opts.concurrency ?? 2;
  const pollingIntervalMs = opts.pollingIntervalMs ?? 1000;
  const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 5000;
  const defaultStopTimeoutMs = opts.stopTimeoutMs ?? 30_000;
  const trainingStaleAfterMs = opts.trainingStaleAfterMs ?? DEFAULT_TRAINING_STALE_AFTER_MS;
  const reconcileIntervalMs = opts.reconcileIntervalMs ?? 15_000;
  const types: JobType[] = [...(opts.types ?? JOB_TYPES)];
  const handlers: JobHandlers = { ...HANDLERS, ...opts.handlers };
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`startWorker: concurrency must be a positive integer, got ${concurrency}`);
  if (types.length === 0) throw new Error("startWorker: no job types to work on");

  const emit = (event: WorkerEvent): void => {
    if (opts.onEvent) {
      try {
        opts.onEvent(event);
      } catch {
        // a listener's failure must not stop the worker
      }
    } else if (event.type === "error") {
      console.error(`[keel worker] ${event.message}`);
    }
  };

  const ownsBoss = opts.boss === undefined;
  const boss = opts.boss ?? (await createQueue(kdb, opts.queue));

  const id = newId("worker");
  const startedAt = new Date();
  try {
    await kdb.db.insert(schema.workerHeartbeats).values({
      id,
      hostname: hostname(),
      pid: process.pid,
      version: opts.version ?? packageVersion(),
      queues: types,
      startedAt,
      lastHeartbeatAt: startedAt,
    });
  } catch (err) {
    if (ownsBoss) await boss.stop({ graceful: false }).catch(() => undefined);
    throw err;
  }

  // ---- heartbeat ----
  let beating: Promise<void> = Promise.resolve();
  const beat = (): void => {
    beating = beating.then(async () => {
      try {
        await kdb.db
          .update(schema.workerHeartbeats)
          .set({ lastHeartbeatAt: new Date() })
          .where(eq(schema.workerHeartbeats.id, id));
      } catch (err) {
        emit({ type: "error", message: `heartbeat failed: ${errorMessage(err)}`, error: err });
      }
    });
  };
  const heartbeatTimer = setInterval(beat, heartbeatIntervalMs);

  // ---- abandoned training attempts ----
  let reconciling: Promise<void> = Promise.resolve();
  const reconcile = (): void => {
    if (!types.includes("train")) return;
    reconciling = reconciling.then(async () => {
      try {
        const report = await reconcileAbandonedRuns(kdb.db, { staleAfterMs: trainingStaleAfterMs });
        if (report.retried.length > 0 || report.failed.length > 0) {
          emit({ type: "runs.reconciled", ...report });
          wakeUp();
        }
      } catch (err) {
        emit({ type: "error", message: `looking for abandoned training runs failed: ${errorMessage(err)}`, error: err });
      }
    });
  };
  const reconcileTimer = reconcileIntervalMs > 0 ? setInterval(reconcile, reconcileIntervalMs) : undefined;
  if (reconcileIntervalMs > 0) setImmediate(reconcile);

  // ---- running jobs ----
  const running = new Map<string, Running>();
  let stopping = false;
  let wake: (() => void) | undefined;
  const wakeUp = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const idle = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });

  const report = async (entry: Running, what: "complete" | "fail", output: object | undefined): Promise<boolean> => {
    if (entry.settled) return false;
    entry.settled = true;
    try {
      if (what === "complete") await boss.complete(entry.type, entry.jobId, output);
      else await boss.fail(entry.type, entry.jobId, output);
      return true;
    } catch (err) {
      // the job stays active; it expires and is retried
      emit({ type: "error", message: `could not ${what} job ${entry.jobId}: ${errorMessage(err)}`, error: err });
      return false;
    }
  };

  /** Fails a job with no retry left: its retry_limit is lowered to the retries it has used. */
  const failForGood = async (entry: Running, output: object): Promise<boolean> => {
    if (entry.settled) return false;
    try {
      await boss
        .getDb()
        .executeSql(`UPDATE ${QUEUE_SCHEMA}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2 AND state = 'active'`, [
          entry.type,
          entry.jobId,
        ]);
    } catch (err) {
      emit({ type: "error", message: `could not cancel the retries of job ${entry.jobId}: ${errorMessage(err)}`, error: err });
    }
    return report(entry, "fail", output);
  };

  const run = (type: JobType, raw: unknown): void => {
    const fetched = ZFetchedJob.safeParse(raw);
    if (!fetched.success) {
      emit({ type: "error", message: `pg-boss returned a job the worker cannot read: ${fetched.error.message}`, error: fetched.error });
      return;
    }
    const job = fetched.data;
    const entry: Running = {
      type,
      jobId: job.id,
      attempt: job.retryCount + 1,
      controller: new AbortController(),
      settled: false,
      done: Promise.resolve(),
    };
    running.set(job.id, entry);
    entry.done = (async () => {
      const t0 = Date.now();
      const expireMs = Math.max(1, job.expireInSeconds) * 1000;
      const expiryTimer = setTimeout(() => {
        entry.controller.abort(new Error(`The job ran past its expiry (${job.expireInSeconds} s) and was stopped.`));
      }, expireMs);
      emit({ type: "job.started", jobId: job.id, jobType: type, attempt: entry.attempt });
      try {
        const schemaOfType: z.ZodType = JOB_DEFINITIONS[type].payload;
        const payload = schemaOfType.safeParse(job.data);
        if (!payload.success) {
          const issues = payload.error.issues.map((i) => `${["payload", ...i.path.map(String)].join(".")}: ${i.message}`);
          throw new NonRetryableJobError(`The ${type} job's payload is invalid: ${issues.join("; ")}`, payload.error.issues);
        }
        const ctx: JobContext = {
          jobId: job.id,
          type,
          attempt: entry.attempt,
          retryLimit: job.retryLimit,
          signal: entry.controller.signal,
          kdb,
          workerId: id,
          artifacts: opts.artifacts,
          trainingStaleAfterMs,
        };
        // the handler map is keyed by type; TS cannot tie the key to the payload's type here
        const handler = handlers[type] as (payload: unknown, ctx: JobContext) => Promise<unknown>;
        const result = await Promise.race([handler(payload.data, ctx), whenAborted(entry.controller.signal)]);
        if (await report(entry, "complete", toOutput(result))) {
          emit({ type: "job.completed", jobId: job.id, jobType: type, attempt: entry.attempt, ms: Date.now() - t0 });
        }
      } catch (err) {
        const retryable = !isNonRetryableJobError(err);
        const output = {
          message: errorMessage(err),
          name: err instanceof Error ? err.name : "Error",
          retryable,
          ...(isNonRetryableJobError(err) && err.details !== undefined ? { details: err.details } : {}),
        };
        const reported = retryable ? await report(entry, "fail", output) : await failForGood(entry, output);
        if (reported) {
          emit({ type: "job.failed", jobId: job.id, jobType: type, attempt: entry.attempt, ms: Date.now() - t0, message: output.message, retryable });
        }
      } finally {
        clearTimeout(expiryTimer);
        running.delete(job.id);
        wakeUp();
      }
    })();
  };

  // ---- the fetch loop ----
  const loop = (async () => {
    let cursor = 0;
    while (!stopping) {
      let free = concurrency - running.size;
      if (free <= 0) {
        await idle(pollingIntervalMs); // woken as soon as a job ends
        continue;
      }
      let fetched = 0;
      try {
        for (let i = 0; i < types.length && free > 0 && !stopping; i++) {
          const type = types[(cursor + i) % types.length];
          if (type === undefined) continue;
          const jobs = await boss.fetch<unknown>(type, { batchSize: free, includeMetadata: true });
          for (const job of jobs) run(type, job);
          free -= jobs.length;
          fetched += jobs.length;
        }
        cursor = (cursor + 1) % types.length;
      } catch (err) {
        emit({ type: "error", message: `fetching jobs failed: ${errorMessage(err)}`, error: err });
        fetched = 0;
      }
      if (fetched === 0 && !stopping) await idle(pollingIntervalMs);
    }
  })();

  let stopPromise: Promise<void> | undefined;
  const stop = (stopOpts: { timeoutMs?: number } = {}): Promise<void> => {
    stopPromise ??= (async () => {
      const timeoutMs = stopOpts.timeoutMs ?? defaultStopTimeoutMs;
      stopping = true;
      wakeUp();
      await loop; // no fetch after this point
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all([...running.values()].map((r) => r.done)),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, left);
          }),
        ]);
        clearTimeout(timer);
      }
      for (const entry of [...running.values()]) {
        entry.controller.abort(new Error("The worker stopped before the job finished."));
        const failed = await report(entry, "fail", {
          message: "The worker stopped before the job finished; it is retried if retries are left.",
          name: "WorkerStopped",
          retryable: true,
        });
        if (failed) {
          emit({ type: "job.failed", jobId: entry.jobId, jobType: entry.type, attempt: entry.attempt, ms: 0, message: "worker stopped", retryable: true });
        }
      }
      clearInterval(heartbeatTimer);
      if (reconcileTimer) clearInterval(reconcileTimer);
      await beating;
      await reconciling;
      try {
        const now = new Date();
        await kdb.db
          .update(schema.workerHeartbeats)
          .set({ lastHeartbeatAt: now, stoppedAt: now })
          .where(eq(schema.workerHeartbeats.id, id));
      } catch (err) {
        emit({ type: "error", message: `the last heartbeat failed: ${errorMessage(err)}`, error: err });
      }
      if (ownsBoss) await boss.stop({ graceful: true, timeout: 1000 });
    })();
    return stopPromise;
  };

  return { id, stop };
}
