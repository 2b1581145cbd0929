/** Registered models: create, list, read (with versions and aliases), and their protected aliases. */
import { desc, eq, newId, schema } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { ZProjectInput } from "../../schemas/common";
import {
  ZCreateModelInput,
  ZModelInput,
  ZSetProtectedAliasesInput,
  type CreateModelInput,
  type ModelDetail,
  type ModelInput,
  type RegisteredModel,
  type SetProtectedAliasesInput,
} from "../../schemas/registry";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { isUniqueViolation } from "../dto";
import { findModel, toModels, toVersionSummaries, type ModelRow } from "./common";

async function one(ctx: ServiceContext, row: ModelRow): Promise<RegisteredModel> {
  const [dto] = await toModels(ctx.db, [row]);
  if (!dto) throw new Error("model vanished");
  return dto;
}

export async function createModel(ctx: ServiceContext, rawInput: CreateModelInput): Promise<RegisteredModel> {
  const input = ZCreateModelInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.write");
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(schema.registeredModels)
        .values({ id: newId("model"), projectId: access.project.id, name: input.name, description: input.description, createdBy: actorUserId(ctx) })
        .returning();
      if (!created) throw new Error("insert returned no row");
      await writeAuditEvent(tx, ctx, {
        action: "registry.model.create",
        entityType: "model",
        entityId: created.id,
        projectId: access.project.id,
        before: null,
        after: { name: created.name, description: created.description, protectedAliases: created.protectedAliases },
      });
      return created;
    });
    return one(ctx, row);
  } catch (err) {
    if (isUniqueViolation(err, "registered_models_project_name_key")) {
      throw new KeelError("CONFLICT", `A model named '${input.name}' already exists in this project (names ignore case).`, [{ path: "name", message: "already taken" }]);
    }
    throw err;
  }
}

export async function listModels(ctx: ServiceContext, rawInput: { project: string }): Promise<RegisteredModel[]> {
  const input = ZProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const rows = await ctx.db
    .select()
    .from(schema.registeredModels)
    .where(eq(schema.registeredModels.projectId, access.project.id))
    .orderBy(desc(schema.registeredModels.updatedAt), desc(schema.registeredModels.id));
  return toModels(ctx.db, rows);
}

/** A model with its versions (newest first) and where its aliases point. */
export async function getModel(ctx: ServiceContext, rawInput: ModelInput): Promise<ModelDetail> {
  const input = ZModelInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const versions = await ctx.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.modelId, model.id)).orderBy(desc(schema.modelVersions.version));
  return { ...(await one(ctx, model)), versions: await toVersionSummaries(ctx.db, model, versions) };
}

/** Chooses which aliases of a model move only through an approved promotion (owners only). */
export async function setProtectedAliases(ctx: ServiceContext, rawInput: SetProtectedAliasesInput): Promise<RegisteredModel> {
  const input = ZSetProtectedAliasesInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.protection.update");
  const aliases = [...new Set(input.aliases)].sort();
  const row = await ctx.db.transaction(async (tx) => {
    const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
    const [updated] = await tx
      .update(schema.registeredModels)
      .set({ protectedAliases: aliases, updatedAt: new Date() })
      .where(eq(schema.registeredModels.id, model.id))
      .returning();
    if (!updated) throw new Error("model vanished");
    await writeAuditEvent(tx, ctx, {
      action: "registry.model.protect",
      entityType: "model",
      entityId: model.id,
      projectId: access.project.id,
      before: { protectedAliases: model.protectedAliases },
      after: { protectedAliases: aliases },
    });
    return updated;
  });
  return one(ctx, row);
}
