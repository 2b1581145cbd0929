import { createHash } from "node:crypto";
import canonicalizeJson from "canonicalize";
import { asc, desc, gt, newId, schema, sql, type Db, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../context";
import { KeelError } from "../errors";

/** The key of the transaction-scoped advisory lock that serialises the audit chain. */
export const AUDIT_CHAIN_LOCK_KEY = 4_242_001;
/** `prev_hash` of the first event. */
export const GENESIS_HASH = "0".repeat(64);

export interface AuditEventInput {
  /** `domain.entity.verb`, e.g. `project.member.add`. */
  action: string;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** The fields covered by the hash, exactly as they are stored. */
export interface HashedAuditFields {
  seq: number;
  id: string;
  occurredAt: string;
  actorType: "user" | "token" | "system";
  actorId: string;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  projectId: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
  ip: string | null;
}

/** RFC 8785 canonical JSON (sorted keys, normalised numbers), so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  return canonicalizeJson(value) ?? "null";
}

export function computeAuditHash(prevHash: string, fields: HashedAuditFields): string {
  return createHash("sha256").update(prevHash).update(canonicalJson(fields)).digest("hex");
}

/** Drops what JSON (and jsonb) cannot hold, so what is hashed equals what is read back. */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Appends one event to the audit chain. Call it inside the transaction of the mutation it
 * records: the advisory lock is held until that transaction ends, so the head read here
 * cannot change under us, and a rollback takes the event with it.
 */
export async function writeAuditEvent(
  tx: DbOrTx,
  ctx: Pick<ServiceContext, "actor" | "requestId" | "ip">,
  event: AuditEventInput,
): Promise<HashedAuditFields & { hash: string; prevHash: string }> {
  const actor = ctx.actor;
  if (!actor) throw new KeelError("UNAUTHORIZED", "An anonymous caller cannot change anything: sign in first.");
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
  const [head] = await tx
    .select({ seq: schema.auditEvents.seq, hash: schema.auditEvents.hash })
    .from(schema.auditEvents)
    .orderBy(desc(schema.auditEvents.seq))
    .limit(1);
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const occurredAt = new Date();
  const fields: HashedAuditFields = {
    seq,
    id: newId("auditEvent"),
    occurredAt: occurredAt.toISOString(),
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    projectId: event.projectId ?? null,
    before: toJsonValue(event.before),
    after: toJsonValue(event.after),
    requestId: ctx.requestId,
    ip: ctx.ip ?? null,
  };
  const hash = computeAuditHash(prevHash, fields);
  await tx.insert(schema.auditEvents).values({ ...fields, occurredAt, prevHash, hash });
  return { ...fields, prevHash, hash };
}

export interface AuditChainReport {
  ok: boolean;
  /** How many events were checked. */
  checked: number;
  /** The first event whose link or hash does not hold. */
  firstBrokenSeq?: number;
  reason?: string;
  headSeq?: number;
  headHash?: string;
}

/** Walks the whole chain in `seq` order and returns the first event that breaks it. */
export async function verifyAuditChain(db: Db, opts: { pageSize?: number } = {}): Promise<AuditChainReport> {
  const pageSize = opts.pageSize ?? 1000;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(schema.auditEvents)
      .where(gt(schema.auditEvents.seq, expectedSeq - 1))
      .orderBy(asc(schema.auditEvents.seq))
      .limit(pageSize);
    for (const row of rows) {
      const broken = (reason: string): AuditChainReport => ({ ok: false, checked, firstBrokenSeq: row.seq, reason });
      if (row.seq !== expectedSeq) return { ok: false, checked, firstBrokenSeq: expectedSeq, reason: `event ${expectedSeq} is missing` };
      if (row.prevHash !== prevHash) return broken("prev_hash does not match the hash of the event before it");
      const fields: HashedAuditFields = {
        seq: row.seq,
        id: row.id,
        occurredAt: row.occurredAt.toISOString(),
        actorType: row.actorType,
        actorId: row.actorId,
        actorName: row.actorName,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        projectId: row.projectId,
        before: row.before ?? null,
        after: row.after ?? null,
        requestId: row.requestId,
        ip: row.ip,
      };
      if (computeAuditHash(prevHash, fields) !== row.hash) return broken("the event's content does not match its hash");
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < pageSize) break;
  }
  return { ok: true, checked, headSeq: checked > 0 ? expectedSeq - 1 : undefined, headHash: checked > 0 ? prevHash : undefined };
}
