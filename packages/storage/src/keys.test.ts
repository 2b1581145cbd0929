import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArtifactKeyError, UnsafePathError } from "./errors";
import { parseSha256Key, safeJoin } from "./keys";
import { HOSTILE_KEYS, SAMPLE_HEX, freshDir, removeDir, tree } from "./test/helpers";

describe("parseSha256Key", () => {
  it.each(HOSTILE_KEYS.map((key) => [JSON.stringify(key), key]))("refuses %s", (_label, key) => {
    expect(() => parseSha256Key(key)).toThrow(InvalidArtifactKeyError);
  });

  it("never echoes the input in its message", () => {
    for (const key of HOSTILE_KEYS.filter((k) => k.length >= 3)) {
      try {
        parseSha256Key(key);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidArtifactKeyError);
        expect((err as Error).message).not.toContain(key);
        expect((err as Error).message).not.toMatch(/etc|passwd|proc/);
      }
    }
  });

  it("refuses non-strings and absurdly long input", () => {
    expect(() => parseSha256Key(undefined as unknown as string)).toThrow(InvalidArtifactKeyError);
    expect(() => parseSha256Key(42 as unknown as string)).toThrow(InvalidArtifactKeyError);
    expect(() => parseSha256Key("a".repeat(100_000))).toThrow(InvalidArtifactKeyError);
  });

  it("accepts a lowercase digest unchanged", () => {
    expect(parseSha256Key(SAMPLE_HEX)).toBe(SAMPLE_HEX);
  });

  it("normalises uppercase hex to lowercase", () => {
    expect(parseSha256Key(SAMPLE_HEX.toUpperCase())).toBe(SAMPLE_HEX);
  });

  it("decodes percent-encoding until stable, then validates the result", () => {
    const tail = SAMPLE_HEX.slice(1);
    expect(parseSha256Key(`%39${tail}`)).toBe(SAMPLE_HEX);
    expect(parseSha256Key(`%2539${tail}`)).toBe(SAMPLE_HEX);
    expect(parseSha256Key(`%25252539${tail}`)).toBe(SAMPLE_HEX);
  });
});

describe("safeJoin", () => {
  let work: string;
  let root: string;
  let outside: string;

  beforeEach(async () => {
    work = await freshDir("safejoin");
    root = path.join(work, "root");
    outside = path.join(work, "outside");
    await mkdir(path.join(root, "inner"), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(outside, "secret"), "secret");
  });
  afterEach(() => removeDir(work));

  it("returns the real path of a target inside the root, existing or not", async () => {
    const realRoot = await realpath(root);
    expect(await safeJoin(root, "inner")).toBe(path.join(realRoot, "inner"));
    expect(await safeJoin(root, "inner", "a", "b")).toBe(path.join(realRoot, "inner", "a", "b"));
    expect(await safeJoin(root, "inner/../inner/x")).toBe(path.join(realRoot, "inner", "x"));
  });

  it.each([
    [".."],
    ["../outside/secret"],
    ["inner/../../outside"],
    ["."],
    [""],
    ["/etc/passwd"],
    ["x\0y"],
  ])("refuses %j", async (segment) => {
    await expect(safeJoin(root, segment)).rejects.toThrow(UnsafePathError);
  });

  it("refuses an absolute second segment", async () => {
    await expect(safeJoin(root, "inner", outside)).rejects.toThrow(UnsafePathError);
  });

  it("refuses a symlink that leads out of the root, and anything below it", async () => {
    await symlink(outside, path.join(root, "escape"));
    await expect(safeJoin(root, "escape")).rejects.toThrow(UnsafePathError);
    await expect(safeJoin(root, "escape", "secret")).rejects.toThrow(UnsafePathError);
    await expect(safeJoin(root, "escape", "new", "file")).rejects.toThrow(UnsafePathError);
  });

  it("refuses a dangling symlink (writing through it would land outside)", async () => {
    await symlink(path.join(outside, "not-yet"), path.join(root, "dangling"));
    await expect(safeJoin(root, "dangling")).rejects.toThrow(UnsafePathError);
  });

  it("allows a symlink that stays inside the root and returns its target", async () => {
    await symlink(path.join(root, "inner"), path.join(root, "alias"));
    expect(await safeJoin(root, "alias", "f")).toBe(path.join(await realpath(root), "inner", "f"));
  });

  it("works when the root itself is reached through a symlink", async () => {
    const linkedRoot = path.join(work, "linked-root");
    await symlink(root, linkedRoot);
    expect(await safeJoin(linkedRoot, "inner")).toBe(path.join(await realpath(root), "inner"));
  });

  it("creates nothing", async () => {
    const before = await tree(work);
    await safeJoin(root, "a", "b", "c");
    await expect(safeJoin(root, "..", "outside", "new")).rejects.toThrow(UnsafePathError);
    expect(await tree(work)).toEqual(before);
  });
});
