/**
 * Promotion requests: a data scientist asks for a version to take a protected alias, with a
 * justification; the evidence is computed and frozen then, and the approvers are notified.
 * Reading one, listing a project's, the "waiting on me" inbox, and withdrawing.
 */
import { and, desc, eq, inArray, ne, newId, schema, sql } from "@keel/db";
import type { ProjectRole } from "@keel/auth";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import {
  ZApprovalRequestInput,
  ZListApprovalRequestsInput,
  ZRequestPromotionInput,
  type ApprovalRequest,
  type ApprovalRequestInput,
  type ListApprovalRequestsInput,
  type RequestPromotionInput,
} from "../../schemas/approvals";
import { actorUserId, requireProjectAccess, requirePermission } from "../access";
import { writeAuditEvent } from "../audit";
import { isUniqueViolation } from "../dto";
import { findModel, findVersion, isProtected } from "../registry/index";
import { effectivePolicy, findRequest, lockRequest, notify, requestLink, toRequests, usersWithRole } from "./common";
import { computeEvidence } from "./evidence";

function requireUser(ctx: ServiceContext, path: string): string {
  const id = actorUserId(ctx);
  if (!id) throw new KeelError("BAD_REQUEST", "Approval requests and decisions are made by a person: sign in or use a token created by a user.", [{ path, message: "needs a user" }]);
  return id;
}

export async function requestPromotion(ctx: ServiceContext, rawInput: RequestPromotionInput): Promise<ApprovalRequest> {
  const input = ZRequestPromotionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.request");
  const requester = requireUser(ctx, "justification");
  let id: string;
  try {
    id = await ctx.db.transaction(async (tx) => {
      // The model's lock: alias moves take it too, so the frozen "current version" is exact.
      const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
      if (!isProtected(model, input.target)) {
        throw new KeelError("BAD_REQUEST", `Alias '${input.target}' of '${model.name}' is not protected: set it directly (PUT …/aliases/${input.target}); promotion requests are for protected aliases (${model.protectedAliases.join(", ")}).`, [
          { path: "target", message: "is not protected for this model" },
        ]);
      }
      const version = await findVersion(tx, model, input.version);
      if (version.status !== "ready") {
        throw new KeelError("CONFLICT", `Version ${version.version} of '${model.name}' is ${version.status}: only a ready version can be promoted.`, [{ path: "version", message: `is ${version.status}` }]);
      }
      const [pending] = await tx
        .select({ id: schema.approvalRequests.id })
        .from(schema.approvalRequests)
        .where(and(eq(schema.approvalRequests.modelId, model.id), eq(schema.approvalRequests.alias, input.target), eq(schema.approvalRequests.versionId, version.id), eq(schema.approvalRequests.status, "pending")));
      if (pending) {
        throw new KeelError("CONFLICT", `Version ${version.version} of '${model.name}' already has a pending request for '${input.target}' (${pending.id}).`, [{ path: "version", message: `already requested: ${pending.id}` }]);
      }
      const policy = await effectivePolicy(tx, model);
      const { evidence, currentVersionId } = await computeEvidence(tx, model, version, input.target, policy);
      if (currentVersionId === version.id) {
        throw new KeelError("CONFLICT", `Version ${version.version} of '${model.name}' is already '${input.target}'.`, [{ path: "version", message: `is already ${input.target}` }]);
      }
      const reqId = newId("approvalRequest");
      await tx.insert(schema.approvalRequests).values({
        id: reqId,
        projectId: model.projectId,
        modelId: model.id,
        versionId: version.id,
        alias: input.target,
        requestedBy: requester,
        justification: input.justification,
        status: "pending",
        evidence,
        productionVersionId: currentVersionId,
        requiredApprovals: policy.requiredApprovals,
        approverRole: policy.approverRole,
      });
      await writeAuditEvent(tx, ctx, {
        action: "approval.request.create",
        entityType: "approval_request",
        entityId: reqId,
        projectId: model.projectId,
        before: null,
        after: { model: model.name, version: version.version, alias: input.target, justification: input.justification, currentVersion: evidence.current?.version ?? null, gatesPassed: evidence.gatesPassed },
      });
      const approvers = (await usersWithRole(tx, model.projectId, policy.approverRole)).filter((u) => u !== requester);
      await notify(tx, approvers, {
        projectId: model.projectId,
        kind: "approval.requested",
        title: `Approval requested: ${model.name} v${version.version} → ${input.target}`,
        body: input.justification,
        link: requestLink(access.project.slug, reqId),
      });
      return reqId;
    });
  } catch (err) {
    if (isUniqueViolation(err, "approval_requests_one_pending_key")) {
      throw new KeelError("CONFLICT", `Version ${input.version} of '${input.model}' already has a pending request for '${input.target}'.`, [{ path: "version", message: "already requested" }]);
    }
    throw err;
  }
  return getApprovalRequest(ctx, { project: input.project, request: id });
}

/** One request with its frozen evidence and its decisions. */
export async function getApprovalRequest(ctx: ServiceContext, rawInput: ApprovalRequestInput): Promise<ApprovalRequest> {
  const input = ZApprovalRequestInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.read");
  const row = await findRequest(ctx.db, access.project.id, input.request);
  const [dto] = await toRequests(ctx.db, [row]);
  if (!dto) throw new Error("request vanished");
  return dto;
}

/** A project's requests, newest first, optionally by status and model. */
export async function listApprovalRequests(ctx: ServiceContext, rawInput: ListApprovalRequestsInput): Promise<ApprovalRequest[]> {
  const input = ZListApprovalRequestsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.read");
  const r = schema.approvalRequests;
  const where: ReturnType<typeof eq>[] = [eq(r.projectId, access.project.id)];
  if (input.status) where.push(eq(r.status, input.status));
  if (input.model) where.push(eq(r.modelId, (await findModel(ctx.db, access.project.id, input.model)).id));
  const rows = await ctx.db.select().from(r).where(and(...where)).orderBy(desc(r.createdAt), desc(r.id)).limit(500);
  return toRequests(ctx.db, rows);
}

/**
 * "Waiting on me": pending requests in my projects whose approver role is my role there, that I
 * did not make and have not decided. A token sees its own project with its own role.
 */
export async function listInbox(ctx: ServiceContext): Promise<ApprovalRequest[]> {
  requirePermission(ctx, "approval.inbox.read");
  const actor = ctx.actor;
  const me = actorUserId(ctx);
  if (!actor || !me) return [];
  let roles: { projectId: string; role: ProjectRole }[];
  if (actor.type === "token") roles = [{ projectId: actor.projectId, role: actor.role }];
  else roles = await ctx.db.select({ projectId: schema.memberships.projectId, role: schema.memberships.role }).from(schema.memberships).where(eq(schema.memberships.userId, me));
  if (roles.length === 0) return [];
  const r = schema.approvalRequests;
  const d = schema.approvalDecisions;
  const rows = await ctx.db
    .select()
    .from(r)
    .where(
      and(
        eq(r.status, "pending"),
        inArray(r.projectId, [...new Set(roles.map((x) => x.projectId))]),
        ne(r.requestedBy, me),
        sql`not exists (select 1 from ${d} where ${d.requestId} = ${r.id} and ${d.decidedBy} = ${me})`,
      ),
    )
    .orderBy(desc(r.createdAt), desc(r.id))
    .limit(500);
  const mine = rows.filter((row) => roles.some((x) => x.projectId === row.projectId && x.role === row.approverRole));
  return toRequests(ctx.db, mine);
}

/** The requester takes back a pending request. */
export async function withdrawRequest(ctx: ServiceContext, rawInput: ApprovalRequestInput): Promise<ApprovalRequest> {
  const input = ZApprovalRequestInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.request");
  const me = requireUser(ctx, "request");
  await ctx.db.transaction(async (tx) => {
    const row = await lockRequest(tx, access.project.id, input.request);
    if (row.requestedBy !== me) {
      throw new KeelError("FORBIDDEN", "Only the person who made a promotion request can withdraw it.", [{ path: "request", message: "not your request" }]);
    }
    if (row.status !== "pending") {
      throw new KeelError("CONFLICT", `Request ${row.id} is ${row.status}: only a pending request can be withdrawn.`, [{ path: "request", message: `is ${row.status}` }]);
    }
    await tx.update(schema.approvalRequests).set({ status: "withdrawn", decidedAt: new Date() }).where(eq(schema.approvalRequests.id, row.id));
    await writeAuditEvent(tx, ctx, {
      action: "approval.request.withdraw",
      entityType: "approval_request",
      entityId: row.id,
      projectId: row.projectId,
      before: { status: "pending" },
      after: { status: "withdrawn" },
    });
  });
  return getApprovalRequest(ctx, input);
}
