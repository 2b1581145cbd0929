import { createHash, randomUUID } from "node:crypto";
import type { Stats } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { BlobTooLargeError, InvalidRangeError } from "./errors";
import { safeJoin } from "./keys";
import type { BlobSource, ByteRange, StageOptions, StagedBlob } from "./types";

/** A staged file: bytes received, hashed and fsynced, not yet in place. */
export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
}

const WRITE_BUFFER_BYTES = 1024 * 1024;
const noop = (): void => undefined;

function iteratorOf(source: BlobSource): AsyncIterator<unknown> {
  // A Node stream belongs to the caller: stopping early must pause it, not destroy it (an HTTP
  // server still wants to answer 413 on that socket).
  if (source instanceof Readable) return source.iterator({ destroyOnReturn: false });
  return source[Symbol.asyncIterator]();
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  throw new TypeError("A blob source must yield Uint8Array or string chunks.");
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Resolves with the iterator's next step, or rejects as soon as the signal aborts. */
function nextOrAbort(iterator: AsyncIterator<unknown>, aborted: Promise<never> | undefined): Promise<IteratorResult<unknown>> {
  return aborted ? Promise.race([iterator.next(), aborted]) : iterator.next();
}

/**
 * Streams `source` into a new temp file in `<root>/<subdir>` (0o600, created exclusively; the
 * folder must resolve inside `root`, which must exist) while hashing and
 * counting; fsyncs it. Past `maxBytes`, on abort or on a source error it stops reading at once,
 * removes the temp file and rejects (BlobTooLargeError, the abort reason, the source's error).
 */
export async function writeStagedFile(
  root: string,
  subdir: string,
  source: BlobSource,
  options: StageOptions = {},
): Promise<StagedFile> {
  const { maxBytes, signal } = options;
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    throw new RangeError("maxBytes must be a non-negative integer.");
  }
  signal?.throwIfAborted();
  await mkdir(await safeJoin(root, subdir), { recursive: true });
  const tempPath = await safeJoin(root, subdir, `${randomUUID()}.tmp`);
  const handle = await open(tempPath, "wx", 0o600);

  let onAbort: (() => void) | undefined;
  const aborted = signal
    ? new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("The upload was aborted."));
        signal.addEventListener("abort", onAbort, { once: true });
      })
    : undefined;
  aborted?.catch(noop);

  const iterator = iteratorOf(source);
  const hash = createHash("sha256");
  let size = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let finished = false;
  let ok = false;
  try {
    for (;;) {
      const step = await nextOrAbort(iterator, aborted);
      signal?.throwIfAborted();
      if (step.done === true) {
        finished = true;
        break;
      }
      const bytes = toBytes(step.value);
      size += bytes.length;
      if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(maxBytes);
      hash.update(bytes);
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= WRITE_BUFFER_BYTES) {
        await writeAll(handle, Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes > 0) await writeAll(handle, Buffer.concat(pending, pendingBytes));
    await handle.sync();
    ok = true;
  } finally {
    if (signal && onAbort) signal.removeEventListener("abort", onAbort);
    // Stop reading without waiting: a pending next() on a stalled source must not hold us up.
    if (!finished) void Promise.resolve().then(() => iterator.return?.()).catch(noop);
    await handle.close().catch(noop);
    if (!ok) await rm(tempPath, { force: true });
  }
  return { path: tempPath, sha256: hash.digest("hex"), size };
}

/**
 * Wraps a staged file. `finish` must move the temp file into place (or remove it when the blob
 * already exists) and report whether it created the blob. A failed commit keeps the temp file so
 * that the caller may retry or discard.
 */
export function stagedBlob(file: StagedFile, finish: (file: StagedFile) => Promise<{ created: boolean }>): StagedBlob {
  let committing: Promise<{ created: boolean }> | undefined;
  let discarded = false;
  return {
    sha256: file.sha256,
    size: file.size,
    path: file.path,
    commit() {
      if (discarded) return Promise.reject(new Error("This staged blob was discarded."));
      committing ??= finish(file).catch((err: unknown) => {
        committing = undefined;
        throw err;
      });
      return committing;
    },
    async discard() {
      if (committing) {
        // A commit in flight (or done) owns the temp file; if it fails, the file goes with it.
        await committing.then(noop, () => rm(file.path, { force: true }));
        return;
      }
      discarded = true;
      await rm(file.path, { force: true });
    },
  };
}

/** put = stage + commit; the temp file is removed whatever happens. */
export async function stageAndCommit(staged: StagedBlob): Promise<{ sha256: string; size: number; created: boolean }> {
  try {
    const { created } = await staged.commit();
    return { sha256: staged.sha256, size: staged.size, created };
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

/** Removes entries of `dir` last modified more than `olderThanMs` ago; returns how many. */
export async function sweepDir(dir: string, olderThanMs: number): Promise<number> {
  if (!(Number.isFinite(olderThanMs) && olderThanMs >= 0)) throw new RangeError("olderThanMs must be a non-negative number.");
  const cutoff = Date.now() - olderThanMs;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const entry = path.join(dir, name);
    const info = await lstat(entry).catch(() => null);
    if (!info || info.mtimeMs > cutoff) continue;
    await rm(entry, { force: true, recursive: true });
    removed++;
  }
  return removed;
}

/** Inclusive offsets clamped to the blob; null for an empty result (an empty blob). */
export function normaliseRange(size: number, range: ByteRange | undefined): { start: number; end: number } | null {
  const start = range?.start ?? 0;
  const end = range?.end;
  if (!Number.isSafeInteger(start) || start < 0) throw new InvalidRangeError("The range start must be a non-negative integer.");
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new InvalidRangeError("The range end must be an integer not before its start.");
  }
  if (size === 0 && start === 0) return null;
  if (start >= size) throw new InvalidRangeError();
  return { start, end: Math.min(end ?? size - 1, size - 1) };
}

/** fsync a directory so a rename or link in it survives a crash (best effort: not every platform allows it). */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => null);
  if (!handle) return;
  await handle.sync().catch(noop);
  await handle.close().catch(noop);
}

/** An empty byte stream (what a zero-length blob reads as). */
export function emptyReadable(): Readable {
  return new Readable({
    read() {
      this.push(null);
    },
  });
}

/** The error code of a Node system error, if any. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** fs.stat, or null when nothing is there. */
export async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** Runs tasks one after another per key (in this process), e.g. two commits of the same digest. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(noop, noop);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
