/**
 * The lineage of a dataset version, read-only: the runs that trained on it, the model versions
 * registered from them (with their aliases), the deployments routing those versions now, the batch
 * score that wrote it (if any) and the batch scores that read it.
 */
import { and, asc, count, desc, eq, inArray, or, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../../context";
import {
  LINEAGE_ITEM_LIMIT,
  LINEAGE_RUN_LIMIT,
  ZVersionInput,
  type DatasetVersionLineage,
  type DatasetVersionRef,
  type LineageDeployment,
  type LineageModelVersion,
  type LineageScoredInto,
  type VersionInput,
} from "../../schemas/datasets";
import { requireProjectAccess } from "../access";
import { iso } from "../dto";
import { findDataset, findVersion, type VersionRow } from "./common";

type BatchScoreRow = typeof schema.batchScores.$inferSelect;

export async function getDatasetVersionLineage(ctx: ServiceContext, rawInput: VersionInput): Promise<DatasetVersionLineage> {
  const input = ZVersionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const projectId = access.project.id;
  const dataset = await findDataset(ctx.db, projectId, input.dataset);
  const version = await findVersion(ctx.db, dataset, input.version);
  const db = ctx.db;

  const r = schema.runs;
  const trainedHere = and(eq(r.projectId, projectId), eq(r.datasetVersionId, version.id));
  const [runTotal] = await db.select({ n: count() }).from(r).where(trainedHere);
  const runRows = await db
    .select({ id: r.id, number: r.number, name: r.name, status: r.status, createdAt: r.createdAt, experimentId: schema.experiments.id, experimentName: schema.experiments.name })
    .from(r)
    .innerJoin(schema.experiments, eq(schema.experiments.id, r.experimentId))
    .where(trainedHere)
    .orderBy(desc(r.createdAt), desc(r.id))
    .limit(LINEAGE_RUN_LIMIT);

  const modelVersions = await modelVersionsOf(db, projectId, version.id);
  const deployments = await deploymentsRouting(db, projectId, modelVersions);
  return {
    dataset: dataset.name,
    version: version.version,
    runs: {
      total: runTotal?.n ?? 0,
      items: runRows.map((row) => ({
        id: row.id,
        number: row.number,
        name: row.name,
        experiment: { id: row.experimentId, name: row.experimentName },
        status: row.status,
        createdAt: iso(row.createdAt),
      })),
    },
    modelVersions,
    deployments,
    derivedFrom: await derivedFrom(db, projectId, version),
    scoredInto: await scoredInto(db, projectId, version.id),
  };
}

/** Model versions trained on this dataset version: registered from its runs, or recorded with it. */
async function modelVersionsOf(db: DbOrTx, projectId: string, datasetVersionId: string): Promise<LineageModelVersion[]> {
  const mv = schema.modelVersions;
  const runsOfVersion = db
    .select({ id: schema.runs.id })
    .from(schema.runs)
    .where(and(eq(schema.runs.projectId, projectId), eq(schema.runs.datasetVersionId, datasetVersionId)));
  const rows = await db
    .select({
      id: mv.id,
      version: mv.version,
      runId: mv.runId,
      status: mv.status,
      createdAt: mv.createdAt,
      model: schema.registeredModels.name,
      experimentId: schema.experiments.id,
      experimentName: schema.experiments.name,
    })
    .from(mv)
    .innerJoin(schema.registeredModels, eq(schema.registeredModels.id, mv.modelId))
    .innerJoin(schema.runs, eq(schema.runs.id, mv.runId))
    .innerJoin(schema.experiments, eq(schema.experiments.id, schema.runs.experimentId))
    .where(and(eq(mv.projectId, projectId), or(eq(mv.datasetVersionId, datasetVersionId), inArray(mv.runId, runsOfVersion))))
    .orderBy(desc(mv.createdAt), desc(mv.id))
    .limit(LINEAGE_ITEM_LIMIT);
  if (rows.length === 0) return [];
  const aliasRows = await db
    .select({ versionId: schema.modelAliases.versionId, alias: schema.modelAliases.alias })
    .from(schema.modelAliases)
    .where(
      inArray(
        schema.modelAliases.versionId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(schema.modelAliases.alias));
  const aliases = new Map<string, string[]>();
  for (const a of aliasRows) aliases.set(a.versionId, [...(aliases.get(a.versionId) ?? []), a.alias]);
  return rows.map((row) => ({
    id: row.id,
    model: row.model,
    version: row.version,
    runId: row.runId,
    experiment: { id: row.experimentId, name: row.experimentName },
    status: row.status,
    aliases: aliases.get(row.id) ?? [],
    createdAt: iso(row.createdAt),
  }));
}

/** Deployments whose current revision routes (live or shadow) to one of these model versions. */
async function deploymentsRouting(db: DbOrTx, projectId: string, versions: LineageModelVersion[]): Promise<LineageDeployment[]> {
  if (versions.length === 0) return [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const d = schema.deployments;
  const rev = schema.deploymentRevisions;
  const modelIds = db.select({ id: schema.modelVersions.modelId }).from(schema.modelVersions).where(inArray(schema.modelVersions.id, [...byId.keys()]));
  const rows = await db
    .select({ name: d.name, environment: d.environment, routes: rev.routes })
    .from(d)
    .innerJoin(rev, and(eq(rev.deploymentId, d.id), eq(rev.revision, d.currentRevision)))
    .where(and(eq(d.projectId, projectId), inArray(d.modelId, modelIds)))
    .orderBy(asc(sql`lower(${d.name})`));
  return rows.flatMap((row) =>
    row.routes.flatMap((route) => {
      const v = byId.get(route.versionId);
      return v ? [{ name: row.name, environment: row.environment, model: v.model, version: v.version, mode: route.mode, percent: route.weight }] : [];
    }),
  );
}

/** Dataset versions by id, named by dataset and number. */
async function versionRefs(db: DbOrTx, ids: string[]): Promise<Map<string, DatasetVersionRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: schema.datasetVersions.id, version: schema.datasetVersions.version, dataset: schema.datasets.name })
    .from(schema.datasetVersions)
    .innerJoin(schema.datasets, eq(schema.datasets.id, schema.datasetVersions.datasetId))
    .where(inArray(schema.datasetVersions.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row]));
}

/** Model versions by id, named by model and number. */
async function modelVersionRefs(db: DbOrTx, ids: string[]): Promise<Map<string, { id: string; model: string; version: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: schema.modelVersions.id, version: schema.modelVersions.version, model: schema.registeredModels.name })
    .from(schema.modelVersions)
    .innerJoin(schema.registeredModels, eq(schema.registeredModels.id, schema.modelVersions.modelId))
    .where(inArray(schema.modelVersions.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row]));
}

/** The batch score that wrote this version: the one its `source_ref` names, else the first whose output it is. */
async function derivedFrom(db: DbOrTx, projectId: string, version: VersionRow): Promise<DatasetVersionLineage["derivedFrom"]> {
  const b = schema.batchScores;
  const [named] =
    version.source === "job" && version.sourceRef !== null
      ? await db
          .select()
          .from(b)
          .where(and(eq(b.projectId, projectId), eq(b.id, version.sourceRef)))
          .limit(1)
      : [];
  const [row] = named
    ? [named]
    : await db
        .select()
        .from(b)
        .where(and(eq(b.projectId, projectId), eq(b.outputDatasetVersionId, version.id)))
        .orderBy(asc(b.createdAt), asc(b.id))
        .limit(1);
  if (!row) return null;
  const input = (await versionRefs(db, [row.inputDatasetVersionId])).get(row.inputDatasetVersionId);
  const model = (await modelVersionRefs(db, [row.modelVersionId])).get(row.modelVersionId);
  if (!input || !model) return null;
  return { batchScoreId: row.id, input, model, createdAt: iso(row.createdAt) };
}

/** Batch scores that read this version, newest first, with the versions they wrote. */
async function scoredInto(db: DbOrTx, projectId: string, datasetVersionId: string): Promise<LineageScoredInto[]> {
  const b = schema.batchScores;
  const rows: BatchScoreRow[] = await db
    .select()
    .from(b)
    .where(and(eq(b.projectId, projectId), eq(b.inputDatasetVersionId, datasetVersionId)))
    .orderBy(desc(b.createdAt), desc(b.id))
    .limit(LINEAGE_ITEM_LIMIT);
  if (rows.length === 0) return [];
  const outputs = await versionRefs(
    db,
    rows.flatMap((row) => (row.outputDatasetVersionId ? [row.outputDatasetVersionId] : [])),
  );
  const models = await modelVersionRefs(
    db,
    rows.map((row) => row.modelVersionId),
  );
  return rows.flatMap((row) => {
    const model = models.get(row.modelVersionId);
    if (!model) return [];
    return [
      {
        batchScoreId: row.id,
        status: row.status,
        model,
        outputDataset: row.outputDatasetName,
        output: row.outputDatasetVersionId ? (outputs.get(row.outputDatasetVersionId) ?? null) : null,
        createdAt: iso(row.createdAt),
      },
    ];
  });
}
