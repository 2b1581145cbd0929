/**
 * The prediction log's in-memory side: a bounded buffer (drops and counts when full) whose
 * batches are written in the background, off the response path, and flushed on close.
 */
import { type BoundedBuffer, createBoundedBuffer } from "@keel/ml/serving";

export type LogBuffer<T> = BoundedBuffer<T>;

export function createLogBuffer<T>(opts: { capacity: number; flushEveryMs: number; maxBatch: number; write: (items: T[]) => Promise<void>; onError: (error: unknown, items: number) => void }): LogBuffer<T> {
  return createBoundedBuffer<T>({ capacity: opts.capacity, maxBatch: opts.maxBatch, flushEveryMs: opts.flushEveryMs, onError: opts.onError, flush: opts.write });
}
