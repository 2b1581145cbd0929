/**
 * Server-side micro-batching, TensorFlow Serving's technique: single predictions submitted
 * concurrently are gathered for at most `maxWaitMs` (or until `maxBatch` are waiting) and run as
 * one `run(items)` call, so one model.predict serves many requests.
 *
 * - A batch is dispatched when `maxBatch` items wait (at once) or `maxWaitMs` after the first
 *   item of a batch arrived, whichever comes first; a batch never exceeds `maxBatch` items
 *   (items left over after a full batch keep the running deadline, so none waits longer).
 * - Results go back in order: item i of the batch gets `run`'s result i.
 * - `run` throwing or rejecting rejects every item of that batch with that error; `run`
 *   returning the wrong number of results rejects them all with a MicroBatchError.
 * - Batches may overlap (a new batch does not wait for the previous `run` to finish).
 * - `close()` dispatches what is pending, waits for every batch in flight, then refuses new
 *   items (submit rejects); no timer is left behind.
 */

export interface MicroBatcherOptions<I, O> {
  /** Most items per run call (integer ≥ 1). */
  maxBatch: number;
  /**
   * How long the first item of a batch waits for company, in ms (≥ 0; 1–5 is typical). 0 waits
   * only for the end of the current event-loop turn (setImmediate): items submitted by requests
   * that arrived together share a batch, and a lone request adds no delay.
   */
  maxWaitMs: number;
  /** Runs one batch; must return one result per item, in order. */
  run: (items: I[]) => Promise<O[]>;
}

export interface MicroBatcher<I, O> {
  /** Queues `item`; resolves with its result once its batch has run. */
  submit(item: I): Promise<O>;
  /** Dispatches every pending item now; resolves when those batches have settled. */
  flush(): Promise<void>;
  /** flush(), wait for every batch in flight, and refuse new items. Idempotent. */
  close(): Promise<void>;
  /** Items waiting for their batch to start. */
  readonly pending: number;
}

/** What a batch's items are rejected with when `run` breaks its contract, or after close(). */
export class MicroBatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MicroBatchError";
  }
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export function createMicroBatcher<I, O>(options: MicroBatcherOptions<I, O>): MicroBatcher<I, O> {
  const { maxBatch, maxWaitMs, run } = options;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`createMicroBatcher: maxBatch must be an integer ≥ 1 (got ${maxBatch})`);
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new Error(`createMicroBatcher: maxWaitMs must be a finite number ≥ 0 (got ${maxWaitMs})`);
  let queue: Waiting<I, O>[] = [];
  let timer: { cancel: () => void } | undefined;
  let closed = false;
  const inFlight = new Set<Promise<void>>();

  const schedule = (fn: () => void): { cancel: () => void } => {
    if (maxWaitMs === 0) {
      const h = setImmediate(fn);
      return { cancel: () => clearImmediate(h) };
    }
    const h = setTimeout(fn, maxWaitMs);
    return { cancel: () => clearTimeout(h) };
  };

  const clearTimer = () => {
    timer?.cancel();
    timer = undefined;
  };

  /** Runs one batch; never rejects (the items' promises carry the outcome). */
  const runBatch = (batch: Waiting<I, O>[]): Promise<void> => {
    const done = (async () => {
      try {
        const results = await run(batch.map((w) => w.item));
        if (!Array.isArray(results) || results.length !== batch.length) {
          const error = new MicroBatchError(`micro-batcher: run returned ${Array.isArray(results) ? results.length : "no array of"} results for ${batch.length} items`);
          for (const w of batch) w.reject(error);
          return;
        }
        batch.forEach((w, i) => w.resolve(results[i] as O));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    })();
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    return done;
  };

  /** Dispatches pending items in batches of at most maxBatch (all of them, or only full batches). */
  const dispatch = (all: boolean): Promise<void>[] => {
    const started: Promise<void>[] = [];
    while (queue.length >= maxBatch || (all && queue.length > 0)) {
      started.push(runBatch(queue.slice(0, maxBatch)));
      queue = queue.slice(maxBatch);
    }
    if (queue.length === 0) clearTimer();
    return started;
  };

  const onTimer = () => {
    timer = undefined;
    void dispatch(true);
  };

  return {
    submit(item: I): Promise<O> {
      if (closed) return Promise.reject(new MicroBatchError("micro-batcher: closed"));
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= maxBatch) void dispatch(false);
        if (queue.length > 0 && timer === undefined) timer = schedule(onTimer);
      });
    },
    async flush(): Promise<void> {
      await Promise.all(dispatch(true));
    },
    async close(): Promise<void> {
      closed = true;
      void dispatch(true);
      clearTimer();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    get pending(): number {
      return queue.length;
    },
  };
}
