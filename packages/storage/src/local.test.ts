import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, readdir, realpath, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createArtifactStore } from "./config";
import { UnsafePathError } from "./errors";
import { LocalArtifactStore } from "./local";
import { collect, freshDir, removeDir, sha256Hex, tree } from "./test/helpers";

describe("local artifact store: layout and filesystem safety", () => {
  let work: string;
  let root: string;
  let store: LocalArtifactStore;

  beforeEach(async () => {
    work = await freshDir("local");
    root = path.join(work, "data", "artifacts");
    store = new LocalArtifactStore({ root });
  });
  afterEach(() => removeDir(work));

  it("lays blobs out as <dataDir>/artifacts/sha256/<ab>/<hex>, read-only", async () => {
    const bytes = Buffer.from("layout");
    const hex = sha256Hex(bytes);
    const viaFactory = createArtifactStore({ dataDir: path.join(work, "data") });
    await viaFactory.put(Readable.from([bytes]));
    const file = path.join(root, "sha256", hex.slice(0, 2), hex);
    expect((await readFile(file)).equals(bytes)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o444);
    expect(await viaFactory.localPath(hex)).toBe(path.join(await realpath(root), "sha256", hex.slice(0, 2), hex));
    expect(await readdir(root)).toEqual(expect.arrayContaining([".staging", "sha256"]));
  });

  it("keeps exactly one file per digest after concurrent commits (hard-link, no overwrite)", async () => {
    const bytes = randomBytes(100_000);
    const staged = await Promise.all(Array.from({ length: 10 }, () => store.stage(Readable.from([bytes]))));
    const results = await Promise.all(staged.map((s) => s.commit()));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const hex = sha256Hex(bytes);
    expect(await readdir(path.join(root, "sha256", hex.slice(0, 2)))).toEqual([hex]);
    expect((await stat(path.join(root, "sha256", hex.slice(0, 2), hex))).nlink).toBe(1);
    expect(await readdir(path.join(root, ".staging"))).toEqual([]);
  });

  it("replaces a damaged copy (wrong size) with the staged bytes", async () => {
    const bytes = Buffer.from("the real content");
    const hex = sha256Hex(bytes);
    const dir = path.join(root, "sha256", hex.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, hex), "trunc");
    expect((await store.put(Readable.from([bytes]))).created).toBe(true);
    expect((await collect(await store.openRead(hex))).equals(bytes)).toBe(true);
    expect((await stat(path.join(dir, hex))).mode & 0o777).toBe(0o444);
  });

  it("refuses a fan-out folder that is a symlink out of the root, and writes nothing there", async () => {
    const outside = path.join(work, "outside");
    await mkdir(outside);
    const bytes = Buffer.from("planted");
    const hex = sha256Hex(bytes);
    await writeFile(path.join(outside, hex), "secret outside the store");
    await mkdir(path.join(root, "sha256"), { recursive: true });
    await symlink(outside, path.join(root, "sha256", hex.slice(0, 2)));
    const before = await tree(outside);

    await expect(store.has(hex)).rejects.toThrow(UnsafePathError);
    await expect(store.openRead(hex)).rejects.toThrow(UnsafePathError);
    await expect(store.localPath(hex)).rejects.toThrow(UnsafePathError);
    await expect(store.delete(hex)).rejects.toThrow(UnsafePathError);
    await expect(store.put(Readable.from([bytes]))).rejects.toThrow(UnsafePathError);

    expect(await tree(outside)).toEqual(before);
    expect(await readdir(path.join(root, ".staging"))).toEqual([]);
  });

  it("refuses a blob path that is a symlink to a file outside", async () => {
    const secret = path.join(work, "secret.txt");
    await writeFile(secret, "secret");
    const hex = sha256Hex(Buffer.from("x"));
    await mkdir(path.join(root, "sha256", hex.slice(0, 2)), { recursive: true });
    await symlink(secret, path.join(root, "sha256", hex.slice(0, 2), hex));
    await expect(store.openRead(hex)).rejects.toThrow(UnsafePathError);
    await expect(store.stat(hex)).rejects.toThrow(UnsafePathError);
  });

  it("refuses a staging folder that is a symlink out of the root", async () => {
    const outside = path.join(work, "elsewhere");
    await mkdir(outside);
    await mkdir(root, { recursive: true });
    await symlink(outside, path.join(root, ".staging"));
    await expect(store.put(Readable.from([Buffer.from("x")]))).rejects.toThrow(UnsafePathError);
    expect(await readdir(outside)).toEqual([]);
  });

  it("serves a root reached through a symlink (e.g. /tmp → /private/tmp)", async () => {
    const real = path.join(work, "real-root");
    await mkdir(real);
    await symlink(real, path.join(work, "link-root"));
    const linked = new LocalArtifactStore({ root: path.join(work, "link-root") });
    const { sha256 } = await linked.put(Readable.from([Buffer.from("via link")]));
    expect((await collect(await linked.openRead(sha256))).toString()).toBe("via link");
  });

  it("reports a directory where a blob should be as absent", async () => {
    const hex = sha256Hex(Buffer.from("dir"));
    await mkdir(path.join(root, "sha256", hex.slice(0, 2), hex), { recursive: true });
    expect(await store.stat(hex)).toBeNull();
    await expect(store.openRead(hex)).rejects.toThrow(/does not exist/);
  });

  it("can delete a read-only blob and commit it again", async () => {
    const { sha256 } = await store.put(Readable.from([Buffer.from("ro")]));
    await chmod(path.join(root, "sha256", sha256.slice(0, 2)), 0o755);
    await store.delete(sha256);
    expect(await store.has(sha256)).toBe(false);
    expect((await store.put(Readable.from([Buffer.from("ro")]))).created).toBe(true);
  });

  it("describes itself", () => {
    expect(store.describe()).toContain("local filesystem");
    expect(store.kind).toBe("local");
  });
});
