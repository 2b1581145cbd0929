import { type FileHandle, chmod, link, mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { ArtifactNotFoundError } from "./errors";
import { blobSegments, safeJoin } from "./keys";
import {
  type StagedFile,
  emptyReadable,
  errnoCode,
  fsyncDir,
  isMissing,
  normaliseRange,
  stageAndCommit,
  statOrNull,
  stagedBlob,
  sweepDir,
  writeStagedFile,
} from "./staging";
import type { ArtifactStore, BlobSource, ByteRange, PutResult, StageOptions, StagedBlob } from "./types";

const STAGING = ".staging";

/** Errors from link(2) on filesystems without hard links: fall back to rename(2). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

/**
 * Content-addressed blobs on the local filesystem:
 *   <root>/sha256/<ab>/<64 hex>   read-only (0o444) blobs
 *   <root>/.staging/<uuid>.tmp    uploads in progress (same filesystem, so moves are atomic)
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly kind = "local" as const;
  readonly root: string;
  readonly stagingDir: string;
  private rootReady: Promise<void> | undefined;

  constructor(options: { root: string }) {
    this.root = path.resolve(options.root);
    this.stagingDir = path.join(this.root, STAGING);
  }

  describe(): string {
    return `local filesystem (${this.root})`;
  }

  private ensureRoot(): Promise<void> {
    this.rootReady ??= mkdir(this.root, { recursive: true }).then(
      () => undefined,
      (err: unknown) => {
        this.rootReady = undefined;
        throw err;
      },
    );
    return this.rootReady;
  }

  /** Validates the key (before touching anything) and returns the blob's checked path. */
  private async blobPath(sha256: string): Promise<string> {
    const segments = blobSegments(sha256);
    await this.ensureRoot();
    return safeJoin(this.root, ...segments);
  }

  async stage(source: BlobSource, options?: StageOptions): Promise<StagedBlob> {
    await this.ensureRoot();
    const file = await writeStagedFile(this.root, STAGING, source, options);
    return stagedBlob(file, (f) => this.place(f));
  }

  async put(source: BlobSource, options?: StageOptions): Promise<PutResult> {
    return stageAndCommit(await this.stage(source, options));
  }

  /**
   * Moves a staged file into place: read-only, then link(2) to the final name, which fails with
   * EEXIST instead of overwriting, so of two concurrent commits of the same bytes one creates
   * the blob and the other finds it; either way the temp name is removed afterwards.
   */
  private async place(file: StagedFile): Promise<{ created: boolean }> {
    const [top, fanout, hex] = blobSegments(file.sha256);
    await this.ensureRoot();
    const dir = await safeJoin(this.root, top, fanout);
    await mkdir(dir, { recursive: true });
    const dest = await safeJoin(this.root, top, fanout, hex);

    const existing = await statOrNull(dest);
    if (existing?.isFile() && existing.size === file.size) {
      await rm(file.path, { force: true });
      return { created: false };
    }
    await chmod(file.path, 0o444);
    if (existing) {
      // A damaged copy (wrong size): replace it atomically with the verified bytes.
      await rename(file.path, dest);
      await fsyncDir(dir);
      return { created: true };
    }
    try {
      await link(file.path, dest);
    } catch (err) {
      const code = errnoCode(err);
      if (code === "EEXIST") {
        await rm(file.path, { force: true });
        return { created: false };
      }
      if (code === undefined || !NO_HARD_LINKS.has(code)) throw err;
      await rename(file.path, dest);
      await fsyncDir(dir);
      return { created: true };
    }
    await rm(file.path, { force: true });
    await fsyncDir(dir);
    return { created: true };
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    const info = await statOrNull(await this.blobPath(sha256));
    return info?.isFile() ? { size: info.size } : null;
  }

  async openRead(sha256: string, range?: ByteRange): Promise<Readable> {
    const file = await this.blobPath(sha256);
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (err) {
      if (isMissing(err)) throw new ArtifactNotFoundError();
      throw err;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ArtifactNotFoundError();
      const span = normaliseRange(info.size, range);
      if (span === null) {
        await handle.close();
        return emptyReadable();
      }
      return handle.createReadStream({ start: span.start, end: span.end });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async localPath(sha256: string): Promise<string> {
    const file = await this.blobPath(sha256);
    const info = await statOrNull(file);
    if (!info?.isFile()) throw new ArtifactNotFoundError();
    return file;
  }

  async delete(sha256: string): Promise<void> {
    const file = await this.blobPath(sha256);
    await rm(file, { force: true });
  }

  async sweepStaging(olderThanMs: number): Promise<number> {
    return sweepDir(this.stagingDir, olderThanMs);
  }
}
