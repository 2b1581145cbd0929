/** Lookups and row → DTO mapping shared by the registry services. */
import { and, asc, eq, inArray, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import type { ModelVersionSummary, RegisteredModel } from "../../schemas/registry";
import { actorRef, userNames } from "../datasets/common";
import { iso } from "../dto";

export type ModelRow = typeof schema.registeredModels.$inferSelect;
export type VersionRow = typeof schema.modelVersions.$inferSelect;

/** A model of the project by name (case-insensitive); `forUpdate` locks its row. */
export async function findModel(db: DbOrTx, projectId: string, name: string, opts: { forUpdate?: boolean } = {}): Promise<ModelRow> {
  const q = db
    .select()
    .from(schema.registeredModels)
    .where(and(eq(schema.registeredModels.projectId, projectId), sql`lower(${schema.registeredModels.name}) = lower(${name})`))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) throw new KeelError("NOT_FOUND", `No registered model '${name}' in this project.`, [{ path: "model", message: "not found" }]);
  return row;
}

export async function findVersion(db: DbOrTx, model: ModelRow, version: number): Promise<VersionRow> {
  const [row] = await db
    .select()
    .from(schema.modelVersions)
    .where(and(eq(schema.modelVersions.modelId, model.id), eq(schema.modelVersions.version, version)))
    .limit(1);
  if (!row) throw new KeelError("NOT_FOUND", `Model '${model.name}' has no version ${version}.`, [{ path: "version", message: "not found" }]);
  return row;
}

/** The error every path that would move a protected alias directly answers with. */
export function protectedAliasError(model: ModelRow, alias: string): KeelError {
  return new KeelError(
    "CONFLICT",
    `Alias '${alias}' of model '${model.name}' is protected: it moves only through an approved promotion request (POST …/versions/{version}/approval-requests with alias '${alias}').`,
    [{ path: "alias", message: "is protected: needs an approved promotion request" }],
  );
}

export function isProtected(model: ModelRow, alias: string): boolean {
  return model.protectedAliases.some((a) => a.toLowerCase() === alias.toLowerCase());
}

/** alias → version number, per model. */
export async function aliasesByModel(db: DbOrTx, modelIds: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (modelIds.length === 0) return out;
  const rows = await db
    .select({ modelId: schema.modelAliases.modelId, alias: schema.modelAliases.alias, version: schema.modelVersions.version })
    .from(schema.modelAliases)
    .innerJoin(schema.modelVersions, eq(schema.modelVersions.id, schema.modelAliases.versionId))
    .where(inArray(schema.modelAliases.modelId, modelIds))
    .orderBy(asc(schema.modelAliases.alias));
  for (const r of rows) {
    let rec = out.get(r.modelId);
    if (!rec) out.set(r.modelId, (rec = {}));
    rec[r.alias] = r.version;
  }
  return out;
}

export async function toModels(db: DbOrTx, rows: ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [stats, aliases, names] = await Promise.all([
    db
      .select({ modelId: schema.modelVersions.modelId, n: sql<number>`count(*)::int`, latest: sql<number | null>`max(${schema.modelVersions.version})` })
      .from(schema.modelVersions)
      .where(inArray(schema.modelVersions.modelId, ids))
      .groupBy(schema.modelVersions.modelId),
    aliasesByModel(db, ids),
    userNames(
      db,
      rows.map((r) => r.createdBy),
    ),
  ]);
  const byId = new Map(stats.map((s) => [s.modelId, s]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    protectedAliases: [...r.protectedAliases].sort(),
    aliases: aliases.get(r.id) ?? {},
    versionCount: byId.get(r.id)?.n ?? 0,
    latestVersion: byId.get(r.id)?.latest ?? null,
    createdBy: actorRef(r.createdBy, names),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  }));
}

export async function toVersionSummaries(db: DbOrTx, model: ModelRow, rows: VersionRow[]): Promise<ModelVersionSummary[]> {
  if (rows.length === 0) return [];
  const [aliasRows, names] = await Promise.all([
    db
      .select({ alias: schema.modelAliases.alias, versionId: schema.modelAliases.versionId })
      .from(schema.modelAliases)
      .where(eq(schema.modelAliases.modelId, model.id))
      .orderBy(asc(schema.modelAliases.alias)),
    userNames(
      db,
      rows.map((r) => r.createdBy),
    ),
  ]);
  return rows.map((r) => ({
    id: r.id,
    model: model.name,
    version: r.version,
    status: r.status,
    runId: r.runId,
    datasetVersionId: r.datasetVersionId,
    aliases: aliasRows.filter((a) => a.versionId === r.id).map((a) => a.alias),
    metrics: r.metrics,
    createdBy: actorRef(r.createdBy, names),
    createdAt: iso(r.createdAt),
  }));
}

/** The name written on alias events for the caller. */
export function actorOf(ctx: Pick<ServiceContext, "actor">): { id: string | null; name: string } {
  const a = ctx.actor;
  return a ? { id: a.id, name: a.name } : { id: null, name: "anonymous" };
}
