/** The approval workflow: per-model policies, promotion requests with frozen evidence, decisions, notifications. */
import { z } from "zod";
import { ZIsoDate, ZProjectRole, ZProjectSlug } from "./common";
import { ZAliasName, ZModelInput, ZModelName, ZVersionNumber } from "./registry";

export const ZApprovalRequestId = z.string().trim().regex(/^apr_[0-9a-z]{26}$/, "is not an approval request id (apr_…)");
export const ZNotificationId = z.string().trim().regex(/^ntf_[0-9a-z]{26}$/, "is not a notification id (ntf_…)");

const ZMetricKey = z.string().trim().min(1, "is required").max(200, "must be at most 200 characters");

/**
 * A metric gate: `metric op value` (absolute) or `metric op current(relativeTo) + delta` (relative
 * to the version an alias names when the request is made, e.g. production − 0.01).
 */
export const ZApprovalGate = z
  .object({
    metric: ZMetricKey,
    op: z.enum([">=", "<=", ">", "<"]),
    value: z.number().finite().optional(),
    relativeTo: ZAliasName.optional(),
    delta: z.number().finite().optional(),
  })
  .refine((g) => (g.value === undefined) !== (g.relativeTo === undefined), { message: "give either value (absolute) or relativeTo (an alias), not both", path: ["value"] });
export type ApprovalGate = z.infer<typeof ZApprovalGate>;

export const ZApprovalPolicy = z.object({
  model: z.string(),
  approverRole: ZProjectRole,
  requiredApprovals: z.number().int(),
  gates: z.array(ZApprovalGate),
  requireQualityPass: z.boolean(),
  requireEvaluation: z.boolean(),
  /** False while the model uses the default policy (no row yet). */
  custom: z.boolean(),
  updatedAt: ZIsoDate.nullable(),
});
export type ApprovalPolicy = z.infer<typeof ZApprovalPolicy>;

export const ZSetApprovalPolicyInput = ZModelInput.extend({
  approverRole: ZProjectRole.default("approver"),
  requiredApprovals: z.coerce.number().int("must be a whole number").min(1, "must be 1 or more").max(10, "must be at most 10").default(1),
  gates: z.array(ZApprovalGate).max(20, "at most 20 gates").default([]),
  requireQualityPass: z.boolean().default(false),
  requireEvaluation: z.boolean().default(false),
});
export type SetApprovalPolicyInput = z.input<typeof ZSetApprovalPolicyInput>;

const ZText = z.string().trim().min(1, "is required").max(5000, "must be at most 5,000 characters");

/** `target`: the protected alias the version should take (API.md: `{target:"production", justification}`). */
export const ZRequestPromotionInput = ZModelInput.extend({ version: ZVersionNumber, target: ZAliasName, justification: ZText });
export type RequestPromotionInput = z.input<typeof ZRequestPromotionInput>;

export const ZApprovalRequestInput = z.object({ project: ZProjectSlug, request: ZApprovalRequestId });
export type ApprovalRequestInput = z.input<typeof ZApprovalRequestInput>;

export const ZDecideInput = ZApprovalRequestInput.extend({ decision: z.enum(["approve", "reject"]), comment: ZText });
export type DecideInput = z.input<typeof ZDecideInput>;

export const ZListApprovalRequestsInput = z.object({
  project: ZProjectSlug,
  status: z.enum(["pending", "approved", "rejected", "withdrawn", "stale"]).optional(),
  model: ZModelName.optional(),
});
export type ListApprovalRequestsInput = z.input<typeof ZListApprovalRequestsInput>;

export const ZMarkReadInput = z.object({ ids: z.array(ZNotificationId).max(500, "at most 500 ids").optional(), all: z.boolean().default(false) });
export type MarkReadInput = z.input<typeof ZMarkReadInput>;

/** `unreadOnly`: a boolean from tRPC, or "true"/"false" from a REST query string. */
export const ZListNotificationsInput = z.object({
  unreadOnly: z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean()).optional(),
});
export type ListNotificationsInput = z.input<typeof ZListNotificationsInput>;

const ZUserRef = z.object({ id: z.string(), name: z.string() }).nullable();

/** The evidence frozen into a request when it is made: what the approver and later the auditor see. */
export const ZApprovalEvidence = z.object({
  candidate: z.object({ version: z.number().int(), versionId: z.string(), runId: z.string() }),
  /** The version the alias named when the request was made (null: the alias was unset). */
  current: z.object({ version: z.number().int(), versionId: z.string(), runId: z.string() }).nullable(),
  metrics: z.array(z.object({ name: z.string(), candidate: z.number().nullable(), current: z.number().nullable(), delta: z.number().nullable() })),
  gates: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(["metric", "quality", "evaluation"]),
      passed: z.boolean(),
      actual: z.number().nullable(),
      threshold: z.number().nullable(),
      detail: z.string(),
    }),
  ),
  gatesPassed: z.boolean(),
  paramsDiff: z.array(z.object({ key: z.string(), candidate: z.string().nullable(), current: z.string().nullable() })),
  dataset: z.object({
    candidate: z.object({ datasetVersionId: z.string(), dataset: z.string(), version: z.number().int(), sha256: z.string(), qualityStatus: z.string() }).nullable(),
    current: z.object({ datasetVersionId: z.string(), dataset: z.string(), version: z.number().int(), sha256: z.string(), qualityStatus: z.string() }).nullable(),
  }),
  evaluationPresent: z.boolean(),
  modelCard: z.object({ intendedUse: z.string(), limitations: z.string(), ethicalConsiderations: z.string() }),
});
export type ApprovalEvidence = z.infer<typeof ZApprovalEvidence>;

export const ZApprovalDecision = z.object({ decidedBy: ZUserRef, decision: z.enum(["approve", "reject"]), comment: z.string(), at: ZIsoDate });
export type ApprovalDecision = z.infer<typeof ZApprovalDecision>;

export const ZApprovalRequest = z.object({
  id: z.string(),
  project: z.string(),
  model: z.string(),
  version: z.number().int(),
  /** The protected alias the request would move. */
  target: z.string(),
  status: z.enum(["pending", "approved", "rejected", "withdrawn", "stale"]),
  requestedBy: ZUserRef,
  justification: z.string(),
  approverRole: ZProjectRole,
  requiredApprovals: z.number().int(),
  approvals: z.number().int(),
  evidence: ZApprovalEvidence,
  decisions: z.array(ZApprovalDecision),
  createdAt: ZIsoDate,
  decidedAt: ZIsoDate.nullable(),
});
export type ApprovalRequest = z.infer<typeof ZApprovalRequest>;

export const ZNotification = z.object({
  id: z.string(),
  project: z.string().nullable(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  readAt: ZIsoDate.nullable(),
  createdAt: ZIsoDate,
});
export type Notification = z.infer<typeof ZNotification>;
