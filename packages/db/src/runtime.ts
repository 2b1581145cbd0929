import { createPostgresDb, type KeelDatabase } from "./client";
import { dbEnv } from "./env";

/**
 * The process-wide database. In the embedded shape one process owns PGlite and hosts web,
 * worker and serve; the Next.js server code is bundled separately from the launcher, so the
 * handle is shared through globalThis rather than a module variable.
 */
const KEY = Symbol.for("keel.runtimeDb");
type Holder = { [KEY]?: KeelDatabase };

export function setRuntimeDb(kdb: KeelDatabase | undefined): void {
  (globalThis as Holder)[KEY] = kdb;
}

export function hasRuntimeDb(): boolean {
  return (globalThis as Holder)[KEY] !== undefined;
}

/** The database of this process: the one the launcher set, or a pool on DATABASE_URL. */
export function getRuntimeDb(): KeelDatabase {
  const holder = globalThis as Holder;
  const current = holder[KEY];
  if (current) return current;
  const url = dbEnv().DATABASE_URL;
  if (!url) {
    throw new Error(
      "No database: DATABASE_URL is unset and this process does not own the embedded database. Start Keel with `npm start`.",
    );
  }
  const kdb = createPostgresDb({ url });
  holder[KEY] = kdb;
  return kdb;
}
