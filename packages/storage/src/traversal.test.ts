import { readFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { InvalidArtifactKeyError } from "./errors";
import { BACKENDS, HOSTILE_KEYS, tree, useBackend } from "./test/helpers";

describe.each(BACKENDS)("$kind artifact store: hostile keys", ({ kind }) => {
  const ctx = useBackend(kind);

  const operations = {
    has: (key: string) => ctx.store.has(key),
    stat: (key: string) => ctx.store.stat(key),
    openRead: (key: string) => ctx.store.openRead(key),
    openReadRange: (key: string) => ctx.store.openRead(key, { start: 0, end: 10 }),
    localPath: (key: string) => ctx.store.localPath(key),
    delete: (key: string) => ctx.store.delete(key),
  };

  it.each(Object.keys(operations) as (keyof typeof operations)[])(
    "%s refuses every hostile key before touching the disk or the bucket",
    async (name) => {
      // A real blob exists, so a traversal that "worked" would have something to find.
      await ctx.store.put(Readable.from([Buffer.from("a real blob")]));
      const filesBefore = await tree(ctx.work);
      const objectsBefore = await ctx.listStored();
      const allObjectsBefore = (await ctx.server?.listKeys()) ?? [];

      for (const key of HOSTILE_KEYS) {
        const outcome = await operations[name](key).then(
          () => "resolved",
          (err: unknown) => err,
        );
        expect(outcome, `${name}(${JSON.stringify(key)})`).toBeInstanceOf(InvalidArtifactKeyError);
        expect((outcome as Error).message).not.toContain(ctx.work);
      }

      expect(await tree(ctx.work)).toEqual(filesBefore);
      expect(await ctx.listStored()).toEqual(objectsBefore);
      expect((await ctx.server?.listKeys()) ?? []).toEqual(allObjectsBefore);
      expect(await readFile(path.join(ctx.outside, "secret"), "utf8")).toBe("do not read");
    },
  );

  it("a store that has refused keys still works normally", async () => {
    for (const key of HOSTILE_KEYS) await ctx.store.has(key).catch(() => undefined);
    const { sha256 } = await ctx.store.put(Readable.from([Buffer.from("fine")]));
    expect(await ctx.store.has(sha256)).toBe(true);
  });

  it("creates nothing at all when the very first call is hostile", async () => {
    const before = await tree(ctx.work);
    await expect(ctx.store.localPath("../../outside/secret")).rejects.toThrow(InvalidArtifactKeyError);
    await expect(ctx.store.delete("%2e%2e%2f%2e%2e%2foutside")).rejects.toThrow(InvalidArtifactKeyError);
    expect(await tree(ctx.work)).toEqual(before);
  });
});
