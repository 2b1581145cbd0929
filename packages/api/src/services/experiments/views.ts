/** Saved views of the runs table: a name for a set of columns, a filter and a sort, shared in the project. */
import { and, asc, eq, isNull, newId, schema } from "@keel/db";
import type { z } from "zod";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { ZDeleteViewInput, ZListViewsInput, ZSaveViewInput, ZSavedViewState, type SavedView } from "../../schemas/experiments";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { actorRef, userNames } from "../datasets/common";
import { isUniqueViolation, iso } from "../dto";
import { findExperiment } from "./common";
import { parseFilter, parseOrderBy, FilterSyntaxError } from "./filter";

type ViewRow = typeof schema.savedViews.$inferSelect;

async function toViews(ctx: ServiceContext, rows: ViewRow[], experimentNames: Map<string, string>): Promise<SavedView[]> {
  const names = await userNames(
    ctx.db,
    rows.map((r) => r.createdBy),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    experiment: r.experimentId ? (experimentNames.get(r.experimentId) ?? null) : null,
    state: ZSavedViewState.parse(r.state),
    createdBy: actorRef(r.createdBy, names),
    createdAt: iso(r.createdAt),
  }));
}

/** Saves (or replaces, by name) a view; its filter and sort must parse. */
export async function saveView(ctx: ServiceContext, rawInput: z.input<typeof ZSaveViewInput>): Promise<SavedView> {
  const input = ZSaveViewInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  for (const [field, text, parse] of [
    ["state.filter", input.state.filter, parseFilter],
    ["state.orderBy", input.state.orderBy, parseOrderBy],
  ] as const) {
    try {
      if (text.trim()) parse(text);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw new KeelError("BAD_REQUEST", `${field}: ${err.message}`, [{ path: field, message: err.message }]);
      throw err;
    }
  }
  const experiment = input.experiment ? await findExperiment(ctx.db, access.project.id, input.experiment) : null;
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const scope = and(eq(schema.savedViews.projectId, access.project.id), experiment ? eq(schema.savedViews.experimentId, experiment.id) : isNull(schema.savedViews.experimentId), eq(schema.savedViews.name, input.name));
      const [before] = await tx.select().from(schema.savedViews).where(scope).for("update");
      if (before) await tx.delete(schema.savedViews).where(eq(schema.savedViews.id, before.id));
      const [created] = await tx
        .insert(schema.savedViews)
        .values({ id: newId("savedView"), projectId: access.project.id, experimentId: experiment?.id ?? null, name: input.name, state: input.state, createdBy: actorUserId(ctx) })
        .returning();
      if (!created) throw new Error("insert returned no row");
      await writeAuditEvent(tx, ctx, {
        action: "experiment.view.save",
        entityType: "saved_view",
        entityId: created.id,
        projectId: access.project.id,
        before: before ? { name: before.name, state: before.state } : null,
        after: { name: created.name, experiment: experiment?.name ?? null, state: created.state },
      });
      return created;
    });
    const [dto] = await toViews(ctx, [row], new Map(experiment ? [[experiment.id, experiment.name]] : []));
    if (!dto) throw new Error("view vanished");
    return dto;
  } catch (err) {
    if (isUniqueViolation(err, "saved_views_project_name_key")) {
      throw new KeelError("CONFLICT", `A view named '${input.name}' already exists here (names ignore case).`, [{ path: "name", message: "already taken" }]);
    }
    throw err;
  }
}

export async function listViews(ctx: ServiceContext, rawInput: z.input<typeof ZListViewsInput>): Promise<SavedView[]> {
  const input = ZListViewsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const experiment = input.experiment ? await findExperiment(ctx.db, access.project.id, input.experiment) : null;
  const rows = await ctx.db
    .select()
    .from(schema.savedViews)
    .where(and(eq(schema.savedViews.projectId, access.project.id), experiment ? eq(schema.savedViews.experimentId, experiment.id) : isNull(schema.savedViews.experimentId)))
    .orderBy(asc(schema.savedViews.name));
  return toViews(ctx, rows, new Map(experiment ? [[experiment.id, experiment.name]] : []));
}

export async function deleteView(ctx: ServiceContext, rawInput: z.input<typeof ZDeleteViewInput>): Promise<{ deleted: true }> {
  const input = ZDeleteViewInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(schema.savedViews)
      .where(and(eq(schema.savedViews.id, input.id), eq(schema.savedViews.projectId, access.project.id)))
      .returning();
    if (!row) throw new KeelError("NOT_FOUND", `No saved view ${input.id} in this project.`, [{ path: "id", message: "not found" }]);
    await writeAuditEvent(tx, ctx, {
      action: "experiment.view.delete",
      entityType: "saved_view",
      entityId: row.id,
      projectId: access.project.id,
      before: { name: row.name, state: row.state },
      after: null,
    });
  });
  return { deleted: true };
}
