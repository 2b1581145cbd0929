/**
 * Model versions: register a succeeded training run as the next version of a model (signature,
 * metrics snapshot and artifacts frozen on the row), read one with its lineage and card, archive
 * it, and edit its model card.
 */
import { and, desc, eq, newId, schema, sql, type DbOrTx } from "@keel/db";
import { z } from "zod";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { ZModelTask } from "../../schemas/experiments";
import {
  ZModelInput,
  ZModelSignature,
  ZModelVersionInput,
  ZRegisterModelVersionInput,
  ZUpdateModelCardInput,
  type ModelCard,
  type ModelInput,
  type ModelSignature,
  type ModelVersion,
  type ModelVersionInput,
  type ModelVersionSummary,
  type RegisterModelVersionInput,
  type UpdateModelCardInput,
} from "../../schemas/registry";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { actorRef, userNames } from "../datasets/common";
import { isUniqueViolation, iso } from "../dto";
import { findModel, findVersion, toVersionSummaries, type ModelRow, type VersionRow } from "./common";

/** The files a registered version must have: what serving and batch scoring load. */
export const REQUIRED_ARTIFACTS = ["model/model.json", "model/weights.bin", "pipeline.json"] as const;

const ZColumns = z.array(z.object({ name: z.string(), type: z.string() }).loose());
const ZLabels = z.array(z.union([z.string(), z.number(), z.boolean()]));

function runError(code: "NOT_FOUND" | "CONFLICT" | "BAD_REQUEST", message: string, detail: string): KeelError {
  return new KeelError(code, message, [{ path: "runId", message: detail }]);
}

/** What the version takes and gives: the run's features typed from its dataset version, its task and labels. */
async function signatureOf(tx: DbOrTx, run: typeof schema.runs.$inferSelect): Promise<ModelSignature> {
  const features = z.array(z.string()).safeParse(run.features);
  const task = ZModelTask.safeParse(run.task);
  if (!features.success || features.data.length === 0 || !task.success) {
    throw runError("BAD_REQUEST", `Run ${run.id} does not record its features and task: it cannot be registered.`, "has no features or task");
  }
  const types = new Map<string, string>();
  if (run.datasetVersionId) {
    const [dv] = await tx.select({ columns: schema.datasetVersions.columns }).from(schema.datasetVersions).where(eq(schema.datasetVersions.id, run.datasetVersionId));
    const cols = ZColumns.safeParse(dv?.columns ?? []);
    if (cols.success) for (const c of cols.data) types.set(c.name, c.type);
  }
  const labels = ZLabels.safeParse(run.summary?.labels);
  return {
    inputs: features.data.map((name) => ({ name, type: types.get(name) ?? "unknown" })),
    output: { task: task.data, ...(labels.success && task.data !== "regression" ? { labels: labels.data } : {}) },
  };
}

export async function registerModelVersion(ctx: ServiceContext, rawInput: RegisterModelVersionInput): Promise<ModelVersion> {
  const input = ZRegisterModelVersionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.write");
  let versionNumber: number;
  try {
    versionNumber = await ctx.db.transaction(async (tx) => {
      // The model's row lock numbers versions one at a time.
      const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
      const [run] = await tx
        .select()
        .from(schema.runs)
        .where(and(eq(schema.runs.projectId, access.project.id), eq(schema.runs.id, input.runId)))
        .limit(1);
      if (!run) throw runError("NOT_FOUND", `No run ${input.runId} in this project.`, "not found in this project");
      if (run.kind !== "training") {
        throw runError("BAD_REQUEST", `Run ${run.id} is a ${run.kind} run: only a training run trained by Keel can be registered.`, `is a ${run.kind} run`);
      }
      if (run.status !== "succeeded") {
        throw runError("CONFLICT", `Run ${run.id} has not succeeded (${run.status}): only a succeeded run can be registered.`, `is ${run.status}`);
      }
      const [already] = await tx
        .select({ version: schema.modelVersions.version })
        .from(schema.modelVersions)
        .where(and(eq(schema.modelVersions.modelId, model.id), eq(schema.modelVersions.runId, run.id)));
      if (already) {
        throw runError("CONFLICT", `Run ${run.id} is already registered as version ${already.version} of '${model.name}'.`, `already registered as version ${already.version}`);
      }
      const artifacts = await tx
        .select({ path: schema.runArtifacts.path, sha256: schema.runArtifacts.sha256, sizeBytes: schema.runArtifacts.sizeBytes })
        .from(schema.runArtifacts)
        .where(eq(schema.runArtifacts.runId, run.id))
        .orderBy(schema.runArtifacts.path);
      const missing = REQUIRED_ARTIFACTS.filter((p) => !artifacts.some((a) => a.path === p));
      if (missing.length > 0) {
        throw runError("BAD_REQUEST", `Run ${run.id} lacks the model artifacts ${missing.join(", ")}: it cannot be registered.`, `missing artifacts: ${missing.join(", ")}`);
      }
      const signature = await signatureOf(tx, run);
      const metricRows = await tx
        .select({ key: schema.runLatestMetrics.key, value: schema.runLatestMetrics.value })
        .from(schema.runLatestMetrics)
        .where(eq(schema.runLatestMetrics.runId, run.id))
        .orderBy(schema.runLatestMetrics.key);
      const metrics = Object.fromEntries(metricRows.map((m) => [m.key, m.value]));
      const version = model.nextVersion;
      const now = new Date();
      await tx.update(schema.registeredModels).set({ nextVersion: version + 1, updatedAt: now }).where(eq(schema.registeredModels.id, model.id));
      const id = newId("modelVersion");
      await tx.insert(schema.modelVersions).values({
        id,
        modelId: model.id,
        projectId: access.project.id,
        version,
        runId: run.id,
        datasetVersionId: run.datasetVersionId,
        status: "ready",
        signature,
        metrics,
        artifacts,
        createdBy: actorUserId(ctx),
        createdAt: now,
      });
      await tx.insert(schema.modelCards).values({ versionId: id, updatedBy: actorUserId(ctx), updatedAt: now });
      await writeAuditEvent(tx, ctx, {
        action: "registry.version.create",
        entityType: "model_version",
        entityId: id,
        projectId: access.project.id,
        before: null,
        after: { model: model.name, version, runId: run.id, datasetVersionId: run.datasetVersionId, signature, metrics, artifacts: artifacts.map((a) => ({ path: a.path, sha256: a.sha256 })) },
      });
      return version;
    });
  } catch (err) {
    if (isUniqueViolation(err, "model_versions_model_run_key")) {
      throw runError("CONFLICT", `Run ${input.runId} is already registered in model '${input.model}'.`, "already registered");
    }
    throw err;
  }
  return getModelVersion(ctx, { project: input.project, model: input.model, version: versionNumber });
}

export async function listModelVersions(ctx: ServiceContext, rawInput: ModelInput): Promise<ModelVersionSummary[]> {
  const input = ZModelInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const rows = await ctx.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.modelId, model.id)).orderBy(desc(schema.modelVersions.version));
  return toVersionSummaries(ctx.db, model, rows);
}

async function toVersionDetail(db: DbOrTx, model: ModelRow, row: VersionRow): Promise<ModelVersion> {
  const [summary] = await toVersionSummaries(db, model, [row]);
  if (!summary) throw new Error("version vanished");
  const [card] = await db.select().from(schema.modelCards).where(eq(schema.modelCards.versionId, row.id));
  const [run] = await db
    .select({ run: schema.runs, experimentName: schema.experiments.name })
    .from(schema.runs)
    .innerJoin(schema.experiments, eq(schema.experiments.id, schema.runs.experimentId))
    .where(eq(schema.runs.id, row.runId));
  if (!run) throw new Error("run vanished");
  const [dataset] = row.datasetVersionId
    ? await db
        .select({ id: schema.datasets.id, name: schema.datasets.name, versionId: schema.datasetVersions.id, version: schema.datasetVersions.version, sha256: schema.datasetVersions.sha256 })
        .from(schema.datasetVersions)
        .innerJoin(schema.datasets, eq(schema.datasets.id, schema.datasetVersions.datasetId))
        .where(eq(schema.datasetVersions.id, row.datasetVersionId))
    : [];
  const names = await userNames(db, [run.run.createdBy, card?.updatedBy ?? null]);
  const modelCard: ModelCard = {
    intendedUse: card?.intendedUse ?? "",
    limitations: card?.limitations ?? "",
    ethicalConsiderations: card?.ethicalConsiderations ?? "",
    updatedBy: actorRef(card?.updatedBy ?? null, names),
    updatedAt: iso(card?.updatedAt ?? row.createdAt),
  };
  return {
    ...summary,
    signature: ZModelSignature.parse(row.signature),
    artifacts: row.artifacts,
    card: modelCard,
    lineage: {
      run: { id: run.run.id, name: run.run.name, number: run.run.number, experiment: { id: run.run.experimentId, name: run.experimentName }, family: run.run.family },
      dataset: dataset ?? null,
      trainedBy: actorRef(run.run.createdBy, names),
      trainedAt: iso(run.run.endedAt),
    },
  };
}

/** One version with its signature, artifacts, model card and lineage (run, dataset, who, when). */
export async function getModelVersion(ctx: ServiceContext, rawInput: ModelVersionInput): Promise<ModelVersion> {
  const input = ZModelVersionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  return toVersionDetail(ctx.db, model, await findVersion(ctx.db, model, input.version));
}

/**
 * Archives a version (the one change a version allows). A version an alias points at is not
 * archived: move the alias first, so nothing resolves to an archived version.
 */
export async function archiveVersion(ctx: ServiceContext, rawInput: ModelVersionInput): Promise<ModelVersion> {
  const input = ZModelVersionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.write");
  await ctx.db.transaction(async (tx) => {
    const model = await findModel(tx, access.project.id, input.model, { forUpdate: true });
    const row = await findVersion(tx, model, input.version);
    if (row.status === "archived") {
      throw new KeelError("CONFLICT", `Version ${row.version} of '${model.name}' is already archived.`, [{ path: "version", message: "already archived" }]);
    }
    const held = await tx.select({ alias: schema.modelAliases.alias }).from(schema.modelAliases).where(eq(schema.modelAliases.versionId, row.id));
    if (held.length > 0) {
      const list = held.map((h) => h.alias).sort();
      throw new KeelError("CONFLICT", `Version ${row.version} of '${model.name}' is aliased as ${list.join(", ")}: move or remove the alias first.`, [
        { path: "version", message: `holds aliases: ${list.join(", ")}` },
      ]);
    }
    await tx.update(schema.modelVersions).set({ status: "archived" }).where(eq(schema.modelVersions.id, row.id));
    await tx.update(schema.registeredModels).set({ updatedAt: new Date() }).where(eq(schema.registeredModels.id, model.id));
    await writeAuditEvent(tx, ctx, {
      action: "registry.version.archive",
      entityType: "model_version",
      entityId: row.id,
      projectId: access.project.id,
      before: { status: row.status },
      after: { status: "archived" },
    });
  });
  return getModelVersion(ctx, { project: input.project, model: input.model, version: input.version });
}

/** Edits the model card's prose (markdown); fields not given keep their text. */
export async function updateModelCard(ctx: ServiceContext, rawInput: UpdateModelCardInput): Promise<ModelVersion> {
  const input = ZUpdateModelCardInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.write");
  const changes = {
    ...(input.intendedUse !== undefined ? { intendedUse: input.intendedUse } : {}),
    ...(input.limitations !== undefined ? { limitations: input.limitations } : {}),
    ...(input.ethicalConsiderations !== undefined ? { ethicalConsiderations: input.ethicalConsiderations } : {}),
  };
  if (Object.keys(changes).length === 0) {
    throw new KeelError("BAD_REQUEST", "Nothing to change: give intendedUse, limitations or ethicalConsiderations.", [{ path: "intendedUse", message: "nothing to change" }]);
  }
  await ctx.db.transaction(async (tx) => {
    const model = await findModel(tx, access.project.id, input.model);
    const row = await findVersion(tx, model, input.version);
    const [before] = await tx.select().from(schema.modelCards).where(eq(schema.modelCards.versionId, row.id)).for("update");
    await tx
      .insert(schema.modelCards)
      .values({ versionId: row.id, ...changes, updatedBy: actorUserId(ctx), updatedAt: new Date() })
      .onConflictDoUpdate({ target: schema.modelCards.versionId, set: { ...changes, updatedBy: actorUserId(ctx), updatedAt: sql`now()` } });
    await writeAuditEvent(tx, ctx, {
      action: "registry.card.update",
      entityType: "model_version",
      entityId: row.id,
      projectId: access.project.id,
      before: before ? { intendedUse: before.intendedUse, limitations: before.limitations, ethicalConsiderations: before.ethicalConsiderations } : null,
      after: changes,
    });
  });
  return getModelVersion(ctx, { project: input.project, model: input.model, version: input.version });
}
