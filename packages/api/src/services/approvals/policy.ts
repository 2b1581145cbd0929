/** A model's approval policy: who approves, how many approvals, the gates checked automatically. */
import { schema } from "@keel/db";
import type { ServiceContext } from "../../context";
import { ZModelInput, type ModelInput } from "../../schemas/registry";
import { ZSetApprovalPolicyInput, type ApprovalPolicy, type SetApprovalPolicyInput } from "../../schemas/approvals";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { findModel } from "../registry/index";
import { effectivePolicy, toPolicy } from "./common";

export async function getApprovalPolicy(ctx: ServiceContext, rawInput: ModelInput): Promise<ApprovalPolicy> {
  const input = ZModelInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  return toPolicy(model, await effectivePolicy(ctx.db, model));
}

/** Replaces the model's policy (owners). Pending requests keep the rules they were made under. */
export async function setApprovalPolicy(ctx: ServiceContext, rawInput: SetApprovalPolicyInput): Promise<ApprovalPolicy> {
  const input = ZSetApprovalPolicyInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "approval.policy.update");
  return ctx.db.transaction(async (tx) => {
    const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
    const before = await effectivePolicy(tx, model);
    const values = {
      approverRole: input.approverRole,
      requiredApprovals: input.requiredApprovals,
      gates: input.gates,
      requireQualityPass: input.requireQualityPass,
      requireEvaluation: input.requireEvaluation,
      updatedBy: actorUserId(ctx),
      updatedAt: new Date(),
    };
    await tx
      .insert(schema.approvalPolicies)
      .values({ modelId: model.id, projectId: model.projectId, ...values })
      .onConflictDoUpdate({ target: schema.approvalPolicies.modelId, set: values });
    const after = await effectivePolicy(tx, model);
    const { row: _b, ...beforeJson } = before;
    const { row: _a, ...afterJson } = after;
    await writeAuditEvent(tx, ctx, {
      action: "approval.policy.update",
      entityType: "model",
      entityId: model.id,
      projectId: model.projectId,
      before: beforeJson,
      after: afterJson,
    });
    return toPolicy(model, after);
  });
}
