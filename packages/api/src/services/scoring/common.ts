/** Lookups, names and row → DTO mapping shared by the batch-scoring services. */
import { desc, eq, inArray, schema, type DbOrTx } from "@keel/db";
import { ZSignature, type Signature } from "@keel/ml/serving";
import { getJob } from "../../jobs/send";
import { KeelError } from "../../errors";
import { ZDatasetName } from "../../schemas/datasets";
import type { BatchScore } from "../../schemas/scoring";
import { actorRef, userNames } from "../datasets/common";
import { iso } from "../dto";

export type BatchScoreRow = typeof schema.batchScores.$inferSelect;

/** The column every output row gets, then one `probability_<label>` per class for classifiers. */
export const PREDICTION_COLUMN = "prediction";

export function outputColumnsOf(signature: Signature): string[] {
  const labels = signature.output.task === "regression" ? [] : (signature.output.labels ?? []);
  return [PREDICTION_COLUMN, ...labels.map((l) => `probability_${String(l)}`)];
}

/** The model version's signature, or a 409 saying why it cannot be scored. */
export function scoringSignature(raw: unknown, label: string): Signature {
  const parsed = ZSignature.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new KeelError("CONFLICT", `${label} has a signature Keel cannot score with (${problems}).`, [{ path: "version", message: "unusable signature" }]);
}

/** `<dataset>-scored-<model>`, or a 400 when that is not a valid dataset name (too long). */
export function defaultOutputName(dataset: string, model: string): string {
  const name = `${dataset}-scored-${model}`;
  const parsed = ZDatasetName.safeParse(name);
  if (!parsed.success) {
    throw new KeelError("BAD_REQUEST", `The default output dataset name '${name}' is not a valid dataset name: give outputDataset.`, [
      { path: "outputDataset", message: "required: the default name is too long" },
    ]);
  }
  return parsed.data;
}

export async function findBatchScore(db: DbOrTx, projectId: string, id: string): Promise<BatchScoreRow> {
  const [row] = await db.select().from(schema.batchScores).where(eq(schema.batchScores.id, id)).limit(1);
  if (!row || row.projectId !== projectId) throw new KeelError("NOT_FOUND", `No batch score ${id} in this project.`, [{ path: "id", message: "not found" }]);
  return row;
}

function detailsOf(raw: unknown): { path: string; message: string }[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((d: unknown) =>
    typeof d === "object" && d !== null && "path" in d && "message" in d && typeof d.path === "string" && typeof d.message === "string"
      ? [{ path: d.path, message: d.message }]
      : [],
  );
}

/**
 * The queue's word on a batch score the database still shows as queued or running: when its job
 * failed for good (e.g. its last attempt's worker was killed), the batch score has failed.
 */
async function queueVerdict(db: DbOrTx, row: BatchScoreRow): Promise<{ status: "failed"; error: string } | null> {
  if ((row.status !== "queued" && row.status !== "running") || row.jobId === null) return null;
  const job = await getJob(db, row.jobId);
  if (!job || (job.state !== "failed" && job.state !== "cancelled")) return null;
  const output = job.output;
  const message = typeof output === "object" && output !== null && "message" in output && typeof output.message === "string" ? output.message : `the job was ${job.state}`;
  return { status: "failed", error: `The batch-score job ${job.state === "failed" ? "failed" : "was cancelled"}: ${message}` };
}

export async function toBatchScores(db: DbOrTx, rows: BatchScoreRow[]): Promise<BatchScore[]> {
  if (rows.length === 0) return [];
  const versionIds = [...new Set(rows.flatMap((r) => [r.inputDatasetVersionId, ...(r.outputDatasetVersionId ? [r.outputDatasetVersionId] : [])]))];
  const modelVersionIds = [...new Set(rows.map((r) => r.modelVersionId))];
  const [versions, models, names] = await Promise.all([
    db
      .select({ id: schema.datasetVersions.id, version: schema.datasetVersions.version, datasetId: schema.datasets.id, dataset: schema.datasets.name })
      .from(schema.datasetVersions)
      .innerJoin(schema.datasets, eq(schema.datasets.id, schema.datasetVersions.datasetId))
      .where(inArray(schema.datasetVersions.id, versionIds)),
    db
      .select({ versionId: schema.modelVersions.id, version: schema.modelVersions.version, signature: schema.modelVersions.signature, id: schema.registeredModels.id, name: schema.registeredModels.name })
      .from(schema.modelVersions)
      .innerJoin(schema.registeredModels, eq(schema.registeredModels.id, schema.modelVersions.modelId))
      .where(inArray(schema.modelVersions.id, modelVersionIds)),
    userNames(
      db,
      rows.map((r) => r.createdBy),
    ),
  ]);
  const versionBy = new Map(versions.map((v) => [v.id, v]));
  const modelBy = new Map(models.map((m) => [m.versionId, m]));
  const out: BatchScore[] = [];
  for (const r of rows) {
    const input = versionBy.get(r.inputDatasetVersionId);
    const model = modelBy.get(r.modelVersionId);
    if (!input || !model) throw new Error(`batch score ${r.id}: its input or model version vanished`);
    const output = r.outputDatasetVersionId ? versionBy.get(r.outputDatasetVersionId) : undefined;
    const signature = ZSignature.safeParse(model.signature);
    const verdict = await queueVerdict(db, r);
    out.push({
      id: r.id,
      status: verdict?.status ?? r.status,
      model: { id: model.id, name: model.name, versionId: model.versionId, version: model.version },
      input: { datasetId: input.datasetId, dataset: input.dataset, versionId: input.id, version: input.version },
      output: {
        dataset: output?.dataset ?? r.outputDatasetName,
        datasetId: output?.datasetId ?? null,
        versionId: output?.id ?? null,
        version: output?.version ?? null,
      },
      outputColumns: signature.success ? outputColumnsOf(signature.data) : [PREDICTION_COLUMN],
      rowsTotal: r.rowsTotal,
      rowsScored: r.rowsScored,
      error: verdict?.error ?? r.error,
      errorDetails: detailsOf(r.errorDetails),
      jobId: r.jobId,
      attempts: r.attempts,
      createdBy: actorRef(r.createdBy, names),
      createdAt: iso(r.createdAt),
      startedAt: iso(r.startedAt),
      endedAt: iso(r.endedAt),
      updatedAt: iso(r.updatedAt),
    });
  }
  return out;
}

export async function toBatchScore(db: DbOrTx, row: BatchScoreRow): Promise<BatchScore> {
  const [dto] = await toBatchScores(db, [row]);
  if (!dto) throw new Error("batch score vanished");
  return dto;
}

/** The newest batch scores first. */
export const newestFirst = [desc(schema.batchScores.createdAt), desc(schema.batchScores.id)] as const;
