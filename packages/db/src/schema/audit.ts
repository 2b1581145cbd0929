import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const actorType = pgEnum("actor_type", ["user", "token", "system"]);

/**
 * The tamper-evident audit trail. Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE);
 * `seq` is assigned under a transaction-scoped advisory lock, and
 * `hash = sha256(prev_hash || canonicalJson(event))` chains every row to the one before.
 * No foreign keys: the trail outlives what it describes.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique("audit_events_id_key"),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date", precision: 3 }).notNull(),
    actorType: actorType("actor_type").notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    projectId: text("project_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    requestId: text("request_id").notNull(),
    ip: text("ip"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_events_project_idx").on(t.projectId, t.seq),
    index("audit_events_entity_idx").on(t.entityType, t.entityId, t.seq),
    index("audit_events_actor_idx").on(t.actorId, t.seq),
    index("audit_events_action_idx").on(t.action, t.seq),
  ],
);
