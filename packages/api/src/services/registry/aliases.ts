/**
 * Aliases (MLflow's rules): a name points at one version of a model; setting it on another version
 * moves it. Every move appends a `model_alias_events` row and an audit event in the same
 * transaction, under the model's row lock, so the history is exactly the moves that happened and
 * "which version did `staging` name at 14:02?" is answered from it. Protected aliases
 * (`production` by default) are refused here: they move only through an approved promotion, which
 * calls `moveAlias` itself.
 */
import { and, desc, eq, inArray, lte, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import {
  ZAliasHistoryInput,
  ZAliasInput,
  ZSetAliasInput,
  ZVersionAtTimeInput,
  type AliasAtTime,
  type AliasEvent,
  type AliasHistoryInput,
  type AliasInput,
  type AliasMove,
  type SetAliasInput,
  type VersionAtTimeInput,
} from "../../schemas/registry";
import { requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { iso } from "../dto";
import { actorOf, findModel, findVersion, isProtected, protectedAliasError, type ModelRow, type VersionRow } from "./common";

export interface MoveAliasInput {
  model: ModelRow;
  /** Lower-case alias, already validated (ZAliasName). */
  alias: string;
  /** The version to point at; null removes the alias. */
  to: VersionRow | null;
  reason: string;
}

/**
 * Moves (or removes) an alias inside the caller's transaction, with no permission or protection
 * check: the approval workflow calls it once a promotion is approved. It takes the model's row
 * lock, refuses an archived target, appends the alias event and the audit event.
 */
export async function moveAlias(tx: DbOrTx, ctx: Pick<ServiceContext, "actor" | "requestId" | "ip">, input: MoveAliasInput): Promise<AliasMove> {
  const { model, alias, to } = input;
  await tx.select({ id: schema.registeredModels.id }).from(schema.registeredModels).where(eq(schema.registeredModels.id, model.id)).for("update");
  if (to && to.modelId !== model.id) throw new Error(`version ${to.id} is not a version of model ${model.id}`);
  if (to) {
    // Re-read under the lock: archiving takes the same lock, so this is the status that holds.
    const [fresh] = await tx.select({ status: schema.modelVersions.status }).from(schema.modelVersions).where(eq(schema.modelVersions.id, to.id));
    if (fresh?.status !== "ready") {
      throw new KeelError("CONFLICT", `Version ${to.version} of '${model.name}' is archived: an archived version cannot take an alias.`, [{ path: "version", message: "is archived" }]);
    }
  }
  const [current] = await tx
    .select({ versionId: schema.modelAliases.versionId, version: schema.modelVersions.version })
    .from(schema.modelAliases)
    .innerJoin(schema.modelVersions, eq(schema.modelVersions.id, schema.modelAliases.versionId))
    .where(and(eq(schema.modelAliases.modelId, model.id), eq(schema.modelAliases.alias, alias)));
  const previousVersion = current?.version ?? null;
  if ((current?.versionId ?? null) === (to?.id ?? null)) return { alias, version: to?.version ?? null, previousVersion, moved: false };
  if (to) {
    await tx
      .insert(schema.modelAliases)
      .values({ modelId: model.id, alias, versionId: to.id, updatedAt: sql`clock_timestamp()` })
      .onConflictDoUpdate({ target: [schema.modelAliases.modelId, schema.modelAliases.alias], set: { versionId: to.id, updatedAt: sql`clock_timestamp()` } });
  } else {
    await tx.delete(schema.modelAliases).where(and(eq(schema.modelAliases.modelId, model.id), eq(schema.modelAliases.alias, alias)));
  }
  const actor = actorOf(ctx);
  // clock_timestamp(), not now(): taken under the lock, so times follow the order of moves.
  await tx.insert(schema.modelAliasEvents).values({
    modelId: model.id,
    alias,
    fromVersionId: current?.versionId ?? null,
    toVersionId: to?.id ?? null,
    actorId: actor.id,
    actorName: actor.name,
    reason: input.reason,
    at: sql`clock_timestamp()`,
  });
  await writeAuditEvent(tx, ctx, {
    action: to ? "registry.alias.set" : "registry.alias.delete",
    entityType: "model",
    entityId: model.id,
    projectId: model.projectId,
    before: { alias, version: previousVersion },
    after: { alias, version: to?.version ?? null, reason: input.reason },
  });
  return { alias, version: to?.version ?? null, previousVersion, moved: true };
}

/** Points an unprotected alias at a version (moving it if it pointed elsewhere). */
export async function setAlias(ctx: ServiceContext, rawInput: SetAliasInput): Promise<AliasMove> {
  const input = ZSetAliasInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.alias.write");
  return ctx.db.transaction(async (tx) => {
    const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
    if (isProtected(model, input.alias)) throw protectedAliasError(model, input.alias);
    const version = await findVersion(tx, model, input.version);
    return moveAlias(tx, ctx, { model, alias: input.alias, to: version, reason: input.reason });
  });
}

/** Removes an unprotected alias. */
export async function deleteAlias(ctx: ServiceContext, rawInput: AliasInput): Promise<AliasMove> {
  const input = ZAliasInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.alias.write");
  return ctx.db.transaction(async (tx) => {
    const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
    if (isProtected(model, input.alias)) throw protectedAliasError(model, input.alias);
    const [current] = await tx
      .select({ versionId: schema.modelAliases.versionId })
      .from(schema.modelAliases)
      .where(and(eq(schema.modelAliases.modelId, model.id), eq(schema.modelAliases.alias, input.alias)));
    if (!current) throw new KeelError("NOT_FOUND", `Model '${model.name}' has no alias '${input.alias}'.`, [{ path: "alias", message: "not set" }]);
    return moveAlias(tx, ctx, { model, alias: input.alias, to: null, reason: input.reason });
  });
}

async function versionNumbers(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, number>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: schema.modelVersions.id, version: schema.modelVersions.version }).from(schema.modelVersions).where(inArray(schema.modelVersions.id, wanted));
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** Every move of the model's aliases (or of one alias), newest first. */
export async function aliasHistory(ctx: ServiceContext, rawInput: AliasHistoryInput): Promise<AliasEvent[]> {
  const input = ZAliasHistoryInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const e = schema.modelAliasEvents;
  const rows = await ctx.db
    .select()
    .from(e)
    .where(and(eq(e.modelId, model.id), input.alias === undefined ? undefined : eq(e.alias, input.alias)))
    .orderBy(desc(e.id));
  const numbers = await versionNumbers(ctx.db, rows.flatMap((r) => [r.fromVersionId, r.toVersionId]));
  const num = (id: string | null): number | null => (id === null ? null : (numbers.get(id) ?? null));
  return rows.map((r) => ({
    id: r.id,
    alias: r.alias,
    fromVersion: num(r.fromVersionId),
    toVersion: num(r.toVersionId),
    actor: { id: r.actorId, name: r.actorName },
    reason: r.reason,
    at: iso(r.at),
  }));
}

/** Which version an alias named at a point in time (now when `at` is absent), from the event log. */
export async function versionAtTime(ctx: ServiceContext, rawInput: VersionAtTimeInput): Promise<AliasAtTime> {
  const input = ZVersionAtTimeInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const at = input.at === undefined ? new Date() : new Date(input.at);
  const e = schema.modelAliasEvents;
  const [last] = await ctx.db
    .select({ toVersionId: e.toVersionId })
    .from(e)
    .where(and(eq(e.modelId, model.id), eq(e.alias, input.alias), lte(e.at, at)))
    .orderBy(desc(e.at), desc(e.id))
    .limit(1);
  const versionId = last?.toVersionId ?? null;
  const numbers = await versionNumbers(ctx.db, [versionId]);
  return { alias: input.alias, at: at.toISOString(), version: versionId === null ? null : (numbers.get(versionId) ?? null), versionId };
}
