import { createReadStream } from "node:fs";
import { chmod, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ArtifactIntegrityError, ArtifactNotFoundError } from "./errors";
import { blobSegments, parseSha256Key, safeJoin } from "./keys";
import {
  KeyedMutex,
  type StagedFile,
  emptyReadable,
  fsyncDir,
  normaliseRange,
  stageAndCommit,
  stagedBlob,
  statOrNull,
  sweepDir,
  writeStagedFile,
} from "./staging";
import type { ArtifactStore, BlobSource, ByteRange, PutResult, StageOptions, StagedBlob } from "./types";

export interface S3ArtifactStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix without leading or trailing slash ("" for the bucket root). Already validated. */
  prefix: string;
  /** Local working folder: uploads in progress go to `<localDir>/.staging`. */
  localDir: string;
  /** Local folder for downloaded copies (localPath); temp downloads go to `<cacheDir>/.tmp`. */
  cacheDir: string;
  /** Shown by describe() (origin only). */
  endpoint?: string;
  /** Multipart part size in bytes (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
}

function isNotFound(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  if ("name" in err && (err.name === "NotFound" || err.name === "NoSuchKey")) return true;
  const meta = "$metadata" in err ? err.$metadata : undefined;
  return typeof meta === "object" && meta !== null && "httpStatusCode" in meta && meta.httpStatusCode === 404;
}

/**
 * Content-addressed blobs in an S3-compatible bucket at `<prefix>/sha256/<ab>/<64 hex>`. Uploads
 * are staged locally (hashed and size-checked before anything is sent), then streamed from the
 * temp file with a multipart Upload after a HeadObject check.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly kind = "s3" as const;
  readonly bucket: string;
  readonly prefix: string;
  readonly localDir: string;
  readonly stagingDir: string;
  readonly cacheDir: string;
  private readonly cacheTmpDir: string;
  private readonly client: S3Client;
  private readonly endpoint: string | undefined;
  private readonly partSize: number;
  private readonly commits = new KeyedMutex();
  private readonly downloads = new KeyedMutex();

  constructor(options: S3ArtifactStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.localDir = path.resolve(options.localDir);
    this.stagingDir = path.join(this.localDir, ".staging");
    this.cacheDir = path.resolve(options.cacheDir);
    this.cacheTmpDir = path.join(this.cacheDir, ".tmp");
    this.endpoint = options.endpoint;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
  }

  describe(): string {
    const where = `s3://${this.bucket}/${this.prefix}`;
    if (!this.endpoint) return where;
    let origin: string;
    try {
      origin = new URL(this.endpoint).origin;
    } catch {
      origin = "a custom endpoint";
    }
    return `${where} at ${origin}`;
  }

  /** The object key of a digest; validates it first. */
  objectKey(sha256: string): string {
    const relative = blobSegments(sha256).join("/");
    return this.prefix ? `${this.prefix}/${relative}` : relative;
  }

  private async head(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async stage(source: BlobSource, options?: StageOptions): Promise<StagedBlob> {
    await mkdir(this.localDir, { recursive: true });
    const file = await writeStagedFile(this.localDir, ".staging", source, options);
    return stagedBlob(file, (f) => this.upload(f));
  }

  async put(source: BlobSource, options?: StageOptions): Promise<PutResult> {
    return stageAndCommit(await this.stage(source, options));
  }

  /** One commit per digest at a time in this process, so the second finds the first's object. */
  private upload(file: StagedFile): Promise<{ created: boolean }> {
    const key = this.objectKey(file.sha256);
    return this.commits.run(file.sha256, async () => {
      const existing = await this.head(key);
      if (existing && existing.size === file.size) {
        await rm(file.path, { force: true });
        return { created: false };
      }
      const body = createReadStream(file.path);
      try {
        const upload = new Upload({
          client: this.client,
          params: {
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: "application/octet-stream",
            Metadata: { sha256: file.sha256 },
          },
          partSize: this.partSize,
          queueSize: 4,
        });
        await upload.done();
      } finally {
        body.destroy();
      }
      await rm(file.path, { force: true });
      return { created: true };
    });
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    return this.head(this.objectKey(sha256));
  }

  async openRead(sha256: string, range?: ByteRange): Promise<Readable> {
    const key = this.objectKey(sha256);
    let rangeHeader: string | undefined;
    if (range) {
      const info = await this.head(key);
      if (!info) throw new ArtifactNotFoundError();
      const span = normaliseRange(info.size, range);
      if (span === null) return emptyReadable();
      rangeHeader = `bytes=${span.start}-${span.end}`;
    }
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: rangeHeader }));
      if (out.Body === undefined) return emptyReadable();
      if (out.Body instanceof Readable) return out.Body;
      throw new Error("The S3 client returned a body that is not a Node stream.");
    } catch (err) {
      if (isNotFound(err)) throw new ArtifactNotFoundError();
      throw err;
    }
  }

  /** Downloads the blob once into `<cacheDir>/sha256/<ab>/<hex>` (verified, atomic) and returns that path. */
  async localPath(sha256: string): Promise<string> {
    const [top, fanout, hex] = blobSegments(sha256);
    await mkdir(this.cacheDir, { recursive: true });
    const cached = await safeJoin(this.cacheDir, top, fanout, hex);
    if ((await statOrNull(cached))?.isFile()) return cached;
    return this.downloads.run(hex, async () => {
      if ((await statOrNull(cached))?.isFile()) return cached;
      const body = await this.openRead(hex);
      let file: StagedFile;
      try {
        file = await writeStagedFile(this.cacheDir, ".tmp", body);
      } finally {
        body.destroy();
      }
      try {
        if (file.sha256 !== hex) throw new ArtifactIntegrityError();
        await chmod(file.path, 0o444);
        const dir = await safeJoin(this.cacheDir, top, fanout);
        await mkdir(dir, { recursive: true });
        const dest = await safeJoin(this.cacheDir, top, fanout, hex);
        await rename(file.path, dest);
        await fsyncDir(dir);
        return dest;
      } catch (err) {
        await rm(file.path, { force: true });
        throw err;
      }
    });
  }

  async delete(sha256: string): Promise<void> {
    const key = this.objectKey(sha256);
    const hex = parseSha256Key(sha256);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    await mkdir(this.cacheDir, { recursive: true });
    await rm(await safeJoin(this.cacheDir, "sha256", hex.slice(0, 2), hex), { force: true });
  }

  async sweepStaging(olderThanMs: number): Promise<number> {
    return (await sweepDir(this.stagingDir, olderThanMs)) + (await sweepDir(this.cacheTmpDir, olderThanMs));
  }
}
