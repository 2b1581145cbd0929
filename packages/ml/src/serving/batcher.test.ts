import { afterEach, describe, expect, it, vi } from "vitest";
import { createMicroBatcher, MicroBatchError } from "./batcher";

afterEach(() => {
  vi.useRealTimers();
});

const double = vi.fn(async (items: number[]) => items.map((i) => i * 2));

describe("createMicroBatcher", () => {
  it("runs 16 concurrent submissions as one run call, in order", async () => {
    const run = vi.fn(async (items: number[]) => items.map((i) => i * 2));
    const batcher = createMicroBatcher({ maxBatch: 64, maxWaitMs: 2, run });
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => batcher.submit(i)));
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0]?.[0]).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 16 }, (_, i) => i * 2));
    await batcher.close();
  });

  it("maxWaitMs 0 gathers what is submitted in the same event-loop turn, and a later item runs alone", async () => {
    const run = vi.fn(async (items: number[]) => items.map((i) => i + 1));
    const batcher = createMicroBatcher({ maxBatch: 64, maxWaitMs: 0, run });
    const together = Promise.all([1, 2, 3].map((i) => batcher.submit(i)));
    expect(run).not.toHaveBeenCalled();
    await expect(together).resolves.toEqual([2, 3, 4]);
    expect(run).toHaveBeenCalledTimes(1);
    await expect(batcher.submit(9)).resolves.toBe(10);
    expect(run).toHaveBeenCalledTimes(2);
    expect(run.mock.calls[1]?.[0]).toEqual([9]);
    await batcher.close();
  });

  it("waits at most maxWaitMs for company (fake timers)", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async (items: string[]) => items.map((s) => s.toUpperCase()));
    const batcher = createMicroBatcher({ maxBatch: 10, maxWaitMs: 5, run });
    const a = batcher.submit("a");
    await vi.advanceTimersByTimeAsync(4);
    const b = batcher.submit("b");
    expect(run).not.toHaveBeenCalled();
    expect(batcher.pending).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await expect(Promise.all([a, b])).resolves.toEqual(["A", "B"]);
    const c = batcher.submit("c");
    await vi.advanceTimersByTimeAsync(5);
    await expect(c).resolves.toBe("C");
    expect(run).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
    await batcher.close();
  });

  it("splits at maxBatch: a full batch goes at once, without waiting", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async (items: number[]) => items.map((i) => 100 - i));
    const batcher = createMicroBatcher({ maxBatch: 4, maxWaitMs: 1000, run });
    const first = Array.from({ length: 10 }, (_, i) => batcher.submit(i));
    expect(run.mock.calls.map((c) => c[0])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    await expect(Promise.all(first.slice(0, 8))).resolves.toEqual([100, 99, 98, 97, 96, 95, 94, 93]);
    expect(batcher.pending).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(run.mock.calls.map((c) => c[0])).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    await expect(Promise.all(first)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => 100 - i));
    await batcher.close();
  });

  it("rejects every item of a batch whose run fails, and only those", async () => {
    const run = vi.fn(async (items: number[]) => {
      if (items.includes(13)) throw new Error("unlucky");
      return items;
    });
    const batcher = createMicroBatcher({ maxBatch: 2, maxWaitMs: 1, run });
    const settled = await Promise.allSettled([12, 13, 14, 15].map((i) => batcher.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "fulfilled", "fulfilled"]);
    expect(settled[0]).toMatchObject({ reason: new Error("unlucky") });
    expect(settled[1]).toMatchObject({ reason: new Error("unlucky") });
    await batcher.close();
  });

  it("rejects a batch when run throws synchronously or returns the wrong count", async () => {
    const sync = createMicroBatcher<number, number>({
      maxBatch: 8,
      maxWaitMs: 1,
      run: () => {
        throw new Error("sync boom");
      },
    });
    await expect(sync.submit(1)).rejects.toThrow("sync boom");
    const short = createMicroBatcher({ maxBatch: 8, maxWaitMs: 1, run: async (items: number[]) => items.slice(1) });
    const settled = await Promise.allSettled([short.submit(1), short.submit(2), short.submit(3)]);
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      if (s.status === "rejected") {
        expect(s.reason).toBeInstanceOf(MicroBatchError);
        expect((s.reason as Error).message).toBe("micro-batcher: run returned 2 results for 3 items");
      }
    }
    await Promise.all([sync.close(), short.close()]);
  });

  it("flush() runs what is pending now", async () => {
    vi.useFakeTimers();
    const run = vi.fn(double);
    const batcher = createMicroBatcher({ maxBatch: 100, maxWaitMs: 10_000, run });
    const results = [batcher.submit(1), batcher.submit(2)];
    await batcher.flush();
    expect(run).toHaveBeenCalledTimes(1);
    await expect(Promise.all(results)).resolves.toEqual([2, 4]);
    expect(vi.getTimerCount()).toBe(0);
    await batcher.close();
  });

  it("close() runs pending items, waits for batches in flight, then refuses new ones; no timer left", async () => {
    vi.useFakeTimers();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = vi.fn(async (items: number[]) => {
      await gate;
      return items.map((i) => i + 1);
    });
    const batcher = createMicroBatcher({ maxBatch: 2, maxWaitMs: 10_000, run });
    const results = [batcher.submit(1), batcher.submit(2), batcher.submit(3)];
    let closed = false;
    const closing = batcher.close().then(() => (closed = true));
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    release();
    await closing;
    await expect(Promise.all(results)).resolves.toEqual([2, 3, 4]);
    await expect(batcher.submit(9)).rejects.toThrow("micro-batcher: closed");
    expect(vi.getTimerCount()).toBe(0);
    await batcher.close();
  });

  it("checks its options", () => {
    expect(() => createMicroBatcher({ maxBatch: 0, maxWaitMs: 1, run: double })).toThrow(/maxBatch/);
    expect(() => createMicroBatcher({ maxBatch: 1.5, maxWaitMs: 1, run: double })).toThrow(/maxBatch/);
    expect(() => createMicroBatcher({ maxBatch: 1, maxWaitMs: -1, run: double })).toThrow(/maxWaitMs/);
  });
});
