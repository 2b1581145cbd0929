import { z } from "zod";

/** The only place in @keel/worker that reads process.env. */
const ZWorkerEnv = z.object({
  /** The Postgres server of the production shape. Unset means the embedded database, which this process must not open. */
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  /** Only named in messages: the embedded folder belongs to `npm start`. */
  KEEL_DATA_DIR: z.string().min(1).default("./.keel"),
  /** Jobs run at once by this process. */
  KEEL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** How often the worker refreshes its row in worker_heartbeats. */
  KEEL_WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5000),
  /** How long an idle worker waits before asking the queue again. */
  KEEL_WORKER_POLL_MS: z.coerce.number().int().min(100).default(1000),
  /** How long SIGTERM waits for running jobs before failing them for a retry elsewhere. */
  KEEL_WORKER_STOP_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** The code version recorded on every training run (default: `git rev-parse HEAD` when in a checkout). */
  KEEL_CODE_VERSION: z.string().min(1).max(200).optional(),
});

export type WorkerEnv = z.infer<typeof ZWorkerEnv>;

export function workerEnv(): WorkerEnv {
  const parsed = ZWorkerEnv.safeParse({
    DATABASE_URL: process.env.DATABASE_URL,
    KEEL_DATA_DIR: process.env.KEEL_DATA_DIR || undefined,
    KEEL_WORKER_CONCURRENCY: process.env.KEEL_WORKER_CONCURRENCY || undefined,
    KEEL_WORKER_HEARTBEAT_MS: process.env.KEEL_WORKER_HEARTBEAT_MS || undefined,
    KEEL_WORKER_POLL_MS: process.env.KEEL_WORKER_POLL_MS || undefined,
    KEEL_WORKER_STOP_TIMEOUT_MS: process.env.KEEL_WORKER_STOP_TIMEOUT_MS || undefined,
    KEEL_CODE_VERSION: process.env.KEEL_CODE_VERSION || undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.map(String).join(".")}: ${i.message}`);
    throw new Error(`The worker's environment is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
