import { randomBytes } from "node:crypto";
import { readFile, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BlobTooLargeError } from "./errors";
import { BACKENDS, collect, listNames, sha256Hex, useBackend, waitFor } from "./test/helpers";

describe.each(BACKENDS)("$kind artifact store: staging, limits and failures", ({ kind }) => {
  const ctx = useBackend(kind);

  it("stages into a readable temp file that is invisible until commit", async () => {
    const bytes = randomBytes(4096);
    const staged = await ctx.store.stage(Readable.from([bytes]));
    expect(staged.sha256).toBe(sha256Hex(bytes));
    expect(staged.size).toBe(bytes.length);
    expect(path.dirname(staged.path)).toBe(path.join(ctx.dataDir, "artifacts", ".staging"));
    expect((await readFile(staged.path)).equals(bytes)).toBe(true);
    expect(((await stat(staged.path)).mode & 0o777).toString(8)).toBe("600");
    expect(await ctx.store.has(staged.sha256)).toBe(false);

    expect(await staged.commit()).toEqual({ created: true });
    expect(await ctx.store.has(staged.sha256)).toBe(true);
    expect(await listNames(ctx.stagingDir)).toEqual([]);
    // commit is idempotent and discard after commit changes nothing
    expect(await staged.commit()).toEqual({ created: true });
    await staged.discard();
    expect((await collect(await ctx.store.openRead(staged.sha256))).equals(bytes)).toBe(true);
  });

  it("commit of bytes already stored reports created:false and removes the temp file", async () => {
    const bytes = Buffer.from("twice");
    await ctx.store.put(Readable.from([bytes]));
    const staged = await ctx.store.stage(Readable.from([bytes]));
    expect(await staged.commit()).toEqual({ created: false });
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("discard removes the temp file, is idempotent, and forbids a later commit", async () => {
    const staged = await ctx.store.stage(Readable.from([Buffer.from("draft")]));
    await staged.discard();
    await staged.discard();
    expect(await listNames(ctx.stagingDir)).toEqual([]);
    await expect(staged.commit()).rejects.toThrow(/discarded/);
    expect(await ctx.store.has(staged.sha256)).toBe(false);
  });

  it("a source that errors midway leaves no blob and no temp file", async () => {
    const good = randomBytes(2_000_000);
    async function* failing() {
      yield good.subarray(0, 1_000_000);
      yield good.subarray(1_000_000);
      throw new Error("connection reset by peer");
    }
    await expect(ctx.store.put(failing())).rejects.toThrow("connection reset by peer");
    expect(await listNames(ctx.stagingDir)).toEqual([]);
    expect(await ctx.listStored()).toEqual([]);
    expect(await ctx.store.has(sha256Hex(good))).toBe(false);
  });

  it("a Node stream destroyed with an error midway leaves nothing behind", async () => {
    const source = new Readable({ read() {} });
    source.push(randomBytes(100_000));
    const staging = ctx.store.stage(source);
    await waitFor(async () => (await listNames(ctx.stagingDir)).length === 1);
    source.destroy(new Error("client went away"));
    await expect(staging).rejects.toThrow("client went away");
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("an abort signal stops a stalled upload and removes the temp file", async () => {
    const controller = new AbortController();
    async function* stalled() {
      yield randomBytes(10_000);
      await new Promise(() => undefined);
    }
    const staging = ctx.store.stage(stalled(), { signal: controller.signal });
    await waitFor(async () => (await listNames(ctx.stagingDir)).length === 1);
    controller.abort();
    await expect(staging).rejects.toThrow(expect.objectContaining({ name: "AbortError" }));
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("an already aborted signal refuses before creating anything", async () => {
    const reason = new Error("gave up");
    await expect(ctx.store.put(Readable.from([Buffer.from("x")]), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("accepts exactly maxBytes and refuses maxBytes + 1, leaving nothing behind", async () => {
    const bytes = randomBytes(1000);
    const chunks = () => Readable.from([bytes.subarray(0, 999), bytes.subarray(999)]);
    const exact = await ctx.store.put(chunks(), { maxBytes: 1000 });
    expect(exact.size).toBe(1000);
    await ctx.store.delete(exact.sha256);

    const error = await ctx.store.put(chunks(), { maxBytes: 999 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BlobTooLargeError);
    expect((error as BlobTooLargeError).limit).toBe(999);
    expect((error as BlobTooLargeError).message).toBe("The file is larger than the 999 bytes limit.");
    expect(await listNames(ctx.stagingDir)).toEqual([]);
    expect(await ctx.listStored()).toEqual([]);
  });

  it("maxBytes 0 accepts only the empty blob", async () => {
    expect((await ctx.store.put(Readable.from([]), { maxBytes: 0 })).size).toBe(0);
    await expect(ctx.store.put(Readable.from([Buffer.from("x")]), { maxBytes: 0 })).rejects.toThrow(BlobTooLargeError);
  });

  it("stops pulling from the source as soon as the limit is passed", async () => {
    let pulled = 0;
    let finished = false;
    async function* endless() {
      try {
        for (;;) {
          pulled++;
          yield new Uint8Array(100);
        }
      } finally {
        finished = true;
      }
    }
    await expect(ctx.store.stage(endless(), { maxBytes: 1000 })).rejects.toThrow(BlobTooLargeError);
    expect(pulled).toBe(11);
    await waitFor(async () => finished);
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("pauses a Node stream past the limit without destroying it (the caller can still answer 413)", async () => {
    const source = new Readable({ read() {} });
    source.push(randomBytes(2000));
    await expect(ctx.store.stage(source, { maxBytes: 1000 })).rejects.toThrow(BlobTooLargeError);
    expect(source.destroyed).toBe(false);
    source.destroy();
  });

  it("refuses a negative or fractional maxBytes", async () => {
    await expect(ctx.store.put(Readable.from([]), { maxBytes: -1 })).rejects.toThrow(RangeError);
    await expect(ctx.store.put(Readable.from([]), { maxBytes: 1.5 })).rejects.toThrow(RangeError);
  });

  it("sweepStaging removes old orphaned temp files and keeps fresh ones", async () => {
    const old = await ctx.store.stage(Readable.from([Buffer.from("orphan")]));
    const fresh = await ctx.store.stage(Readable.from([Buffer.from("in use")]));
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(old.path, hourAgo, hourAgo);

    expect(await ctx.store.sweepStaging(30 * 60 * 1000)).toBe(1);
    expect(await listNames(ctx.stagingDir)).toEqual([path.basename(fresh.path)]);
    await old.discard();
    await expect(old.commit()).rejects.toThrow();
    expect(await fresh.commit()).toEqual({ created: true });
    expect(await ctx.store.sweepStaging(0)).toBe(0);
  });

  it("sweepStaging on a store that never staged anything is a no-op", async () => {
    expect(await ctx.store.sweepStaging(0)).toBe(0);
  });

  it("the message names the limit in human units", () => {
    expect(new BlobTooLargeError(1024 ** 3).message).toBe("The file is larger than the 1 GiB limit.");
    expect(new BlobTooLargeError(1536).message).toBe("The file is larger than the 1.5 KiB limit.");
  });
});
