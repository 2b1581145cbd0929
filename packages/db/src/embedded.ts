import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { createPgliteDb, type KeelDatabase } from "./client";

export interface EmbeddedLockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Where the owning process answers admin requests (a Unix socket), if it does. */
  adminSocket?: string;
}

export class EmbeddedLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: EmbeddedLockInfo,
  ) {
    super(
      `Keel's data folder ${dataDir} is already in use by another Keel process (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}). ` +
        `Only one process may open an embedded database: stop that one first, or set KEEL_DATA_DIR to another folder, or DATABASE_URL to a Postgres server.`,
    );
    this.name = "EmbeddedLockedError";
  }
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, "keel.lock");
}

export function pgdataPath(dataDir: string): string {
  return path.join(dataDir, "pgdata");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reads the lock file; returns the holder when a live process holds it, else undefined. */
export function readEmbeddedLock(dataDir: string): EmbeddedLockInfo | undefined {
  let raw: string;
  try {
    raw = readFileSync(lockPath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const info = JSON.parse(raw) as EmbeddedLockInfo;
    if (typeof info.pid === "number" && info.hostname === hostname() && isAlive(info.pid)) return info;
    if (typeof info.pid === "number" && info.hostname !== hostname()) return info;
  } catch {
    // A half-written lock file from a crash: treat as stale.
  }
  return undefined;
}

export interface EmbeddedLock {
  readonly path: string;
  /** Records the admin socket path in the lock file so the CLI can find the running Keel. */
  setAdminSocket(socketPath: string): void;
  release(): void;
}

/**
 * Takes the folder's lock (an exclusive-create lock file with our pid). A lock left by a dead
 * process on this host is taken over; a live holder makes this throw EmbeddedLockedError.
 */
export function acquireEmbeddedLock(dataDir: string): EmbeddedLock {
  mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  const info: EmbeddedLockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(file, "utf8")) as EmbeddedLockInfo;
          if (current.pid === process.pid) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return {
        path: file,
        setAdminSocket(socketPath) {
          info.adminSocket = socketPath;
          const tmp = `${file}.${process.pid}.tmp`;
          const fd2 = openSync(tmp, "w", 0o600);
          writeSync(fd2, JSON.stringify(info));
          closeSync(fd2);
          // rename is atomic: readers see the old or the new content, never half of it
          renameSync(tmp, file);
        },
        release,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readEmbeddedLock(dataDir);
      if (holder) throw new EmbeddedLockedError(dataDir, holder);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${file}: it keeps reappearing`);
}

/** Opens the embedded database in `dataDir`, holding its lock until `close()`. */
export async function openEmbeddedDb(dataDir: string): Promise<KeelDatabase & { lock: EmbeddedLock }> {
  const lock = acquireEmbeddedLock(dataDir);
  try {
    const kdb = await createPgliteDb(pgdataPath(dataDir));
    return {
      ...kdb,
      lock,
      async close() {
        await kdb.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
