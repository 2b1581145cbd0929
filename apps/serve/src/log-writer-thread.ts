/**
 * The prediction log's writer thread (see log-writer.ts): its own connection to Postgres; each
 * message carries one flush's rows as encoded INSERT chunks, written all or none, and is answered
 * with `{id, error?}`. Only the encoded text crosses threads.
 */
import { parentPort, workerData } from "node:worker_threads";
import { insertEncodedPredictionLog } from "@keel/api/services/serving/log";
import { createPostgresDb } from "@keel/db";
import { z } from "zod";

const ZWorkerData = z.object({ databaseUrl: z.string().min(1) });
const ZMessage = z.union([z.object({ type: z.literal("write"), id: z.number().int(), chunks: z.array(z.string()) }), z.object({ type: z.literal("close") })]);

const port = parentPort;
if (!port) throw new Error("log-writer-thread: run it as a worker thread");
const { databaseUrl } = ZWorkerData.parse(workerData);
// The buffer flushes one batch at a time: one connection is enough.
const kdb = createPostgresDb({ url: databaseUrl, max: 1 });

/** The database's own message (drizzle's wraps the whole statement and its megabyte parameter). */
function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 500);
}

port.on("message", (raw: unknown) => {
  const message = ZMessage.parse(raw);
  if (message.type === "close") {
    void kdb.close().finally(() => port.close());
    return;
  }
  insertEncodedPredictionLog(kdb.db, message.chunks).then(
    () => port.postMessage({ id: message.id }),
    (error: unknown) => port.postMessage({ id: message.id, error: reason(error) }),
  );
});
