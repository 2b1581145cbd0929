import { desc, schema, type DbOrTx, type InferSelectModel } from "@keel/db";

export type WorkerHeartbeat = InferSelectModel<typeof schema.workerHeartbeats>;

/** The worker that beat last (running or stopped), or null when no worker ever started here. */
export async function latestWorkerHeartbeat(db: DbOrTx): Promise<WorkerHeartbeat | null> {
  const [row] = await db
    .select()
    .from(schema.workerHeartbeats)
    .orderBy(desc(schema.workerHeartbeats.lastHeartbeatAt))
    .limit(1);
  return row ?? null;
}

export type WorkerLiveness = "running" | "stale" | "stopped" | "none";

/**
 * What a heartbeat row says about its worker: `stopped` when it stopped cleanly, `stale` when it has
 * not beaten for `staleAfterMs` (it died, or its host is cut off), else `running`. Workers beat every
 * 5 s by default, so the 30 s default tolerates a few missed beats.
 */
export function workerLiveness(
  row: Pick<WorkerHeartbeat, "lastHeartbeatAt" | "stoppedAt"> | null,
  now: Date = new Date(),
  staleAfterMs = 30_000,
): WorkerLiveness {
  if (!row) return "none";
  if (row.stoppedAt) return "stopped";
  return now.getTime() - row.lastHeartbeatAt.getTime() > staleAfterMs ? "stale" : "running";
}
