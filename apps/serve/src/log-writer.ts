/**
 * Where the prediction server's log batches go. In-thread (`dbLogWriter`, through the server's
 * own database handle; PGlite has no other way) or, on Postgres, a writer thread
 * (`threadLogWriter`) with its own connection: the event loop only encodes each flush as JSON
 * text and hands it over, so sending the INSERT to the database never competes with answering
 * predictions.
 */
import { Worker } from "node:worker_threads";
import { encodePredictionLog, type PredictionLogEntry, writePredictionLog } from "@keel/api/services/serving";
import type { Db } from "@keel/db";

export interface PredictionLogWriter {
  /** Writes the entries, all or none; rejects when they were not written (the buffer retries). */
  write(entries: PredictionLogEntry[]): Promise<void>;
  /** Waits for the writes in flight, then stops (later writes reject). */
  close(): Promise<void>;
}

export function dbLogWriter(db: Db): PredictionLogWriter {
  return { write: (entries) => writePredictionLog(db, entries), close: async () => undefined };
}

interface Reply {
  id: number;
  error?: string;
}

/**
 * A writer thread with its own connection to `databaseUrl`, started on the first write. If it
 * stops (a crash), the writes in flight reject (the buffer keeps their rows) and the next write
 * starts a new one.
 */
export function threadLogWriter(databaseUrl: string): PredictionLogWriter {
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const w = new Worker(new URL("./log-writer-thread.mjs", import.meta.url), { workerData: { databaseUrl } });
    // Idle, the thread never keeps the process alive; a write in flight does (see write()).
    w.unref();
    w.on("message", (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.error === undefined) p.resolve();
      else p.reject(new Error(`prediction log: ${reply.error}`));
    });
    w.on("error", (error) => {
      if (worker === w) worker = null;
      failAll(new Error(`prediction log: the writer thread failed: ${error.message}`));
    });
    w.on("exit", (code) => {
      if (worker === w) worker = null;
      failAll(new Error(`prediction log: the writer thread exited (${code})`));
    });
    return w;
  };

  return {
    write(entries) {
      if (closed) return Promise.reject(new Error("prediction log: the writer is closed"));
      if (entries.length === 0) return Promise.resolve();
      const chunks = encodePredictionLog(entries);
      const w = (worker ??= start());
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        w.postMessage({ type: "write", id, chunks });
      });
    },
    async close() {
      closed = true;
      const w = worker;
      if (!w) return;
      // The buffer's close() waited for its last flush, so nothing is in flight here.
      const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
      w.ref();
      w.postMessage({ type: "close" });
      const timer = setTimeout(() => void w.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
