import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ArtifactNotFoundError, InvalidRangeError } from "./errors";
import { BACKENDS, collect, listNames, sha256Hex, useBackend } from "./test/helpers";

describe.each(BACKENDS)("$kind artifact store: put, read, dedup", ({ kind }) => {
  const ctx = useBackend(kind);

  it("reports its kind and describes itself without secrets", () => {
    expect(ctx.store.kind).toBe(kind);
    expect(ctx.store.describe()).not.toMatch(/S3RVER/);
  });

  it("puts bytes under their sha256 and reads them back", async () => {
    const bytes = Buffer.from("hello, keel\n");
    const result = await ctx.store.put(Readable.from([bytes]));
    expect(result).toEqual({ sha256: sha256Hex(bytes), size: bytes.length, created: true });
    expect(await ctx.store.has(result.sha256)).toBe(true);
    expect(await ctx.store.stat(result.sha256)).toEqual({ size: bytes.length });
    expect(await collect(await ctx.store.openRead(result.sha256))).toEqual(bytes);
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("hashes many chunks of any size exactly like node:crypto", async () => {
    const chunks = [randomBytes(1), randomBytes(65_536), randomBytes(3), randomBytes(1_500_000), new Uint8Array(0)];
    const all = Buffer.concat(chunks);
    async function* source() {
      for (const chunk of chunks) yield chunk;
    }
    const result = await ctx.store.put(source());
    expect(result.sha256).toBe(sha256Hex(all));
    expect(result.size).toBe(all.length);
    expect((await collect(await ctx.store.openRead(result.sha256))).equals(all)).toBe(true);
  });

  it("accepts string chunks from a Node stream (as UTF-8)", async () => {
    const result = await ctx.store.put(Readable.from(["é", "t", "é"], { objectMode: true }));
    expect(result.sha256).toBe(sha256Hex(Buffer.from("été")));
  });

  it("stores the empty blob", async () => {
    const result = await ctx.store.put(Readable.from([]));
    expect(result).toEqual({ sha256: sha256Hex(new Uint8Array(0)), size: 0, created: true });
    expect(await ctx.store.stat(result.sha256)).toEqual({ size: 0 });
    expect((await collect(await ctx.store.openRead(result.sha256))).length).toBe(0);
    expect((await collect(await ctx.store.openRead(result.sha256, { start: 0 }))).length).toBe(0);
  });

  it("stores a 9 MiB blob (multipart on S3) intact", async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 17);
    const result = await ctx.store.put(Readable.from([bytes.subarray(0, 4_000_000), bytes.subarray(4_000_000)]));
    expect(result.sha256).toBe(sha256Hex(bytes));
    expect(sha256Hex(await collect(await ctx.store.openRead(result.sha256)))).toBe(result.sha256);
    expect(sha256Hex(await readFile(await ctx.store.localPath(result.sha256)))).toBe(result.sha256);
  });

  it("deduplicates: the second put of the same bytes reports created:false", async () => {
    const bytes = randomBytes(1000);
    const first = await ctx.store.put(Readable.from([bytes]));
    const second = await ctx.store.put(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(await ctx.listStored()).toHaveLength(1);
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("survives 20 concurrent puts of the same bytes: all succeed, one creates, one intact blob", async () => {
    const bytes = randomBytes(256 * 1024);
    const results = await Promise.all(Array.from({ length: 20 }, () => ctx.store.put(Readable.from([bytes]))));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256Hex(bytes)]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await ctx.listStored()).toHaveLength(1);
    expect((await collect(await ctx.store.openRead(sha256Hex(bytes)))).equals(bytes)).toBe(true);
    expect(await listNames(ctx.stagingDir)).toEqual([]);
  });

  it("keeps different contents apart", async () => {
    const a = await ctx.store.put(Readable.from([Buffer.from("a")]));
    const b = await ctx.store.put(Readable.from([Buffer.from("b")]));
    expect(a.sha256).not.toBe(b.sha256);
    expect((await collect(await ctx.store.openRead(b.sha256))).toString()).toBe("b");
    expect(await ctx.listStored()).toHaveLength(2);
  });

  it("reads inclusive byte ranges", async () => {
    const bytes = randomBytes(1000);
    const { sha256 } = await ctx.store.put(Readable.from([bytes]));
    const read = async (range: { start?: number; end?: number }) => collect(await ctx.store.openRead(sha256, range));
    expect((await read({ start: 10, end: 19 })).equals(bytes.subarray(10, 20))).toBe(true);
    expect((await read({ start: 990 })).equals(bytes.subarray(990))).toBe(true);
    expect((await read({ end: 4 })).equals(bytes.subarray(0, 5))).toBe(true);
    expect((await read({ start: 999, end: 999 })).equals(bytes.subarray(999))).toBe(true);
    expect((await read({ start: 500, end: 5000 })).equals(bytes.subarray(500))).toBe(true);
    expect((await read({})).equals(bytes)).toBe(true);
  });

  it("refuses unsatisfiable or malformed ranges", async () => {
    const { sha256 } = await ctx.store.put(Readable.from([randomBytes(100)]));
    for (const range of [{ start: 100 }, { start: 5, end: 4 }, { start: -1 }, { start: 1.5 }, { end: Number.NaN }]) {
      await expect(ctx.store.openRead(sha256, range)).rejects.toThrow(InvalidRangeError);
    }
  });

  it("reports a missing blob as absent, and refuses to read it", async () => {
    const missing = sha256Hex(Buffer.from("never stored"));
    expect(await ctx.store.has(missing)).toBe(false);
    expect(await ctx.store.stat(missing)).toBeNull();
    await expect(ctx.store.openRead(missing)).rejects.toThrow(ArtifactNotFoundError);
    await expect(ctx.store.openRead(missing, { start: 0, end: 1 })).rejects.toThrow(ArtifactNotFoundError);
    await expect(ctx.store.localPath(missing)).rejects.toThrow(ArtifactNotFoundError);
  });

  it("accepts an uppercase key for an existing blob", async () => {
    const { sha256 } = await ctx.store.put(Readable.from([Buffer.from("upper")]));
    expect(await ctx.store.has(sha256.toUpperCase())).toBe(true);
    expect((await collect(await ctx.store.openRead(sha256.toUpperCase()))).toString()).toBe("upper");
  });

  it("gives a read-only local file for random access (downloaded once on S3)", async () => {
    const bytes = randomBytes(5000);
    const { sha256 } = await ctx.store.put(Readable.from([bytes]));
    const first = await ctx.store.localPath(sha256);
    expect((await readFile(first)).equals(bytes)).toBe(true);
    const info = await stat(first);
    expect(info.mode & 0o777).toBe(0o444);
    const again = await Promise.all(Array.from({ length: 5 }, () => ctx.store.localPath(sha256)));
    expect(new Set(again)).toEqual(new Set([first]));
    expect((await stat(first)).ino).toBe(info.ino);
  });

  it("deletes a blob; deleting again is fine", async () => {
    const { sha256 } = await ctx.store.put(Readable.from([Buffer.from("bye")]));
    await ctx.store.localPath(sha256);
    await ctx.store.delete(sha256);
    expect(await ctx.store.has(sha256)).toBe(false);
    await expect(ctx.store.openRead(sha256)).rejects.toThrow(ArtifactNotFoundError);
    await expect(ctx.store.localPath(sha256)).rejects.toThrow(ArtifactNotFoundError);
    await ctx.store.delete(sha256);
    expect(await ctx.listStored()).toEqual([]);
  });

  it("puts again after a delete (created:true)", async () => {
    const bytes = Buffer.from("phoenix");
    await ctx.store.put(Readable.from([bytes]));
    await ctx.store.delete(sha256Hex(bytes));
    expect((await ctx.store.put(Readable.from([bytes]))).created).toBe(true);
  });
});
