import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createArtifactStore } from "./config";
import { ArtifactIntegrityError } from "./errors";
import { S3ArtifactStore } from "./s3";
import { BUCKET, type S3TestServer, collect, freshDir, listNames, removeDir, sha256Hex, startS3rver } from "./test/helpers";

describe("S3 artifact store against s3rver", () => {
  let server: S3TestServer;
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    server = await startS3rver();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    work = await freshDir("s3-specific");
    dataDir = path.join(work, "data");
  });
  afterEach(() => removeDir(work));

  const storeAt = (url: string) => createArtifactStore({ dataDir, url, s3: server.s3 });

  it("writes objects at <prefix>/sha256/<ab>/<hex> with their digest as metadata", async () => {
    const bytes = Buffer.from("object layout");
    const hex = sha256Hex(bytes);
    await storeAt(`s3://${BUCKET}/team/a/`).put(Readable.from([bytes]));
    const key = `team/a/sha256/${hex.slice(0, 2)}/${hex}`;
    expect(await server.listKeys("team/a/")).toEqual([key]);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.Metadata?.sha256).toBe(hex);
  });

  it("writes at the bucket root when there is no prefix", async () => {
    const bytes = Buffer.from("bucket root");
    const hex = sha256Hex(bytes);
    const store = storeAt(`s3://${BUCKET}`);
    await store.put(Readable.from([bytes]));
    expect(await server.listKeys(`sha256/${hex.slice(0, 2)}/`)).toEqual([`sha256/${hex.slice(0, 2)}/${hex}`]);
    await store.delete(hex);
  });

  it("stages locally under <dataDir>/artifacts/.staging and caches under <dataDir>/artifacts/cache", async () => {
    const store = storeAt(`s3://${BUCKET}/cache-layout`);
    const bytes = Buffer.from("cached");
    const hex = sha256Hex(bytes);
    const staged = await store.stage(Readable.from([bytes]));
    expect(path.dirname(staged.path)).toBe(path.join(dataDir, "artifacts", ".staging"));
    await staged.commit();
    const local = await store.localPath(hex);
    expect(local.endsWith(path.join("artifacts", "cache", "sha256", hex.slice(0, 2), hex))).toBe(true);
    expect((await stat(local)).mode & 0o777).toBe(0o444);
    expect(await readdir(path.join(dataDir, "artifacts", "cache", ".tmp"))).toEqual([]);
  });

  it("verifies downloads: an object whose bytes do not match its key never reaches the cache", async () => {
    const store = storeAt(`s3://${BUCKET}/tampered`);
    const bytes = Buffer.from("original");
    const { sha256 } = await store.put(Readable.from([bytes]));
    await server.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `tampered/sha256/${sha256.slice(0, 2)}/${sha256}`, Body: Buffer.from("evil!!!!") }),
    );
    await expect(store.localPath(sha256)).rejects.toThrow(ArtifactIntegrityError);
    expect(await listNames(path.join(dataDir, "artifacts", "cache", "sha256", sha256.slice(0, 2)))).toEqual([]);
    expect(await listNames(path.join(dataDir, "artifacts", "cache", ".tmp"))).toEqual([]);
  });

  it("replaces an object of the wrong size on commit", async () => {
    const store = storeAt(`s3://${BUCKET}/repair`);
    const bytes = Buffer.from("complete content");
    const hex = sha256Hex(bytes);
    await server.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `repair/sha256/${hex.slice(0, 2)}/${hex}`, Body: Buffer.from("part") }),
    );
    expect((await store.put(Readable.from([bytes]))).created).toBe(true);
    expect((await collect(await store.openRead(hex))).equals(bytes)).toBe(true);
  });

  it("keeps the staged file when the upload fails, so the caller can retry or discard", async () => {
    const store = new S3ArtifactStore({
      client: new S3Client({ ...server.s3, requestChecksumCalculation: "WHEN_REQUIRED" }),
      bucket: "no-such-bucket",
      prefix: "",
      localDir: path.join(dataDir, "artifacts"),
      cacheDir: path.join(dataDir, "artifacts", "cache"),
    });
    const staged = await store.stage(Readable.from([Buffer.from("nowhere to go")]));
    await expect(staged.commit()).rejects.toThrow();
    expect((await readFile(staged.path)).toString()).toBe("nowhere to go");
    await staged.discard();
    expect(await listNames(path.join(dataDir, "artifacts", ".staging"))).toEqual([]);
    await expect(store.put(Readable.from([Buffer.from("again")]))).rejects.toThrow();
    expect(await listNames(path.join(dataDir, "artifacts", ".staging"))).toEqual([]);
  });

  it("sweeps stale temp files in the staging and cache folders", async () => {
    const store = storeAt(`s3://${BUCKET}/sweep`);
    await store.stage(Readable.from([Buffer.from("orphan")]));
    const { sha256 } = await store.put(Readable.from([Buffer.from("kept")]));
    await store.localPath(sha256);
    expect(await store.sweepStaging(0)).toBe(1);
    expect((await readFile(await store.localPath(sha256))).toString()).toBe("kept");
  });

  it("describes itself by bucket, prefix and endpoint origin, never credentials", () => {
    const store = createArtifactStore({
      dataDir,
      url: `s3://${BUCKET}/p`,
      s3: { ...server.s3, endpoint: `http://user:pass@127.0.0.1:9/path` },
    });
    expect(store.describe()).toBe(`s3://${BUCKET}/p at http://127.0.0.1:9`);
    expect(store.kind).toBe("s3");
  });
});
