/** ResolutionCache on its own: single-flight lookups, refresh ahead of the lapse, failures dropped. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ResolutionCache } from "./resolution-cache";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("ResolutionCache", () => {
  it("concurrent callers of a cold key share one lookup; then hits, without a promise", async () => {
    const cache = new ResolutionCache<string>(1000);
    let calls = 0;
    const lookup = async () => `v${++calls}`;
    const cold = Array.from({ length: 16 }, () => cache.get("k", lookup));
    expect(new Set(cold).size).toBe(1);
    expect(await Promise.all(cold.map((v) => Promise.resolve(v)))).toEqual(Array.from({ length: 16 }, () => "v1"));
    expect(cache.get("k", lookup)).toBe("v1");
    expect(cache.stats()).toEqual({ hits: 1, lookups: 1 });
  });

  it("refreshes once in the background in its last quarter; the refreshed value outlives the first", async () => {
    const cache = new ResolutionCache<string>(1000);
    let calls = 0;
    const lookup = async () => `v${++calls}`;
    await cache.get("k", lookup);
    vi.setSystemTime(1_000_000 + 700);
    expect(cache.get("k", lookup)).toBe("v1");
    expect(cache.stats().lookups).toBe(1);
    vi.setSystemTime(1_000_000 + 800);
    expect(cache.get("k", lookup)).toBe("v1");
    expect(cache.get("k", lookup)).toBe("v1");
    expect(cache.stats().lookups).toBe(2);
    await Promise.resolve();
    vi.setSystemTime(1_000_000 + 1500);
    expect(cache.get("k", lookup)).toBe("v2");
    expect(cache.stats()).toEqual({ hits: 4, lookups: 2 });
  });

  it("a failed refresh drops the entry: the next caller looks up and gets the failure, which is not cached", async () => {
    const cache = new ResolutionCache<string>(1000);
    let allowed = true;
    const lookup = async () => {
      if (!allowed) throw new Error("revoked");
      return "ok";
    };
    await cache.get("k", lookup);
    allowed = false;
    vi.setSystemTime(1_000_000 + 900);
    expect(cache.get("k", lookup)).toBe("ok");
    await new Promise((r) => setImmediate(r));
    await expect(cache.get("k", lookup)).rejects.toThrow("revoked");
    await expect(cache.get("k", lookup)).rejects.toThrow("revoked");
    expect(cache.stats().lookups).toBe(4);
  });

  it("a null key or a zero time always looks up", async () => {
    const noKey = new ResolutionCache<number>(1000);
    const off = new ResolutionCache<number>(0);
    let n = 0;
    const lookup = async () => ++n;
    expect(await noKey.get(null, lookup)).toBe(1);
    expect(await noKey.get(null, lookup)).toBe(2);
    expect(await off.get("k", lookup)).toBe(3);
    expect(await off.get("k", lookup)).toBe(4);
    expect(noKey.stats()).toEqual({ hits: 0, lookups: 2 });
  });
});
