/**
 * Deciding a promotion request. Every decision takes the request's row lock first, so concurrent
 * decisions run one at a time and see each other: one decision per person, one outcome per
 * request, and the approval that reaches the policy's count moves the alias in the same
 * transaction. The requester never decides (checked here, and by a trigger in the database).
 */
import { and, eq, newId, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { ZApprovalEvidence, ZDecideInput, type ApprovalRequest, type DecideInput } from "../../schemas/approvals";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { isUniqueViolation } from "../dto";
import { moveAlias } from "../registry/index";
import { currentAliasVersionId, lockRequest, notify, requestLink, type RequestRow } from "./common";
import { getApprovalRequest } from "./requests";

async function versionNumberOf(tx: DbOrTx, id: string | null): Promise<number | null> {
  if (!id) return null;
  const [row] = await tx.select({ version: schema.modelVersions.version }).from(schema.modelVersions).where(eq(schema.modelVersions.id, id));
  return row?.version ?? null;
}

/** Marks pending requests stale (inside the caller's transaction), auditing each and telling its requester. */
async function markStale(tx: DbOrTx, ctx: ServiceContext, rows: RequestRow[], slug: string, why: string): Promise<void> {
  for (const row of rows) {
    await tx.update(schema.approvalRequests).set({ status: "stale", decidedAt: new Date() }).where(eq(schema.approvalRequests.id, row.id));
    await writeAuditEvent(tx, ctx, {
      action: "approval.request.stale",
      entityType: "approval_request",
      entityId: row.id,
      projectId: row.projectId,
      before: { status: "pending" },
      after: { status: "stale", reason: why },
    });
    await notify(tx, [row.requestedBy], { projectId: row.projectId, kind: "approval.stale", title: `Your promotion request went stale`, body: why, link: requestLink(slug, row.id) });
  }
}

type Outcome = { kind: "decided" } | { kind: "stale"; message: string };

export async function decide(ctx: ServiceContext, rawInput: DecideInput): Promise<ApprovalRequest> {
  const input = ZDecideInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.decide");
  const me = actorUserId(ctx);
  if (!me) throw new KeelError("BAD_REQUEST", "A decision is made by a person: sign in or use a token created by a user.", [{ path: "decision", message: "needs a user" }]);
  let outcome: Outcome;
  try {
    outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
      const row = await lockRequest(tx, access.project.id, input.request);
      if (row.requestedBy === me) {
        throw new KeelError("FORBIDDEN", "You made this promotion request: someone else must decide it (the requester can never approve or reject their own request).", [
          { path: "request", message: "is your own request" },
        ]);
      }
      if (access.role !== row.approverRole) {
        throw new KeelError("FORBIDDEN", `This request is decided by the '${row.approverRole}' role of the project; your role is '${access.role ?? "none"}'.`, [
          { path: "decision", message: `needs role ${row.approverRole}` },
        ]);
      }
      if (row.status !== "pending") {
        throw new KeelError("CONFLICT", `Request ${row.id} is ${row.status}: only a pending request can be decided.`, [{ path: "request", message: `is ${row.status}` }]);
      }
      const [mine] = await tx
        .select({ decision: schema.approvalDecisions.decision })
        .from(schema.approvalDecisions)
        .where(and(eq(schema.approvalDecisions.requestId, row.id), eq(schema.approvalDecisions.decidedBy, me)));
      if (mine) {
        throw new KeelError("CONFLICT", `You already decided request ${row.id} (${mine.decision}): a person decides a request once.`, [{ path: "decision", message: `already ${mine.decision}d` }]);
      }
      const current = await currentAliasVersionId(tx, row.modelId, row.alias);
      if (current !== row.productionVersionId) {
        const [was, now] = await Promise.all([versionNumberOf(tx, row.productionVersionId), versionNumberOf(tx, current)]);
        const message = `Request ${row.id} is stale: '${row.alias}' named ${was === null ? "no version" : `v${was}`} when it was made and names ${now === null ? "no version" : `v${now}`} now. Make a new request so the evidence compares with what '${row.alias}' is today.`;
        await markStale(tx, ctx, [row], access.project.slug, message);
        return { kind: "stale", message };
      }
      const evidence = ZApprovalEvidence.parse(row.evidence);
      if (input.decision === "approve" && !evidence.gatesPassed) {
        const failing = evidence.gates.filter((g) => !g.passed);
        throw new KeelError("CONFLICT", `Request ${row.id} cannot be approved: its gates failed (${failing.map((g) => `${g.name}: ${g.detail}`).join("; ")}). Reject it, or improve the model and request again.`, [
          ...failing.map((g) => ({ path: "gates", message: `${g.name} failed: ${g.detail}` })),
        ]);
      }
      await tx.insert(schema.approvalDecisions).values({ id: newId("approvalDecision"), requestId: row.id, decidedBy: me, decision: input.decision, comment: input.comment, at: sql`clock_timestamp()` });
      const [{ approvals } = { approvals: 0 }] = await tx
        .select({ approvals: sql<number>`count(*)::int` })
        .from(schema.approvalDecisions)
        .where(and(eq(schema.approvalDecisions.requestId, row.id), eq(schema.approvalDecisions.decision, "approve")));
      const status = input.decision === "reject" ? "rejected" : approvals >= row.requiredApprovals ? "approved" : "pending";
      if (status !== "pending") await tx.update(schema.approvalRequests).set({ status, decidedAt: new Date() }).where(eq(schema.approvalRequests.id, row.id));
      await writeAuditEvent(tx, ctx, {
        action: "approval.decision.create",
        entityType: "approval_request",
        entityId: row.id,
        projectId: row.projectId,
        before: { status: "pending" },
        after: { decision: input.decision, comment: input.comment, approvals, requiredApprovals: row.requiredApprovals, status },
      });
      const link = requestLink(access.project.slug, row.id);
      const what = `v${evidence.candidate.version} → ${row.alias}`;
      if (status === "approved") {
        const [model] = await tx.select().from(schema.registeredModels).where(eq(schema.registeredModels.id, row.modelId));
        const [version] = await tx.select().from(schema.modelVersions).where(eq(schema.modelVersions.id, row.versionId));
        if (!model || !version) throw new Error("model or version vanished");
        await moveAlias(tx, ctx, { model, alias: row.alias, to: version, reason: `approval request ${row.id}: ${input.comment}` });
        // Every other pending request for this alias compared with the old version: stale now.
        const others = await tx
          .select()
          .from(schema.approvalRequests)
          .where(and(eq(schema.approvalRequests.modelId, row.modelId), eq(schema.approvalRequests.alias, row.alias), eq(schema.approvalRequests.status, "pending")));
        await markStale(tx, ctx, others, access.project.slug, `'${row.alias}' of '${model.name}' moved to v${version.version} (request ${row.id}).`);
        await notify(tx, [row.requestedBy], { projectId: row.projectId, kind: "approval.approved", title: `Approved: ${model.name} ${what}`, body: input.comment, link });
      } else {
        const title = status === "rejected" ? `Rejected: ${what}` : `Approval ${approvals} of ${row.requiredApprovals}: ${what}`;
        await notify(tx, [row.requestedBy], { projectId: row.projectId, kind: status === "rejected" ? "approval.rejected" : "approval.approved_partly", title, body: input.comment, link });
      }
      return { kind: "decided" };
    });
  } catch (err) {
    if (isUniqueViolation(err, "approval_decisions_request_decider_key")) {
      throw new KeelError("CONFLICT", `You already decided request ${input.request}: a person decides a request once.`, [{ path: "decision", message: "already decided" }]);
    }
    throw err;
  }
  if (outcome.kind === "stale") throw new KeelError("CONFLICT", outcome.message, [{ path: "request", message: "is stale" }]);
  return getApprovalRequest(ctx, { project: input.project, request: input.request });
}
