import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index";

export type Schema = typeof schema;
type Relations = ExtractTablesWithRelations<Schema>;

/** A Drizzle handle on either driver; services only ever see this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, Relations>;
/** A handle inside `db.transaction(...)`. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, Relations>;
/** Anything a query can run on: the database or an open transaction. */
export type DbOrTx = Db | Tx;

export type Driver = "postgres" | "pglite";

export interface KeelDatabase {
  db: Db;
  driver: Driver;
  /** Runs parameterless, possibly multi-statement SQL (used by migrations and the queue adapter). */
  exec(sql: string): Promise<void>;
  /** Runs one statement with parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
  /** Present on the pglite driver. */
  pglite?: PGlite;
  /** Present on the postgres driver. */
  url?: string;
}

export interface PostgresOptions {
  url: string;
  /** Pool size; defaults to 10. */
  max?: number;
}

/** Connects to a Postgres server with the `postgres` driver. */
export function createPostgresDb(opts: PostgresOptions): KeelDatabase {
  const sql = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => undefined });
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  return {
    db,
    driver: "postgres",
    url: opts.url,
    async exec(text) {
      await sql.unsafe(text);
    },
    async query<T>(text: string, params: unknown[] = []) {
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return { rows: [...rows] as T[] };
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

/**
 * Opens PGlite in `dataDir` (a folder) or in memory when `dataDir` is undefined.
 * Callers that open a folder must hold its lock (see `openEmbeddedDb`).
 */
export async function createPgliteDb(dataDir?: string): Promise<KeelDatabase> {
  const pglite = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    pglite,
    async exec(text) {
      await pglite.exec(text);
    },
    async query<T>(text: string, params: unknown[] = []) {
      const res = await pglite.query<T>(text, params);
      return { rows: res.rows };
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** Rows of a `db.execute(sql…)` result, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
