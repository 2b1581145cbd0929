/**
 * The standalone worker of the production shape: `npm start -w @keel/worker` with DATABASE_URL
 * naming the Postgres server the web app uses. Stops cleanly on SIGTERM / SIGINT (exit 0).
 */
import { createPostgresDb } from "@keel/db";
import { migrate } from "@keel/db/migrate";
import { workerEnv } from "./env";
import { startWorker, type WorkerEvent } from "./index";

function log(message: string): void {
  console.log(`${new Date().toISOString()} [keel worker] ${message}`);
}

function describe(event: WorkerEvent): string {
  switch (event.type) {
    case "job.started":
      return `${event.jobType} ${event.jobId} started (attempt ${event.attempt})`;
    case "job.completed":
      return `${event.jobType} ${event.jobId} completed in ${event.ms} ms`;
    case "job.failed":
      return `${event.jobType} ${event.jobId} failed (${event.retryable ? "retryable" : "final"}): ${event.message}`;
    case "runs.reconciled":
      return `abandoned training attempts: retried ${event.retried.join(", ") || "none"}; failed ${event.failed.join(", ") || "none"}`;
    case "error":
      return `error: ${event.message}`;
  }
}

async function main(): Promise<void> {
  const env = workerEnv();
  if (!env.DATABASE_URL) {
    console.error(
      `The standalone worker needs DATABASE_URL (a Postgres server shared with the web app).\n` +
        `Without it Keel runs on the embedded database in ${env.KEEL_DATA_DIR}, and there the worker runs inside \`npm start\`: ` +
        `only one process may open that folder, so this one will not.`,
    );
    process.exit(1);
  }
  const kdb = createPostgresDb({ url: env.DATABASE_URL, max: Math.max(2, env.KEEL_WORKER_CONCURRENCY + 1) });
  const starting = (async () => {
    // Idempotent; the web app does the same at its start.
    await migrate(kdb);
    return startWorker({
      kdb,
      concurrency: env.KEEL_WORKER_CONCURRENCY,
      heartbeatIntervalMs: env.KEEL_WORKER_HEARTBEAT_MS,
      pollingIntervalMs: env.KEEL_WORKER_POLL_MS,
      stopTimeoutMs: env.KEEL_WORKER_STOP_TIMEOUT_MS,
      onEvent: (event) => (event.type === "error" ? console.error : log)(describe(event)),
    });
  })();

  // Registered before anything can be awaited: a signal that comes while the worker starts
  // must not kill the process with the default action.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (waiting up to ${env.KEEL_WORKER_STOP_TIMEOUT_MS} ms for running jobs)`);
    starting
      .then((worker) => worker.stop())
      .then(() => kdb.close())
      .then(() => {
        log("stopped");
        process.exit(0);
      })
      .catch((err: unknown) => {
        console.error("[keel worker] did not stop cleanly:", err);
        process.exit(1);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  const worker = await starting;
  log(`worker ${worker.id} started (pid ${process.pid}, concurrency ${env.KEEL_WORKER_CONCURRENCY})`);
}

main().catch((err: unknown) => {
  console.error("[keel worker] could not start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
