import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { projectRole, projects } from "./projects";
import { modelVersions, registeredModels } from "./registry";
import { users } from "./users";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/** A gate checked automatically when a promotion is requested (see the approvals service). */
export interface ApprovalGateJson {
  metric: string;
  op: ">=" | "<=" | ">" | "<";
  /** Absolute threshold when `relativeTo` is absent. */
  value?: number;
  /** Compare to the metric of the version the alias names now (e.g. production), plus `delta`. */
  relativeTo?: string;
  delta?: number;
}

export const approvalRequestStatus = pgEnum("approval_request_status", ["pending", "approved", "rejected", "withdrawn", "stale"]);
export const approvalDecisionKind = pgEnum("approval_decision_kind", ["approve", "reject"]);

/** Per model: who approves, how many distinct approvals, and the gates checked automatically. */
export const approvalPolicies = pgTable(
  "approval_policies",
  {
    modelId: text("model_id")
      .primaryKey()
      .references(() => registeredModels.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    approverRole: projectRole("approver_role").notNull().default("approver"),
    requiredApprovals: integer("required_approvals").notNull().default(1),
    gates: jsonb("gates").$type<ApprovalGateJson[]>().notNull().default([]),
    requireQualityPass: boolean("require_quality_pass").notNull().default(false),
    requireEvaluation: boolean("require_evaluation").notNull().default(false),
    updatedBy: text("updated_by").references(() => users.id),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [check("approval_policies_required_approvals_check", sql`${t.requiredApprovals} >= 1`)],
);

/**
 * A request to point a protected alias at a version. `evidence` is computed and frozen when the
 * request is made; `productionVersionId` is what the alias named then (stale detection).
 */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    modelId: text("model_id")
      .notNull()
      .references(() => registeredModels.id, { onDelete: "cascade" }),
    versionId: text("version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    alias: text("alias").notNull(),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id),
    justification: text("justification").notNull(),
    status: approvalRequestStatus("status").notNull().default("pending"),
    evidence: jsonb("evidence").$type<Record<string, unknown>>().notNull(),
    productionVersionId: text("production_version_id"),
    requiredApprovals: integer("required_approvals").notNull().default(1),
    approverRole: projectRole("approver_role").notNull().default("approver"),
    createdAt: ts("created_at").notNull().defaultNow(),
    decidedAt: ts("decided_at"),
  },
  (t) => [
    index("approval_requests_project_status_idx").on(t.projectId, t.status, t.createdAt),
    uniqueIndex("approval_requests_one_pending_key").on(t.modelId, t.alias, t.versionId).where(sql`${t.status} = 'pending'`),
  ],
);

/** One approver's decision; a person decides a request once; the requester never (a trigger). */
export const approvalDecisions = pgTable(
  "approval_decisions",
  {
    id: text("id").primaryKey(),
    requestId: text("request_id")
      .notNull()
      .references(() => approvalRequests.id, { onDelete: "cascade" }),
    decidedBy: text("decided_by")
      .notNull()
      .references(() => users.id),
    decision: approvalDecisionKind("decision").notNull(),
    comment: text("comment").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("approval_decisions_request_decider_key").on(t.requestId, t.decidedBy),
    check("approval_decisions_comment_check", sql`length(btrim(${t.comment})) > 0`),
  ],
);

/** In-app notifications (approvers on a new request, requesters on a decision). */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    projectId: text("project_id").references(() => projects.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    link: text("link"),
    readAt: ts("read_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt)],
);
