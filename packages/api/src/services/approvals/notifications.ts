/** In-app notifications of the signed-in person: list them, mark them read. */
import { and, desc, eq, inArray, isNull, schema } from "@keel/db";
import type { ServiceContext } from "../../context";
import { ZListNotificationsInput, ZMarkReadInput, type ListNotificationsInput, type MarkReadInput, type Notification } from "../../schemas/approvals";
import { actorUserId, requirePermission } from "../access";
import { writeAuditEvent } from "../audit";
import { iso } from "../dto";

export async function listNotifications(ctx: ServiceContext, rawInput: ListNotificationsInput = {}): Promise<Notification[]> {
  const input = ZListNotificationsInput.parse(rawInput);
  requirePermission(ctx, "notification.read");
  const me = actorUserId(ctx);
  if (!me) return [];
  const n = schema.notifications;
  const rows = await ctx.db
    .select({ row: n, slug: schema.projects.slug })
    .from(n)
    .leftJoin(schema.projects, eq(schema.projects.id, n.projectId))
    .where(and(eq(n.userId, me), input.unreadOnly ? isNull(n.readAt) : undefined))
    .orderBy(desc(n.createdAt), desc(n.id))
    .limit(200);
  return rows.map(({ row, slug }) => ({
    id: row.id,
    project: slug,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    readAt: iso(row.readAt),
    createdAt: iso(row.createdAt),
  }));
}

/** Marks the given notifications (or all, with `all`) of the caller read; returns how many changed. */
export async function markNotificationsRead(ctx: ServiceContext, rawInput: MarkReadInput): Promise<{ updated: number }> {
  const input = ZMarkReadInput.parse(rawInput);
  requirePermission(ctx, "notification.update");
  const me = actorUserId(ctx);
  if (!me || (!input.all && (input.ids ?? []).length === 0)) return { updated: 0 };
  const n = schema.notifications;
  return ctx.db.transaction(async (tx) => {
    const changed = await tx
      .update(n)
      .set({ readAt: new Date() })
      .where(and(eq(n.userId, me), isNull(n.readAt), input.all ? undefined : inArray(n.id, input.ids ?? [])))
      .returning({ id: n.id });
    if (changed.length > 0) {
      await writeAuditEvent(tx, ctx, { action: "notification.read.mark", entityType: "user", entityId: me, projectId: null, before: null, after: { ids: changed.map((c) => c.id) } });
    }
    return { updated: changed.length };
  });
}
