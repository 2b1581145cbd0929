import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createBoundedBuffer } from "./buffer";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A flush that records its batches and fails while `failing` is set. */
function sink() {
  const batches: number[][] = [];
  const state = { failing: false };
  const flush = vi.fn(async (items: number[]) => {
    if (state.failing) throw new Error("store down");
    batches.push(items);
  });
  return { batches, state, flush };
}

describe("createBoundedBuffer", () => {
  it("flushes in the background every flushEveryMs, in batches of at most maxBatch, oldest first", async () => {
    const { batches, flush } = sink();
    const buffer = createBoundedBuffer({ capacity: 100, flush, flushEveryMs: 1000, maxBatch: 4 });
    for (let i = 0; i < 3; i++) buffer.push(i);
    expect(flush).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toEqual([[0, 1, 2]]);
    for (let i = 3; i < 6; i++) buffer.push(i);
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(buffer.stats()).toEqual({ buffered: 0, written: 6, dropped: 0, flushes: 2, failedFlushes: 0 });
    await buffer.close();
  });

  it("keeps flushing after idle ticks and empty flushes (an empty drain must not block later ones)", async () => {
    const { batches, flush } = sink();
    const buffer = createBoundedBuffer({ capacity: 100, flush, flushEveryMs: 1000, maxBatch: 2 });
    await vi.advanceTimersByTimeAsync(3000);
    await buffer.flush();
    for (let i = 0; i < 3; i++) buffer.push(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[0, 1], [2]]);
    buffer.push(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toEqual([[0, 1], [2], [3]]);
    expect(flush).toHaveBeenCalledTimes(3);
    await buffer.close();
  });

  it("starts flushing as soon as maxBatch items wait, and drains in maxBatch chunks", async () => {
    const { batches, flush } = sink();
    const buffer = createBoundedBuffer({ capacity: 100, flush, flushEveryMs: 60_000, maxBatch: 3 });
    for (let i = 0; i < 7; i++) buffer.push(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 7, flushes: 3 });
    await buffer.close();
  });

  it("never throws or blocks: when full it drops and counts (items being written count as held)", async () => {
    let release: () => void = () => undefined;
    const flush = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const buffer = createBoundedBuffer({ capacity: 5, flush, flushEveryMs: 60_000, maxBatch: 2 });
    const kept = Array.from({ length: 8 }, (_, i) => buffer.push(i));
    expect(kept).toEqual([true, true, true, true, true, false, false, false]);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(flush).toHaveBeenLastCalledWith([0, 1]);
    expect(buffer.stats()).toEqual({ buffered: 5, written: 0, dropped: 3, flushes: 0, failedFlushes: 0 });
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(flush).toHaveBeenLastCalledWith([2, 3]);
    expect(buffer.stats().buffered).toBe(3);
    expect(buffer.push(8)).toBe(true);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(buffer.stats()).toEqual({ buffered: 0, written: 6, dropped: 3, flushes: 3, failedFlushes: 0 });
    await buffer.close();
  });

  it("keeps the items of a failed flush and retries them on the next tick, still bounded", async () => {
    const { batches, state, flush } = sink();
    const onError = vi.fn();
    const buffer = createBoundedBuffer({ capacity: 4, flush, flushEveryMs: 1000, maxBatch: 10, onError });
    state.failing = true;
    for (let i = 0; i < 3; i++) buffer.push(i);
    await vi.advanceTimersByTimeAsync(1000);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(new Error("store down"), 3);
    expect(buffer.stats()).toEqual({ buffered: 3, written: 0, dropped: 0, flushes: 0, failedFlushes: 1 });
    buffer.push(3);
    buffer.push(4);
    expect(buffer.stats()).toMatchObject({ buffered: 4, dropped: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(buffer.stats()).toMatchObject({ buffered: 4, failedFlushes: 2 });
    state.failing = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toEqual([[0, 1, 2, 3]]);
    expect(buffer.stats()).toEqual({ buffered: 0, written: 4, dropped: 1, flushes: 1, failedFlushes: 2 });
    await buffer.close();
  });

  it("survives an onError that throws", async () => {
    const { state, flush } = sink();
    const buffer = createBoundedBuffer({
      capacity: 4,
      flush,
      flushEveryMs: 1000,
      maxBatch: 10,
      onError: () => {
        throw new Error("logger down");
      },
    });
    state.failing = true;
    buffer.push(1);
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 1, failedFlushes: 1 });
    state.failing = false;
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 1 });
    await buffer.close();
  });

  it("close() writes everything left, stops the timer and drops later pushes", async () => {
    const { batches, flush } = sink();
    const buffer = createBoundedBuffer({ capacity: 100, flush, flushEveryMs: 60_000, maxBatch: 4 });
    for (let i = 0; i < 6; i++) buffer.push(i);
    expect(vi.getTimerCount()).toBe(1);
    const stats = await buffer.close();
    expect(batches).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(stats).toEqual({ buffered: 0, written: 6, dropped: 0, flushes: 2, failedFlushes: 0 });
    expect(vi.getTimerCount()).toBe(0);
    expect(buffer.push(6)).toBe(false);
    expect(buffer.stats().dropped).toBe(1);
    await expect(buffer.close()).resolves.toMatchObject({ written: 6 });
  });

  it("close() waits for a flush in progress, and resolves (with what is left) when the final flush fails", async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const flush = vi.fn(async () => {
      calls += 1;
      if (calls === 1) return new Promise<void>((resolve) => (release = resolve));
      throw new Error("store down");
    });
    const buffer = createBoundedBuffer({ capacity: 100, flush, flushEveryMs: 60_000, maxBatch: 2 });
    for (let i = 0; i < 3; i++) buffer.push(i);
    let done = false;
    const closing = buffer.close().then((s) => {
      done = true;
      return s;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    release();
    // The drain in progress fails on [2]; close() then makes its own last attempt, which fails too.
    await expect(closing).resolves.toEqual({ buffered: 1, written: 2, dropped: 0, flushes: 1, failedFlushes: 2 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("checks its options", () => {
    const flush = async () => undefined;
    expect(() => createBoundedBuffer({ capacity: 0, flush, flushEveryMs: 1, maxBatch: 1 })).toThrow(/capacity/);
    expect(() => createBoundedBuffer({ capacity: 1, flush, flushEveryMs: 0, maxBatch: 1 })).toThrow(/flushEveryMs/);
    expect(() => createBoundedBuffer({ capacity: 1, flush, flushEveryMs: 1, maxBatch: 0 })).toThrow(/maxBatch/);
  });
});
