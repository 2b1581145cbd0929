import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { z } from "zod";
import { can } from "@keel/auth";
import { rowsOf, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../context";
import { describeDetails, KeelError, zodDetails, type ErrorDetail } from "../errors";
import { writeAuditEvent } from "../services/audit";
import { JOB_DEFINITIONS, JOB_TYPES, ZJobType, type JobPayload, type JobType } from "./definitions";
import { drizzleQueueDb, QUEUE_SCHEMA } from "./queue";

export const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;
export const ZJobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof ZJobState>;

export const ZEnqueueJobInput = z.object({
  type: ZJobType,
  /** Checked against the type's own payload schema by the service. */
  payload: z.unknown().optional(),
});
export type EnqueueJobInput = { type: string; payload?: unknown };

export const ZJob = z.object({
  id: z.string(),
  type: ZJobType,
  state: ZJobState,
  data: z.unknown(),
  /** What the handler returned, or the error it failed with. */
  output: z.unknown(),
  retryCount: z.number().int(),
  retryLimit: z.number().int(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
});
export type Job = z.infer<typeof ZJob>;

/**
 * A pg-boss that is never started and has no connection of its own: it only builds pg-boss's
 * statements, and every call on it passes `{ db }` (an open transaction).
 */
let statementBuilder: PgBoss | undefined;
function jobStatements(): PgBoss {
  statementBuilder ??= new PgBoss({
    schema: QUEUE_SCHEMA,
    supervise: false,
    schedule: false,
    migrate: false,
    db: {
      executeSql: () => Promise.reject(new Error("pg-boss statement builder: pass { db } to every call")),
    },
  });
  return statementBuilder;
}

async function assertQueueInstalled(tx: DbOrTx, type: JobType): Promise<void> {
  const [installed] = rowsOf<Record<string, unknown>>(await tx.execute(sql`select to_regclass(${`${QUEUE_SCHEMA}.queue`}) is not null as "installed"`));
  if (installed?.installed !== true) {
    throw new KeelError(
      "INTERNAL_SERVER_ERROR",
      "The job queue is not installed in this database yet: start Keel (`npm start`) or a worker (`npm start -w @keel/worker`) once, then try again.",
    );
  }
  const queues = rowsOf<Record<string, unknown>>(await tx.execute(sql`select 1 from ${sql.raw(QUEUE_SCHEMA)}.queue where name = ${type}`));
  if (queues.length === 0) {
    throw new KeelError(
      "INTERNAL_SERVER_ERROR",
      `The queue for "${type}" jobs does not exist yet: it is created when a worker of this Keel version starts. Start one, then try again.`,
    );
  }
}

/**
 * Adds a job inside the caller's transaction, so the job exists if and only if the transaction
 * commits (use it for "write rows + start work" in one step). Returns the job id (a uuid).
 *
 * Why `insert` and not `send`: pg-boss's `send` statement repeats placeholders ($5, $7), which
 * cannot go through drizzle's parameter numbering unchanged (see `toDrizzleSql`); `insert` uses each
 * once. It takes the queue's retry and expiry settings the same way, and it returns nothing, so the
 * row is read back in the same transaction to prove it is there.
 */
export async function insertJobInTransaction<T extends JobType>(
  tx: DbOrTx,
  type: T,
  payload: JobPayload<T>,
  opts: { id?: string } = {},
): Promise<string> {
  await assertQueueInstalled(tx, type);
  const id = opts.id ?? randomUUID();
  await jobStatements().insert([{ id, name: type, data: payload }], { db: drizzleQueueDb(tx) });
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`select id from ${sql.raw(QUEUE_SCHEMA)}.job where name = ${type} and id = ${id}::uuid`),
  );
  if (rows.length !== 1) throw new Error(`Job ${id} (${type}) was not added to its queue`);
  return id;
}

function badRequest(details: ErrorDetail[]): KeelError {
  return new KeelError("BAD_REQUEST", describeDetails(details), details);
}

/** Checks a payload against its type's schema; the error names the field (`payload.sleepMs: …`). */
export function parseJobPayload<T extends JobType>(type: T, payload: unknown): JobPayload<T> {
  const schema: z.ZodType = JOB_DEFINITIONS[type].payload;
  const parsed = schema.safeParse(payload ?? {});
  // TS cannot narrow the union of schemas by a generic key; JobPayload<T> is this very schema's output
  if (parsed.success) return parsed.data as JobPayload<T>;
  throw badRequest(zodDetails(parsed.error).map((d) => ({ path: d.path ? `payload.${d.path}` : "payload", message: d.message })));
}

export interface EnqueuedJob {
  id: string;
  type: JobType;
  payload: unknown;
}

/**
 * Puts a job on the queue (admins only; permission `system.job.create`). The job and its audit
 * event are written in one transaction: there is never one without the other.
 */
export async function enqueueJob(ctx: ServiceContext, input: EnqueueJobInput): Promise<EnqueuedJob> {
  const actor = ctx.actor;
  if (actor === null) {
    throw new KeelError("UNAUTHORIZED", "Sign in to enqueue a job.", [], "authentication");
  }
  const principal = { authenticated: true, isAdmin: actor.type === "user" && actor.isAdmin };
  if (!can(principal, "system.job.create")) {
    throw new KeelError("FORBIDDEN", "Only an administrator can enqueue a job.", [], "permission");
  }
  const typeResult = ZJobType.safeParse(input.type);
  if (!typeResult.success) {
    throw badRequest([{ path: "type", message: `Unknown job type "${String(input.type)}": expected one of ${JOB_TYPES.join(", ")}` }]);
  }
  const type = typeResult.data;
  const payload = parseJobPayload(type, input.payload);
  const id = await ctx.db.transaction(async (tx) => {
    const jobId = await insertJobInTransaction(tx, type, payload);
    await writeAuditEvent(tx, ctx, {
      action: "system.job.create",
      entityType: "job",
      entityId: jobId,
      after: { type, payload },
    });
    return jobId;
  });
  return { id, type, payload };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ZJobRow = z.object({
  id: z.string(),
  name: ZJobType,
  state: ZJobState,
  data: z.unknown(),
  output: z.unknown(),
  retry_count: z.coerce.number(),
  retry_limit: z.coerce.number(),
  created_ms: z.coerce.number(),
  started_ms: z.coerce.number().nullable(),
  completed_ms: z.coerce.number().nullable(),
});

/**
 * A job's state and output, from the live table or, once archived, the archive; null when no job of
 * a Keel type has this id (or the queue is not installed).
 */
export async function getJob(db: DbOrTx, id: string): Promise<Job | null> {
  if (!UUID.test(id)) return null;
  const [installed] = rowsOf<Record<string, unknown>>(await db.execute(sql`select to_regclass(${`${QUEUE_SCHEMA}.job`}) is not null as "installed"`));
  if (installed?.installed !== true) return null;
  const names = sql.join(
    JOB_TYPES.map((t) => sql`${t}`),
    sql`, `,
  );
  const columns = sql`id::text as "id", name, state::text as "state", data, output, retry_count, retry_limit,
    (extract(epoch from created_on) * 1000)::float8 as created_ms,
    (extract(epoch from started_on) * 1000)::float8 as started_ms,
    (extract(epoch from completed_on) * 1000)::float8 as completed_ms`;
  const schemaName = sql.raw(QUEUE_SCHEMA);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${columns} from ${schemaName}.job where name in (${names}) and id = ${id}::uuid
      union all
      select ${columns} from ${schemaName}.archive where name in (${names}) and id = ${id}::uuid
      limit 1`),
  );
  const row = rows[0];
  if (!row) return null;
  const r = ZJobRow.parse(row);
  return {
    id: r.id,
    type: r.name,
    state: r.state,
    data: r.data,
    output: r.output,
    retryCount: r.retry_count,
    retryLimit: r.retry_limit,
    createdAt: new Date(r.created_ms),
    startedAt: r.started_ms === null ? null : new Date(r.started_ms),
    completedAt: r.completed_ms === null ? null : new Date(r.completed_ms),
  };
}
