import { sql } from "drizzle-orm";
import { bigserial, check, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { deployments } from "./deployments";
import { users } from "./users";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/** `live` rows answered the caller; `shadow` rows are a shadow version's answer, only logged. */
export const predictionMode = pgEnum("prediction_mode", ["live", "shadow"]);

/**
 * The prediction log: one row per predicted input row (per version that predicted it). Written
 * by the prediction server in batches, off the response path. `modelVersionId` has no foreign
 * key (the hot path should not pay for it; versions are never deleted but by a cascade, and the
 * deployment's cascade removes the rows then).
 */
export const predictionLog = pgTable(
  "prediction_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    projectId: text("project_id").notNull(),
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    modelVersionId: text("model_version_id").notNull(),
    modelVersion: integer("model_version").notNull(),
    requestId: text("request_id").notNull(),
    rowIndex: integer("row_index").notNull(),
    mode: predictionMode("mode").notNull(),
    inputs: jsonb("inputs").$type<Record<string, unknown>>().notNull(),
    outputs: jsonb("outputs").$type<{ prediction: unknown; probabilities?: Record<string, number> }>().notNull(),
    latencyMs: doublePrecision("latency_ms").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("prediction_log_deployment_time_idx").on(t.deploymentId, t.createdAt),
    index("prediction_log_request_idx").on(t.requestId, t.rowIndex),
  ],
);

/**
 * Ground truth sent back for a prediction: one row per (deployment, request id, row index).
 * Sending feedback again for the same row replaces `actual` (an upsert; each send is audited).
 */
export const predictionFeedback = pgTable(
  "prediction_feedback",
  {
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    projectId: text("project_id").notNull(),
    requestId: text("request_id").notNull(),
    rowIndex: integer("row_index").notNull(),
    actual: jsonb("actual").$type<unknown>().notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "prediction_feedback_pkey", columns: [t.deploymentId, t.requestId, t.rowIndex] }),
    index("prediction_feedback_deployment_time_idx").on(t.deploymentId, t.updatedAt),
    check("prediction_feedback_row_index_check", sql`${t.rowIndex} >= 0`),
  ],
);
