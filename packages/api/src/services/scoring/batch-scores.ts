/**
 * Batch scoring, the caller's side: start a batch score (checked before anything is queued; the
 * row, the queue job and the audit event are one transaction), read one, list them.
 */
import { and, eq, inArray, newId, or, schema, sql, type SQL } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { insertJobInTransaction } from "../../jobs/send";
import {
  ZBatchScoreInput,
  ZListBatchScoresInput,
  ZStartBatchScoreInput,
  type BatchScore,
  type BatchScoreInput,
  type ListBatchScoresInput,
  type StartBatchScoreInput,
} from "../../schemas/scoring";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { columnsOf, findDataset, findVersion as findDatasetVersion } from "../datasets/common";
import { findModel, findVersion as findModelVersion } from "../registry/common";
import { defaultOutputName, findBatchScore, newestFirst, outputColumnsOf, scoringSignature, toBatchScore, toBatchScores } from "./common";

/**
 * Queues a batch score: model version `version` of `model` scores version `datasetVersion` of
 * `dataset`; the worker writes the result as a new version of `outputDataset` (default
 * `<dataset>-scored-<model>`, created when missing). Refused up front (nothing written): an
 * archived version, a signature Keel cannot score with, an input version without one of the
 * model's inputs, input columns named like the output columns, an output dataset that is the input.
 */
export async function startBatchScore(ctx: ServiceContext, rawInput: StartBatchScoreInput): Promise<BatchScore> {
  const input = ZStartBatchScoreInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.score");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const modelVersion = await findModelVersion(ctx.db, model, input.version);
  const label = `Version ${modelVersion.version} of model '${model.name}'`;
  if (modelVersion.status === "archived") {
    throw new KeelError("CONFLICT", `${label} is archived: archived versions are not used for scoring.`, [{ path: "version", message: "archived" }]);
  }
  const signature = scoringSignature(modelVersion.signature, label);
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  const datasetVersion = await findDatasetVersion(ctx.db, dataset, input.datasetVersion);
  const columns = columnsOf(datasetVersion).map((c) => c.name);
  const missing = signature.inputs.filter((i) => !columns.includes(i.name)).map((i) => i.name);
  if (missing.length > 0) {
    throw new KeelError(
      "BAD_REQUEST",
      `Version ${datasetVersion.version} of dataset '${dataset.name}' lacks the model's input column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}.`,
      missing.map((m) => ({ path: `datasetVersion.columns.${m}`, message: "missing: the model needs it" })),
    );
  }
  const outputColumns = outputColumnsOf(signature);
  const clashes = outputColumns.filter((c) => columns.includes(c));
  if (clashes.length > 0) {
    throw new KeelError(
      "BAD_REQUEST",
      `Version ${datasetVersion.version} of dataset '${dataset.name}' already has the column${clashes.length > 1 ? "s" : ""} ${clashes.map((c) => `'${c}'`).join(", ")} that scoring adds: score a version without them.`,
      clashes.map((c) => ({ path: `datasetVersion.columns.${c}`, message: "would be overwritten by the scores" })),
    );
  }
  const outputName = input.outputDataset ?? defaultOutputName(dataset.name, model.name);
  if (outputName.toLowerCase() === dataset.name.toLowerCase()) {
    throw new KeelError("BAD_REQUEST", `The output dataset cannot be the input dataset '${dataset.name}': scores go to a dataset of their own.`, [
      { path: "outputDataset", message: "is the input dataset" },
    ]);
  }
  const id = newId("batchScore");
  await ctx.db.transaction(async (tx) => {
    const now = new Date();
    await tx.insert(schema.batchScores).values({
      id,
      projectId: access.project.id,
      modelVersionId: modelVersion.id,
      inputDatasetVersionId: datasetVersion.id,
      outputDatasetName: outputName,
      status: "queued",
      rowsTotal: datasetVersion.rowCount,
      createdBy: actorUserId(ctx),
      createdAt: now,
      updatedAt: now,
    });
    const jobId = await insertJobInTransaction(tx, "batch-score", { batchScoreId: id });
    await tx.update(schema.batchScores).set({ jobId }).where(eq(schema.batchScores.id, id));
    await writeAuditEvent(tx, ctx, {
      action: "registry.batch_score.create",
      entityType: "batch_score",
      entityId: id,
      projectId: access.project.id,
      before: null,
      after: {
        model: model.name,
        version: modelVersion.version,
        modelVersionId: modelVersion.id,
        dataset: dataset.name,
        datasetVersion: datasetVersion.version,
        datasetVersionId: datasetVersion.id,
        outputDataset: outputName,
        rows: datasetVersion.rowCount,
        jobId,
      },
    });
  });
  return toBatchScore(ctx.db, await findBatchScore(ctx.db, access.project.id, id));
}

/** One batch score: status, progress, error and lineage (model version, input and output versions, job). */
export async function getBatchScore(ctx: ServiceContext, rawInput: BatchScoreInput): Promise<BatchScore> {
  const input = ZBatchScoreInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  return toBatchScore(ctx.db, await findBatchScore(ctx.db, access.project.id, input.id));
}

/** The project's batch scores, newest first; by model, by dataset (read or written) or by status. */
export async function listBatchScores(ctx: ServiceContext, rawInput: ListBatchScoresInput): Promise<BatchScore[]> {
  const input = ZListBatchScoresInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "registry.read");
  const t = schema.batchScores;
  const conditions: (SQL | undefined)[] = [eq(t.projectId, access.project.id)];
  if (input.status) conditions.push(eq(t.status, input.status));
  if (input.model) {
    const model = await findModel(ctx.db, access.project.id, input.model);
    conditions.push(inArray(t.modelVersionId, ctx.db.select({ id: schema.modelVersions.id }).from(schema.modelVersions).where(eq(schema.modelVersions.modelId, model.id))));
  }
  if (input.dataset) {
    const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
    const versions = ctx.db.select({ id: schema.datasetVersions.id }).from(schema.datasetVersions).where(eq(schema.datasetVersions.datasetId, dataset.id));
    conditions.push(or(inArray(t.inputDatasetVersionId, versions), inArray(t.outputDatasetVersionId, versions), sql`lower(${t.outputDatasetName}) = lower(${dataset.name})`));
  }
  const rows = await ctx.db
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(...newestFirst)
    .limit(input.limit);
  return toBatchScores(ctx.db, rows);
}
