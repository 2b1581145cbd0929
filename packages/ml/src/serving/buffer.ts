/**
 * A bounded in-memory buffer with background flushing, for the prediction log: serving must
 * never wait for (or fail because of) the log's storage.
 *
 * - `push(item)` never blocks and never throws: when `capacity` items are held (waiting or being
 *   written) the item is DROPPED and counted in `stats().dropped`; after close() too.
 * - Every `flushEveryMs`, and as soon as `maxBatch` items wait, the buffer writes batches of at
 *   most `maxBatch` items through `flush`, one call at a time, oldest first, until empty.
 * - A failed flush keeps its items at the front (they are retried on the next tick; new items
 *   are still dropped beyond capacity), counts `failedFlushes`, calls `onError`, and stops the
 *   drain until the next tick.
 * - `close()` stops the timer, waits for a drain in progress, then makes one last drain of
 *   everything left (if a flush fails there, it stops: the items stay counted in
 *   `stats().buffered` and are lost with the process); resolves with the final stats, never
 *   rejects.
 * The interval timer is unref'd: it does not keep the process alive.
 */

export interface BoundedBufferOptions<T> {
  /** Most items held at once, waiting or being written (integer ≥ 1). */
  capacity: number;
  /** Writes one batch; rejecting keeps the batch for a retry. */
  flush: (items: T[]) => Promise<void>;
  /** Background flush period in ms (> 0). */
  flushEveryMs: number;
  /** Most items per flush call (integer ≥ 1). */
  maxBatch: number;
  /** Told about each failed flush (logging); its own errors are ignored. */
  onError?: (error: unknown, items: number) => void;
}

export interface BufferStats {
  /** Held now: waiting plus being written. */
  buffered: number;
  /** Written by successful flushes. */
  written: number;
  /** Refused by push (full, or closed). */
  dropped: number;
  /** Successful flush calls. */
  flushes: number;
  /** Failed flush calls. */
  failedFlushes: number;
}

export interface BoundedBuffer<T> {
  /** Adds `item`, or drops it when full or closed; true when it was kept. */
  push(item: T): boolean;
  /** Writes what waits now, in batches; resolves when done or when a flush fails. Never rejects. */
  flush(): Promise<void>;
  stats(): BufferStats;
  /** Stops the timer and writes everything left; see the module comment. */
  close(): Promise<BufferStats>;
}

export function createBoundedBuffer<T>(options: BoundedBufferOptions<T>): BoundedBuffer<T> {
  const { capacity, flushEveryMs, maxBatch } = options;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`createBoundedBuffer: capacity must be an integer ≥ 1 (got ${capacity})`);
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`createBoundedBuffer: maxBatch must be an integer ≥ 1 (got ${maxBatch})`);
  if (!Number.isFinite(flushEveryMs) || flushEveryMs <= 0) throw new Error(`createBoundedBuffer: flushEveryMs must be a finite number > 0 (got ${flushEveryMs})`);
  let items: T[] = [];
  let writing = 0;
  let closed = false;
  let draining: Promise<void> | undefined;
  const stats: Omit<BufferStats, "buffered"> = { written: 0, dropped: 0, flushes: 0, failedFlushes: 0 };

  /** Writes batches until empty or a flush fails. One drain at a time. */
  const drainOnce = async (): Promise<void> => {
    while (items.length > 0) {
      const batch = items.slice(0, maxBatch);
      items = items.slice(batch.length);
      writing = batch.length;
      try {
        await options.flush(batch);
        stats.written += batch.length;
        stats.flushes += 1;
      } catch (error) {
        items = [...batch, ...items];
        stats.failedFlushes += 1;
        try {
          options.onError?.(error, batch.length);
        } catch {
          // the logger's own failure must not break the buffer
        }
        return;
      } finally {
        writing = 0;
      }
    }
  };
  const drain = (): Promise<void> => {
    if (draining !== undefined) return draining;
    // Cleared only after the promise is stored: an empty drain finishes synchronously, and
    // clearing inside it would leave a settled promise behind that blocks every later drain.
    const run = drainOnce();
    draining = run;
    void run.finally(() => {
      if (draining === run) draining = undefined;
    });
    return run;
  };

  const timer = setInterval(() => void drain(), flushEveryMs);
  timer.unref();

  return {
    push(item: T): boolean {
      if (closed || items.length + writing >= capacity) {
        stats.dropped += 1;
        return false;
      }
      items.push(item);
      if (items.length >= maxBatch && draining === undefined) void drain();
      return true;
    },
    async flush(): Promise<void> {
      if (draining !== undefined) await draining;
      await drain();
    },
    stats(): BufferStats {
      return { buffered: items.length + writing, ...stats };
    },
    async close(): Promise<BufferStats> {
      if (!closed) {
        closed = true;
        clearInterval(timer);
      }
      if (draining !== undefined) await draining;
      await drain();
      return { buffered: items.length + writing, ...stats };
    },
  };
}
