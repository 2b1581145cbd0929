/**
 * Feedback: the ground truth for served predictions, sent back as
 * `{items:[{requestId, index?, actual}]}`. Each item names one answered row, by the request id the
 * prediction response carried and the row's index in that request (default 0). Items are checked
 * against the prediction log (a live row of THIS deployment must exist), stored in
 * `prediction_feedback` keyed by (deployment, request id, row index) — sending feedback for a row
 * again REPLACES its `actual` (an upsert: corrections are allowed; the audit trail keeps every
 * send) — and audited in the same transaction.
 */
import { and, eq, inArray, schema, sql } from "@keel/db";
import { z } from "zod";
import type { ServiceContext } from "../../context";
import { KeelError, type ErrorDetail } from "../../errors";
import { ZProjectSlug } from "../../schemas/common";
import { ZDeploymentName } from "../../schemas/deployments";
import { actorUserId } from "../access";
import { writeAuditEvent } from "../audit";
import { resolveServingDeployment } from "./state";

/** Most items per feedback request. */
export const MAX_FEEDBACK_ITEMS = 1000;

export const ZFeedbackItem = z.strictObject({
  requestId: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  index: z.number().int("must be a whole number").min(0, "must be 0 or more").max(1_000_000, "is too large").default(0),
  actual: z.union([z.string().max(10_000, "must be at most 10,000 characters"), z.number().finite("must be a finite number"), z.boolean()], {
    error: "must be the true label (a string, number or boolean) or value (a number)",
  }),
});

export const ZFeedbackBody = z.strictObject({
  items: z.array(ZFeedbackItem).min(1, "send at least one item").max(MAX_FEEDBACK_ITEMS, `at most ${MAX_FEEDBACK_ITEMS.toLocaleString("en")} items per request`),
});
export type FeedbackBody = z.input<typeof ZFeedbackBody>;

export const ZFeedbackInput = ZFeedbackBody.extend({ project: ZProjectSlug, deployment: ZDeploymentName });
export type FeedbackInput = z.input<typeof ZFeedbackInput>;

export interface FeedbackResult {
  deployment: string;
  /** Items stored. */
  accepted: number;
  /** Of which were new rows; the rest replaced earlier feedback. */
  created: number;
  updated: number;
}

export interface FeedbackOptions {
  /** Called after the access check and before looking requests up (the server flushes its log buffer). */
  beforeCheck?: () => Promise<void>;
}

function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, ""), message: i.message }));
}

/** `rawInput.items` may be anything (a request body): it is checked here, every problem named (`items[2].actual`). */
export async function submitFeedback(ctx: ServiceContext, rawInput: FeedbackInput | { project: string; deployment: string; items: unknown }, options: FeedbackOptions = {}): Promise<FeedbackResult> {
  const parsed = ZFeedbackInput.safeParse(rawInput);
  if (!parsed.success) {
    const details = zodDetails(parsed.error);
    throw new KeelError("BAD_REQUEST", `Invalid feedback: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}.`, details);
  }
  const input = parsed.data;
  const dep = await resolveServingDeployment(ctx, input.project, input.deployment, "deployment.feedback");

  const seen = new Map<string, number>();
  const duplicates: ErrorDetail[] = [];
  input.items.forEach((item, i) => {
    const key = `${item.index}\u0000${item.requestId}`;
    const first = seen.get(key);
    if (first !== undefined) duplicates.push({ path: `items[${i}]`, message: `repeats items[${first}] (request ${item.requestId}, row ${item.index})` });
    else seen.set(key, i);
  });
  if (duplicates.length > 0) throw new KeelError("BAD_REQUEST", `Each row may appear once per feedback request: ${duplicates.map((d) => `${d.path} ${d.message}`).join("; ")}.`, duplicates);

  await options.beforeCheck?.();
  const requestIds = [...new Set(input.items.map((i) => i.requestId))];
  const log = schema.predictionLog;
  const answered = await ctx.db
    .select({ requestId: log.requestId, rows: sql<number>`max(${log.rowIndex}) + 1`.mapWith(Number) })
    .from(log)
    .where(and(eq(log.deploymentId, dep.id), eq(log.mode, "live"), inArray(log.requestId, requestIds)))
    .groupBy(log.requestId);
  const rowsOf = new Map(answered.map((a) => [a.requestId, a.rows]));
  const unknown: ErrorDetail[] = [];
  const outOfRange: ErrorDetail[] = [];
  input.items.forEach((item, i) => {
    const rows = rowsOf.get(item.requestId);
    if (rows === undefined) unknown.push({ path: `items[${i}].requestId`, message: `no prediction with request id '${item.requestId}' was logged for deployment '${dep.name}'` });
    else if (item.index >= rows) outOfRange.push({ path: `items[${i}].index`, message: `request '${item.requestId}' had ${rows} row${rows === 1 ? "" : "s"} (indices 0–${rows - 1})` });
  });
  if (unknown.length > 0) {
    throw new KeelError("NOT_FOUND", `Unknown request id${unknown.length > 1 ? "s" : ""} for deployment '${dep.name}': ${unknown.map((u) => u.path).join(", ")}.`, [...unknown, ...outOfRange]);
  }
  if (outOfRange.length > 0) throw new KeelError("BAD_REQUEST", `Row index out of range: ${outOfRange.map((u) => `${u.path} (${u.message})`).join("; ")}.`, outOfRange);

  const fb = schema.predictionFeedback;
  const userId = actorUserId(ctx);
  return ctx.db.transaction(async (tx) => {
    const existing = await tx
      .select({ requestId: fb.requestId, rowIndex: fb.rowIndex })
      .from(fb)
      .where(and(eq(fb.deploymentId, dep.id), inArray(fb.requestId, requestIds)));
    const had = new Set(existing.map((e) => `${e.rowIndex}\u0000${e.requestId}`));
    const now = new Date();
    await tx
      .insert(fb)
      .values(input.items.map((item) => ({ deploymentId: dep.id, projectId: dep.projectId, requestId: item.requestId, rowIndex: item.index, actual: item.actual, createdBy: userId, createdAt: now, updatedAt: now })))
      .onConflictDoUpdate({
        target: [fb.deploymentId, fb.requestId, fb.rowIndex],
        set: { actual: sql`excluded.actual`, createdBy: sql`excluded.created_by`, updatedAt: sql`excluded.updated_at` },
      });
    const updated = input.items.filter((item) => had.has(`${item.index}\u0000${item.requestId}`)).length;
    await writeAuditEvent(tx, ctx, {
      action: "deployment.feedback.submit",
      entityType: "deployment",
      entityId: dep.id,
      projectId: dep.projectId,
      before: null,
      after: { deployment: dep.name, items: input.items.map((i) => ({ requestId: i.requestId, index: i.index, actual: i.actual })), created: input.items.length - updated, updated },
    });
    return { deployment: dep.name, accepted: input.items.length, created: input.items.length - updated, updated };
  });
}
