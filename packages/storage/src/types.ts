import type { Readable } from "node:stream";

/** Bytes to store: an async iterable of chunks (a web or Node stream, a generator) or a Node readable. */
export type BlobSource = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

export interface StageOptions {
  /** Refuse (BlobTooLargeError) as soon as more than this many bytes arrive. */
  maxBytes?: number;
  /** Aborting stops reading, removes the temp file and rejects. */
  signal?: AbortSignal;
}

/** Inclusive byte offsets, as in HTTP `Range: bytes=start-end` and fs.createReadStream. */
export interface ByteRange {
  start?: number;
  end?: number;
}

export interface PutResult {
  sha256: string;
  size: number;
  /** false when the store already held these bytes. */
  created: boolean;
}

/**
 * Bytes received and hashed, waiting in a local temp file. Read them from `path` (e.g. to parse
 * and validate) until `commit()` or `discard()`. After a failed commit the temp file is kept:
 * retry `commit()` or call `discard()`.
 */
export interface StagedBlob {
  sha256: string;
  size: number;
  path: string;
  commit(): Promise<{ created: boolean }>;
  /** Removes the temp file; idempotent, and a no-op once committed. */
  discard(): Promise<void>;
}

export interface ArtifactStore {
  kind: "local" | "s3";
  /** Where the blobs live, for logs and health pages (never credentials). */
  describe(): string;
  stage(source: BlobSource, options?: StageOptions): Promise<StagedBlob>;
  put(source: BlobSource, options?: StageOptions): Promise<PutResult>;
  has(sha256: string): Promise<boolean>;
  stat(sha256: string): Promise<{ size: number } | null>;
  /** Streams the blob (or an inclusive byte range of it); ArtifactNotFoundError if missing. */
  openRead(sha256: string, range?: ByteRange): Promise<Readable>;
  /** A local file holding the blob, for random access (S3: downloaded once into the cache). */
  localPath(sha256: string): Promise<string>;
  /** Removes the blob; a missing blob is not an error. */
  delete(sha256: string): Promise<void>;
  /** Removes temp files left in the staging folder(s) older than `olderThanMs`; returns how many. */
  sweepStaging(olderThanMs: number): Promise<number>;
}
