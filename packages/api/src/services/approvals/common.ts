/** Lookups and row → DTO mapping shared by the approval services. */
import { and, asc, eq, inArray, newId, schema, type DbOrTx } from "@keel/db";
import type { ProjectRole } from "@keel/auth";
import { KeelError } from "../../errors";
import { ZApprovalEvidence, ZApprovalGate, type ApprovalPolicy, type ApprovalRequest } from "../../schemas/approvals";
import { actorRef, userNames } from "../datasets/common";
import { iso } from "../dto";
import type { ModelRow } from "../registry/index";

export type RequestRow = typeof schema.approvalRequests.$inferSelect;
export type PolicyRow = typeof schema.approvalPolicies.$inferSelect;

/** The policy a model follows: its row, or the default (one approval by an approver, no gates). */
export interface EffectivePolicy {
  approverRole: ProjectRole;
  requiredApprovals: number;
  gates: ApprovalPolicy["gates"];
  requireQualityPass: boolean;
  requireEvaluation: boolean;
  row: PolicyRow | null;
}

export async function effectivePolicy(db: DbOrTx, model: ModelRow): Promise<EffectivePolicy> {
  const [row] = await db.select().from(schema.approvalPolicies).where(eq(schema.approvalPolicies.modelId, model.id));
  if (!row) return { approverRole: "approver", requiredApprovals: 1, gates: [], requireQualityPass: false, requireEvaluation: false, row: null };
  return {
    approverRole: row.approverRole,
    requiredApprovals: row.requiredApprovals,
    gates: row.gates.map((g) => ZApprovalGate.parse(g)),
    requireQualityPass: row.requireQualityPass,
    requireEvaluation: row.requireEvaluation,
    row,
  };
}

export function toPolicy(model: ModelRow, p: EffectivePolicy): ApprovalPolicy {
  return {
    model: model.name,
    approverRole: p.approverRole,
    requiredApprovals: p.requiredApprovals,
    gates: p.gates,
    requireQualityPass: p.requireQualityPass,
    requireEvaluation: p.requireEvaluation,
    custom: p.row !== null,
    updatedAt: p.row ? iso(p.row.updatedAt) : null,
  };
}

/** A request of the project by id; `forUpdate` locks its row (decisions serialise on it). */
export async function findRequest(db: DbOrTx, projectId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<RequestRow> {
  const q = db
    .select()
    .from(schema.approvalRequests)
    .where(and(eq(schema.approvalRequests.projectId, projectId), eq(schema.approvalRequests.id, id)))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) throw new KeelError("NOT_FOUND", `No approval request ${id} in this project.`, [{ path: "request", message: "not found" }]);
  return row;
}

/**
 * Locks a request for a change, in the one lock order every path uses: the model's row (alias
 * moves and new requests take it too), then the request's row, then (in writeAuditEvent) the
 * audit chain. Returns the row as it is under the locks.
 */
export async function lockRequest(tx: DbOrTx, projectId: string, id: string): Promise<RequestRow> {
  const first = await findRequest(tx, projectId, id);
  await tx.select({ id: schema.registeredModels.id }).from(schema.registeredModels).where(eq(schema.registeredModels.id, first.modelId)).for("update");
  return findRequest(tx, projectId, id, { forUpdate: true });
}

/** The version id an alias of a model names now (null when unset). */
export async function currentAliasVersionId(db: DbOrTx, modelId: string, alias: string): Promise<string | null> {
  const [row] = await db
    .select({ versionId: schema.modelAliases.versionId })
    .from(schema.modelAliases)
    .where(and(eq(schema.modelAliases.modelId, modelId), eq(schema.modelAliases.alias, alias)));
  return row?.versionId ?? null;
}

export async function toRequests(db: DbOrTx, rows: RequestRow[]): Promise<ApprovalRequest[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [decisions, models, versions, projects] = await Promise.all([
    db.select().from(schema.approvalDecisions).where(inArray(schema.approvalDecisions.requestId, ids)).orderBy(asc(schema.approvalDecisions.at), asc(schema.approvalDecisions.id)),
    db.select({ id: schema.registeredModels.id, name: schema.registeredModels.name }).from(schema.registeredModels).where(inArray(schema.registeredModels.id, [...new Set(rows.map((r) => r.modelId))])),
    db.select({ id: schema.modelVersions.id, version: schema.modelVersions.version }).from(schema.modelVersions).where(inArray(schema.modelVersions.id, [...new Set(rows.map((r) => r.versionId))])),
    db.select({ id: schema.projects.id, slug: schema.projects.slug }).from(schema.projects).where(inArray(schema.projects.id, [...new Set(rows.map((r) => r.projectId))])),
  ]);
  const names = await userNames(db, [...rows.map((r) => r.requestedBy), ...decisions.map((d) => d.decidedBy)]);
  const modelName = new Map(models.map((m) => [m.id, m.name]));
  const versionNo = new Map(versions.map((v) => [v.id, v.version]));
  const slug = new Map(projects.map((p) => [p.id, p.slug]));
  return rows.map((r) => {
    const mine = decisions.filter((d) => d.requestId === r.id);
    return {
      id: r.id,
      project: slug.get(r.projectId) ?? "",
      model: modelName.get(r.modelId) ?? "",
      version: versionNo.get(r.versionId) ?? 0,
      target: r.alias,
      status: r.status,
      requestedBy: actorRef(r.requestedBy, names),
      justification: r.justification,
      approverRole: r.approverRole,
      requiredApprovals: r.requiredApprovals,
      approvals: mine.filter((d) => d.decision === "approve").length,
      evidence: ZApprovalEvidence.parse(r.evidence),
      decisions: mine.map((d) => ({ decidedBy: actorRef(d.decidedBy, names), decision: d.decision, comment: d.comment, at: iso(d.at) })),
      createdAt: iso(r.createdAt),
      decidedAt: iso(r.decidedAt),
    };
  });
}

/** Queues in-app notifications inside the caller's transaction. */
export async function notify(
  tx: DbOrTx,
  userIds: string[],
  n: { projectId: string | null; kind: string; title: string; body: string; link: string | null },
): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await tx.insert(schema.notifications).values(unique.map((userId) => ({ id: newId("notification"), userId, ...n })));
}

/** Users holding `role` in the project (the approvers a request notifies). */
export async function usersWithRole(db: DbOrTx, projectId: string, role: ProjectRole): Promise<string[]> {
  const rows = await db
    .select({ userId: schema.memberships.userId })
    .from(schema.memberships)
    .where(and(eq(schema.memberships.projectId, projectId), eq(schema.memberships.role, role)));
  return rows.map((r) => r.userId);
}

export function requestLink(projectSlug: string, id: string): string {
  return `/${projectSlug}/approvals/${id}`;
}
