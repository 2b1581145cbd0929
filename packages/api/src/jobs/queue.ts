import PgBoss from "pg-boss";
import { rowsOf, sql, type DbOrTx, type KeelDatabase, type SQL } from "@keel/db";
import { JOB_DEFINITIONS, JOB_TYPES, type JobType, type QueueSettings } from "./definitions";

/** The Postgres schema pg-boss keeps its tables in (created by pg-boss itself at first start). */
export const QUEUE_SCHEMA = "pgboss";

export { PgBoss };

/** pg-boss's pluggable database: `executeSql(text, values)` → `{ rows }`. */
export interface QueueDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

type Pglite = NonNullable<KeelDatabase["pglite"]>;

/**
 * pg-boss on PGlite, inside the process that owns it. pg-boss sends parameterless SQL that may hold
 * several statements (its schema install, and maintenance wrapped in `BEGIN; …; COMMIT;`): that goes
 * through `exec` (the simple protocol); parameterised SQL is one statement and goes through `query`.
 * Both take PGlite's transaction mutex, so they never run inside someone else's open transaction.
 */
export function pgliteQueueDb(pglite: Pglite): QueueDb {
  return {
    async executeSql(text, values) {
      if (values === undefined || values.length === 0) {
        try {
          const results = await pglite.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        } catch (err) {
          // A failure between pg-boss's own BEGIN and COMMIT would leave the one connection PGlite
          // has inside an aborted transaction, and every later statement would fail with it.
          if (pglite.isInTransaction()) await pglite.exec("ROLLBACK").catch(() => undefined);
          throw err;
        }
      }
      const res = await pglite.query(text, values);
      return { rows: res.rows };
    },
  };
}

/**
 * Turns pg-boss's `$n` SQL into a drizzle `SQL` with bound parameters, so pg-boss statements can run
 * on a drizzle handle, including inside an open `db.transaction(...)`.
 *
 * drizzle numbers parameters itself, one per occurrence. That is exact only when every `$n` occurs
 * once: a repeated `$n` would become two parameters whose types Postgres infers separately (pg-boss's
 * `send` statement uses `$5` in `right($5, 1)` and in `CAST($5 AS timestamptz)`, for instance).
 * So this refuses statements with a repeated placeholder instead of rewriting them subtly wrong;
 * `boss.insert(...)` (every placeholder once) is the way to add jobs through it.
 */
export function toDrizzleSql(text: string, values: readonly unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const seen = new Set<number>();
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (i % 2 === 0) {
      if (part.length > 0) chunks.push(sql.raw(part));
      continue;
    }
    const n = Number(part);
    if (seen.has(n)) {
      throw new Error(`toDrizzleSql: placeholder $${n} occurs more than once; this statement cannot run through drizzle unchanged`);
    }
    if (n < 1 || n > values.length) throw new Error(`toDrizzleSql: placeholder $${n} has no value (${values.length} given)`);
    seen.add(n);
    // postgres-js refuses `undefined`; pg (pg-boss's own driver) sends it as NULL
    const value = values[n - 1] ?? null;
    chunks.push(sql`${sql.param(value)}`);
  }
  return sql.join(chunks);
}

/** A pg-boss `db` that runs on a drizzle handle or open transaction (see `toDrizzleSql` for the limit). */
export function drizzleQueueDb(db: DbOrTx): QueueDb {
  return {
    async executeSql(text, values) {
      const result: unknown = await db.execute(toDrizzleSql(text, values));
      return { rows: rowsOf(result) };
    },
  };
}

export interface CreateQueueOptions {
  /** Per-type changes to the queue settings of JOB_DEFINITIONS (tests use a short expiry). */
  settings?: Partial<Record<JobType, Partial<QueueSettings>>>;
  /**
   * How often pg-boss's maintenance runs: it fails expired jobs (so they are retried), archives and
   * purges. A killed worker's job is retried between `expireInSeconds` and this much later. Default 30.
   */
  maintenanceIntervalSeconds?: number;
  /** Run maintenance in this process (default true). */
  supervise?: boolean;
  /** pg-boss's cron scheduler (default false: Keel does not schedule jobs yet). */
  schedule?: boolean;
  /** Connection pool size on the postgres driver (default 4). */
  max?: number;
  /** Where pg-boss's background errors go (default: console.error). */
  onError?: (err: Error) => void;
}

/** The settings a job type's queue gets: its definition, changed by `overrides`. */
export function queueSettings(type: JobType, overrides?: CreateQueueOptions["settings"]): QueueSettings {
  const def = JOB_DEFINITIONS[type];
  const o = overrides?.[type] ?? {};
  return {
    retryLimit: o.retryLimit ?? def.retryLimit,
    retryDelay: o.retryDelay ?? def.retryDelay,
    retryBackoff: o.retryBackoff ?? def.retryBackoff,
    expireInSeconds: o.expireInSeconds ?? def.expireInSeconds,
  };
}

/** Creates the queue of one job type, or brings its settings up to date when it exists. */
async function ensureQueue(boss: PgBoss, name: JobType, settings: QueueSettings): Promise<void> {
  const existing = await boss.getQueue(name);
  if (!existing) {
    await boss.createQueue(name, { name, policy: "standard", ...settings });
    return;
  }
  const same =
    existing.retryLimit === settings.retryLimit &&
    existing.retryDelay === settings.retryDelay &&
    existing.retryBackoff === settings.retryBackoff &&
    existing.expireInSeconds === settings.expireInSeconds;
  if (!same) await boss.updateQueue(name, { name, policy: existing.policy ?? "standard", ...settings });
}

/**
 * A started pg-boss on `kdb` (schema `pgboss`, installed or migrated on first start), with a queue
 * for every job type Keel defines. On `postgres` pg-boss opens its own small pool on `kdb.url`; on
 * `pglite` it shares the process's PGlite through `pgliteQueueDb`. The caller stops it
 * (`boss.stop()`); on PGlite, stop it before closing the database.
 */
export async function createQueue(kdb: KeelDatabase, opts: CreateQueueOptions = {}): Promise<PgBoss> {
  const common = {
    schema: QUEUE_SCHEMA,
    supervise: opts.supervise ?? true,
    schedule: opts.schedule ?? false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 30,
  };
  let boss: PgBoss;
  if (kdb.driver === "postgres") {
    if (!kdb.url) throw new Error("createQueue: a postgres KeelDatabase without its url");
    boss = new PgBoss({ ...common, connectionString: kdb.url, max: opts.max ?? 4, application_name: "keel-queue" });
  } else {
    if (!kdb.pglite) throw new Error("createQueue: a pglite KeelDatabase without its PGlite instance");
    boss = new PgBoss({ ...common, db: pgliteQueueDb(kdb.pglite) });
  }
  const onError = opts.onError ?? ((err: Error) => console.error("[keel queue]", err.message));
  // an EventEmitter without an "error" listener throws, which would crash the process
  boss.on("error", onError);
  await boss.start();
  try {
    for (const type of JOB_TYPES) await ensureQueue(boss, type, queueSettings(type, opts.settings));
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw err;
  }
  return boss;
}
