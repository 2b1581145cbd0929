/** Lookups and row → DTO mapping shared by the dataset services. */
import { and, desc, eq, inArray, schema, sql, type DbOrTx } from "@keel/db";
import {
  diffSchemas,
  ZColumnSchema,
  ZDatasetProfile,
  ZQualityReport,
  ZQualityRule,
  type ColumnSchema,
  type QualityRule,
} from "@keel/ml/tabular";
import { z } from "zod";
import { KeelError } from "../../errors";
import type { Dataset, DatasetVersion, DatasetVersionSummary } from "../../schemas/datasets";
import { iso } from "../dto";

export type DatasetRow = typeof schema.datasets.$inferSelect;
export type VersionRow = typeof schema.datasetVersions.$inferSelect;

const ZColumns = z.array(ZColumnSchema);
const ZRules = z.array(ZQualityRule);

export function columnsOf(row: Pick<VersionRow, "columns">): ColumnSchema[] {
  return ZColumns.parse(row.columns);
}

export function rulesOf(row: Pick<DatasetRow, "qualityRules">): QualityRule[] {
  return ZRules.parse(row.qualityRules);
}

export async function findDataset(db: DbOrTx, projectId: string, name: string): Promise<DatasetRow> {
  const [row] = await db
    .select()
    .from(schema.datasets)
    .where(and(eq(schema.datasets.projectId, projectId), sql`lower(${schema.datasets.name}) = lower(${name})`))
    .limit(1);
  if (!row) throw new KeelError("NOT_FOUND", `No dataset '${name}' in this project.`, [{ path: "dataset", message: "not found" }]);
  return row;
}

export async function findVersion(db: DbOrTx, dataset: DatasetRow, ref: number | "latest"): Promise<VersionRow> {
  const where =
    ref === "latest"
      ? eq(schema.datasetVersions.datasetId, dataset.id)
      : and(eq(schema.datasetVersions.datasetId, dataset.id), eq(schema.datasetVersions.version, ref));
  const [row] = await db.select().from(schema.datasetVersions).where(where).orderBy(desc(schema.datasetVersions.version)).limit(1);
  if (!row) {
    const what = ref === "latest" ? `Dataset '${dataset.name}' has no versions yet: upload a file first.` : `Dataset '${dataset.name}' has no version ${ref}.`;
    throw new KeelError("NOT_FOUND", what, [{ path: "version", message: "not found" }]);
  }
  return row;
}

/** Names of the users behind `createdBy` columns, in one query. */
export async function userNames(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: schema.users.id, name: schema.users.name, email: schema.users.email })
    .from(schema.users)
    .where(inArray(schema.users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name ?? r.email]));
}

export function actorRef(id: string | null, names: Map<string, string>): { id: string; name: string } | null {
  return id ? { id, name: names.get(id) ?? id } : null;
}

/** Version numbers by id (for parent references) and which versions carry a quality override. */
export interface VersionContext {
  names: Map<string, string>;
  versionNumbers: Map<string, number>;
  overridden: Set<string>;
}

export async function versionContext(db: DbOrTx, rows: VersionRow[]): Promise<VersionContext> {
  const parentIds = rows.map((r) => r.parentVersionId).filter((id): id is string => id !== null);
  const parents = parentIds.length
    ? await db
        .select({ id: schema.datasetVersions.id, version: schema.datasetVersions.version })
        .from(schema.datasetVersions)
        .where(inArray(schema.datasetVersions.id, parentIds))
    : [];
  const ids = rows.map((r) => r.id);
  const overrides = ids.length
    ? await db
        .selectDistinct({ id: schema.datasetQualityOverrides.datasetVersionId })
        .from(schema.datasetQualityOverrides)
        .where(inArray(schema.datasetQualityOverrides.datasetVersionId, ids))
    : [];
  return {
    names: await userNames(db, rows.map((r) => r.createdBy)),
    versionNumbers: new Map(parents.map((p) => [p.id, p.version])),
    overridden: new Set(overrides.map((o) => o.id)),
  };
}

export function toVersionSummary(row: VersionRow, vc: VersionContext): DatasetVersionSummary {
  return {
    id: row.id,
    datasetId: row.datasetId,
    version: row.version,
    sha256: row.sha256,
    sizeBytes: row.sizeBytes,
    format: row.format,
    source: row.source,
    sourceRef: row.sourceRef,
    filename: row.filename,
    rowCount: row.rowCount,
    columnCount: row.columnCount,
    qualityStatus: row.qualityStatus,
    qualityOverridden: vc.overridden.has(row.id),
    parentVersion: row.parentVersionId ? (vc.versionNumbers.get(row.parentVersionId) ?? null) : null,
    createdBy: actorRef(row.createdBy, vc.names),
    createdAt: iso(row.createdAt),
  };
}

export async function toVersionDetail(db: DbOrTx, dataset: DatasetRow, row: VersionRow): Promise<DatasetVersion> {
  const vc = await versionContext(db, [row]);
  const parent = row.parentVersionId
    ? (await db.select().from(schema.datasetVersions).where(eq(schema.datasetVersions.id, row.parentVersionId)).limit(1))[0]
    : undefined;
  const columns = columnsOf(row);
  const diff = parent ? diffSchemas(columnsOf(parent), columns) : { added: [], removed: [], changed: [], reordered: false };
  const overrideRows = await db
    .select()
    .from(schema.datasetQualityOverrides)
    .where(eq(schema.datasetQualityOverrides.datasetVersionId, row.id))
    .orderBy(desc(schema.datasetQualityOverrides.createdAt));
  const overrideNames = await userNames(db, overrideRows.map((o) => o.createdBy));
  return {
    ...toVersionSummary(row, vc),
    dataset: dataset.name,
    columns,
    dialect: row.dialect ?? null,
    quality: ZQualityReport.parse(row.quality),
    profile: { columns: ZDatasetProfile.parse(row.profile).columns },
    schemaChanges: { against: parent?.version ?? null, ...diff },
    overrides: overrideRows.map((o) => ({ id: o.id, reason: o.reason, createdBy: actorRef(o.createdBy, overrideNames), createdAt: iso(o.createdAt) })),
  };
}

export async function toDatasets(db: DbOrTx, rows: DatasetRow[]): Promise<Dataset[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // The latest version of each dataset, and how many versions each has.
  const latest = await db
    .selectDistinctOn([schema.datasetVersions.datasetId])
    .from(schema.datasetVersions)
    .where(inArray(schema.datasetVersions.datasetId, ids))
    .orderBy(schema.datasetVersions.datasetId, desc(schema.datasetVersions.version));
  const counts = await db
    .select({ datasetId: schema.datasetVersions.datasetId, n: sql<number>`count(*)::int` })
    .from(schema.datasetVersions)
    .where(inArray(schema.datasetVersions.datasetId, ids))
    .groupBy(schema.datasetVersions.datasetId);
  const vc = await versionContext(db, latest);
  const names = await userNames(db, rows.map((r) => r.createdBy));
  const latestBy = new Map(latest.map((v) => [v.datasetId, v]));
  const countBy = new Map(counts.map((c) => [c.datasetId, c.n]));
  return rows.map((r) => {
    const lv = latestBy.get(r.id);
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      qualityRules: rulesOf(r),
      versionCount: countBy.get(r.id) ?? 0,
      latestVersion: lv ? toVersionSummary(lv, vc) : null,
      createdBy: actorRef(r.createdBy, names),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    };
  });
}
