/**
 * The `batch-score` job's body: claim the batch score, load the model version's Predictor, check
 * every row of the input version against the signature (a bad row fails the job naming its row and
 * column, and nothing is written), then predict in chunks while the scored rows stream as CSV into
 * the artifact store, profile that file exactly as an upload is profiled, and record the output
 * version, the output dataset (when new), the batch score's success and their audit events in one
 * transaction.
 *
 * Idempotent (delivery is at least once): a batch score that already ended is skipped; the output
 * is content-addressed and the final transaction re-checks the row under a lock, so a retry never
 * writes a second version.
 */
import { and, eq, inArray, newId, schema, sql, type DbOrTx } from "@keel/db";
import type { Predictor, Signature } from "@keel/ml/serving";
import type { Cell } from "@keel/ml/tabular";
import { ArtifactIntegrityError, ArtifactNotFoundError, type StagedBlob } from "@keel/storage";
import { artifactStoreOf } from "../../artifacts";
import type { ServiceContext } from "../../context";
import { isKeelError } from "../../errors";
import { isNonRetryableJobError, NonRetryableJobError } from "../../jobs/errors";
import { writeAuditEvent } from "../audit";
import type { DatasetRow } from "../datasets/common";
import { insertDatasetVersion, openVersionSource, profileStagedVersion } from "../datasets/versions";
import { loadVersionPredictor } from "../serving/predictor";
import { outputColumnsOf, scoringSignature, type BatchScoreRow } from "./common";
import { csvLine, describeProblem, predictionCells, problemPath, RowChecker, type RowProblem } from "./rows";

/** Rows per `predict` call (and per progress update). */
export const DEFAULT_SCORE_CHUNK_ROWS = 1024;
/** The most bad cells one failure lists. */
const MAX_PROBLEMS = 20;

export interface RunBatchScoreInput {
  batchScoreId: string;
  /** The job's last attempt: an error that could be retried fails the batch score for good. */
  lastAttempt?: boolean;
  signal?: AbortSignal;
  /** Rows per predict call (default 1024). */
  chunkRows?: number;
}

export type RunBatchScoreResult =
  | { status: "succeeded"; batchScoreId: string; outputDatasetVersionId: string; rows: number; created: boolean }
  | { status: "skipped"; batchScoreId: string; reason: string };

type Details = { path: string; message: string }[];

function fail(message: string, details: Details = []): NonRetryableJobError {
  return new NonRetryableJobError(message, details);
}

/** Whether trying again cannot help: bad data, a broken model, a missing file, a refused rule. */
function permanent(err: unknown): boolean {
  return isNonRetryableJobError(err) || isKeelError(err) || err instanceof ArtifactNotFoundError || err instanceof ArtifactIntegrityError;
}

async function claim(db: DbOrTx, id: string): Promise<BatchScoreRow | string> {
  const t = schema.batchScores;
  const [row] = await db
    .update(t)
    .set({
      status: "running",
      attempts: sql`${t.attempts} + 1`,
      startedAt: sql`coalesce(${t.startedAt}, now())`,
      rowsScored: 0,
      error: null,
      errorDetails: null,
      updatedAt: new Date(),
    })
    .where(and(eq(t.id, id), inArray(t.status, ["queued", "running"])))
    .returning();
  if (row) return row;
  const [ended] = await db.select({ status: t.status }).from(t).where(eq(t.id, id));
  if (!ended) throw fail(`No batch score ${id}.`);
  return `batch score ${id} already ${ended.status}`;
}

interface Loaded {
  row: BatchScoreRow;
  model: { id: string; name: string; versionId: string; version: number; signature: Signature; artifacts: { path: string; sha256: string }[] };
  input: typeof schema.datasetVersions.$inferSelect;
  inputDataset: DatasetRow;
}

async function load(db: DbOrTx, row: BatchScoreRow): Promise<Loaded> {
  const [mv] = await db
    .select({ version: schema.modelVersions, name: schema.registeredModels.name })
    .from(schema.modelVersions)
    .innerJoin(schema.registeredModels, eq(schema.registeredModels.id, schema.modelVersions.modelId))
    .where(eq(schema.modelVersions.id, row.modelVersionId));
  if (!mv) throw fail(`The model version ${row.modelVersionId} of batch score ${row.id} no longer exists.`);
  const [input] = await db.select().from(schema.datasetVersions).where(eq(schema.datasetVersions.id, row.inputDatasetVersionId));
  const [inputDataset] = input ? await db.select().from(schema.datasets).where(eq(schema.datasets.id, input.datasetId)) : [];
  if (!input || !inputDataset) throw fail(`The dataset version ${row.inputDatasetVersionId} of batch score ${row.id} no longer exists.`);
  const label = `Version ${mv.version.version} of model '${mv.name}'`;
  return {
    row,
    model: {
      id: mv.version.modelId,
      name: mv.name,
      versionId: mv.version.id,
      version: mv.version.version,
      signature: scoringSignature(mv.version.signature, label),
      artifacts: mv.version.artifacts,
    },
    input,
    inputDataset,
  };
}

async function progress(db: DbOrTx, id: string, rowsScored: number): Promise<void> {
  await db
    .update(schema.batchScores)
    .set({ rowsScored, updatedAt: new Date() })
    .where(and(eq(schema.batchScores.id, id), eq(schema.batchScores.status, "running")));
}

/** Ends a batch score as failed, with its audit event, in one transaction (once: an ended row is left alone). */
async function recordFailure(ctx: ServiceContext, id: string, message: string, details: Details): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [cur] = await tx.select().from(schema.batchScores).where(eq(schema.batchScores.id, id)).for("update");
    if (!cur || cur.status === "succeeded" || cur.status === "failed") return;
    const now = new Date();
    await tx
      .update(schema.batchScores)
      .set({ status: "failed", error: message, errorDetails: details, endedAt: now, updatedAt: now })
      .where(eq(schema.batchScores.id, id));
    await writeAuditEvent(tx, ctx, {
      action: "registry.batch_score.failed",
      entityType: "batch_score",
      entityId: id,
      projectId: cur.projectId,
      before: { status: cur.status },
      after: { status: "failed", error: message, details, attempts: cur.attempts },
    });
  });
}

/** Checks every row; throws (naming rows and columns) when any cell is unusable. Returns the row count. */
async function validate(loaded: Loaded, checker: RowChecker, source: Awaited<ReturnType<typeof openVersionSource>>, signal: AbortSignal | undefined): Promise<number> {
  const problems: RowProblem[] = [];
  let rows = 0;
  let more = 0;
  for await (const batch of source.batches({ signal })) {
    batch.rows.forEach((cells, i) => {
      const found: RowProblem[] = [];
      checker.check(cells, batch.firstRow + i, found);
      for (const p of found) {
        if (problems.length < MAX_PROBLEMS) problems.push(p);
        else more += 1;
      }
    });
    rows += batch.rows.length;
  }
  if (problems.length > 0) {
    const first = problems[0] as RowProblem;
    const total = problems.length + more;
    const what = `version ${loaded.input.version} of dataset '${loaded.inputDataset.name}'`;
    const message = `Cannot score ${what}: ${describeProblem(first)}${total > 1 ? ` (and ${total - 1} more problem${total > 2 ? "s" : ""})` : ""}. Nothing was written.`;
    const details: Details = problems.map((p) => ({ path: problemPath(p), message: p.message }));
    if (more > 0) details.push({ path: "rows", message: `… and ${more} more problem${more > 1 ? "s" : ""}` });
    throw fail(message, details);
  }
  return rows;
}

/** The scored rows as CSV (header, then the input's cells, the prediction and the probabilities), chunk by chunk. */
async function* scoredCsv(
  ctx: ServiceContext,
  loaded: Loaded,
  predictor: Predictor,
  checker: RowChecker,
  source: Awaited<ReturnType<typeof openVersionSource>>,
  chunkRows: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const { signature } = loaded.model;
  const labels = signature.output.task === "regression" ? [] : (signature.output.labels ?? []);
  yield Buffer.from(csvLine([...source.columns, ...outputColumnsOf(signature)]));
  let scored = 0;
  let pending: Cell[][] = [];
  const flush = async (): Promise<Uint8Array> => {
    let predictions;
    try {
      predictions = await predictor.predict(pending.map((cells) => checker.features(cells)));
    } catch (err) {
      throw fail(`The model could not score rows ${scored + 1}–${scored + pending.length}: ${err instanceof Error ? err.message : String(err)}`);
    }
    let text = "";
    pending.forEach((cells, i) => {
      const p = predictions[i];
      if (!p) throw new Error(`the predictor returned ${predictions.length} predictions for ${pending.length} rows`);
      text += csvLine([...cells, ...predictionCells(p, labels)]);
    });
    scored += pending.length;
    pending = [];
    await progress(ctx.db, loaded.row.id, scored);
    return Buffer.from(text);
  };
  for await (const batch of source.batches({ signal })) {
    for (const cells of batch.rows) {
      pending.push(cells);
      if (pending.length >= chunkRows) yield await flush();
    }
  }
  if (pending.length > 0) yield await flush();
}

/** Finds the output dataset in the transaction, or creates it (with its audit event). */
async function outputDatasetIn(tx: DbOrTx, ctx: ServiceContext, loaded: Loaded): Promise<DatasetRow> {
  const { row } = loaded;
  const [found] = await tx
    .select()
    .from(schema.datasets)
    .where(and(eq(schema.datasets.projectId, row.projectId), sql`lower(${schema.datasets.name}) = lower(${row.outputDatasetName})`))
    .limit(1);
  if (found) return found;
  const now = new Date();
  const [created] = await tx
    .insert(schema.datasets)
    .values({
      id: newId("dataset"),
      projectId: row.projectId,
      name: row.outputDatasetName,
      description: `Scores of model '${loaded.model.name}' on dataset '${loaded.inputDataset.name}' (batch scoring).`,
      createdBy: row.createdBy,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!created) throw new Error("insert returned no row");
  await writeAuditEvent(tx, ctx, {
    action: "dataset.create",
    entityType: "dataset",
    entityId: created.id,
    projectId: row.projectId,
    before: null,
    after: { name: created.name, description: created.description, batchScoreId: row.id },
  });
  return created;
}

async function score(ctx: ServiceContext, loaded: Loaded, input: RunBatchScoreInput): Promise<RunBatchScoreResult> {
  const { row, model } = loaded;
  const store = artifactStoreOf(ctx);
  if (!(await store.has(loaded.input.sha256))) {
    throw fail(`The file of dataset version ${loaded.input.id} (sha256 ${loaded.input.sha256}) is missing from the artifact store.`);
  }
  let predictor: Predictor;
  try {
    predictor = await loadVersionPredictor(store, { id: model.versionId, version: model.version, signature: model.signature, artifacts: model.artifacts }, { batchSize: input.chunkRows ?? DEFAULT_SCORE_CHUNK_ROWS });
  } catch (err) {
    if (permanent(err)) throw err;
    throw fail(`Version ${model.version} of model '${model.name}' could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
  let staged: StagedBlob | undefined;
  let committed = false;
  try {
    const source = await openVersionSource(ctx, loaded.input);
    const checker = new RowChecker(model.signature, predictor.pipeline, source.columns);
    if (checker.missingColumns.length > 0) {
      throw fail(
        `Version ${loaded.input.version} of dataset '${loaded.inputDataset.name}' lacks the model's input column${checker.missingColumns.length > 1 ? "s" : ""} ${checker.missingColumns.map((c) => `'${c}'`).join(", ")}. Nothing was written.`,
        checker.missingColumns.map((c) => ({ path: `columns.${c}`, message: "missing: the model needs it" })),
      );
    }
    const clashes = outputColumnsOf(model.signature).filter((c) => source.columns.includes(c));
    if (clashes.length > 0) {
      throw fail(
        `Version ${loaded.input.version} of dataset '${loaded.inputDataset.name}' already has the column${clashes.length > 1 ? "s" : ""} ${clashes.map((c) => `'${c}'`).join(", ")} that scoring adds. Nothing was written.`,
        clashes.map((c) => ({ path: `columns.${c}`, message: "would be overwritten by the scores" })),
      );
    }
    const rows = await validate(loaded, checker, source, input.signal);
    staged = await store.stage(scoredCsv(ctx, loaded, predictor, checker, source, input.chunkRows ?? DEFAULT_SCORE_CHUNK_ROWS, input.signal), { signal: input.signal });
    const [existing] = await ctx.db
      .select()
      .from(schema.datasets)
      .where(and(eq(schema.datasets.projectId, row.projectId), sql`lower(${schema.datasets.name}) = lower(${row.outputDatasetName})`))
      .limit(1);
    const filename = `${loaded.inputDataset.name}-v${loaded.input.version}-scored-${model.name}-v${model.version}.csv`;
    const profiled = await profileStagedVersion(ctx, existing ?? null, staged, { format: "csv", delimiter: ",", quote: '"', signal: input.signal });
    if (profiled.result.rowCount !== rows) throw new Error(`the scored file has ${profiled.result.rowCount} rows, the input ${rows}`);

    // Artifacts first (content-addressed: a retry rewrites the same bytes), rows last.
    await staged.commit();
    committed = true;
    return await ctx.db.transaction(async (tx): Promise<RunBatchScoreResult> => {
      const [cur] = await tx.select().from(schema.batchScores).where(eq(schema.batchScores.id, row.id)).for("update");
      if (!cur) throw fail(`Batch score ${row.id} was deleted while it ran.`);
      if (cur.status === "succeeded" || cur.status === "failed") return { status: "skipped", batchScoreId: row.id, reason: `batch score ${row.id} already ${cur.status}` };
      const dataset = await outputDatasetIn(tx, ctx, loaded);
      const version = await insertDatasetVersion(tx, ctx, { dataset, profiled, source: "job", sourceRef: row.id, filename, createdBy: row.createdBy });
      const now = new Date();
      await tx
        .update(schema.batchScores)
        .set({ status: "succeeded", outputDatasetVersionId: version.row.id, rowsScored: rows, error: null, errorDetails: null, endedAt: now, updatedAt: now })
        .where(eq(schema.batchScores.id, row.id));
      await writeAuditEvent(tx, ctx, {
        action: "registry.batch_score.succeeded",
        entityType: "batch_score",
        entityId: row.id,
        projectId: row.projectId,
        before: { status: cur.status },
        after: {
          status: "succeeded",
          rows,
          modelVersionId: model.versionId,
          inputDatasetVersionId: loaded.input.id,
          outputDataset: dataset.name,
          outputDatasetVersionId: version.row.id,
          outputVersion: version.row.version,
          sha256: version.row.sha256,
          newVersion: version.created,
          jobId: cur.jobId,
        },
      });
      return { status: "succeeded", batchScoreId: row.id, outputDatasetVersionId: version.row.id, rows, created: version.created };
    });
  } finally {
    predictor.dispose();
    if (staged && !committed) await staged.discard();
  }
}

/**
 * Runs one batch score (the worker's `batch-score` handler calls it with the job's attempt). A
 * problem that trying again cannot fix ends the batch score as failed and throws a
 * NonRetryableJobError; any other error throws as is (the queue retries it), after recording the
 * failure when this was the last attempt.
 */
export async function runBatchScore(ctx: ServiceContext, input: RunBatchScoreInput): Promise<RunBatchScoreResult> {
  const claimed = await claim(ctx.db, input.batchScoreId);
  if (typeof claimed === "string") return { status: "skipped", batchScoreId: input.batchScoreId, reason: claimed };
  try {
    return await score(ctx, await load(ctx.db, claimed), input);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (input.signal?.aborted) {
      // The worker is stopping or the job ran past its expiry: the queue retries it.
      await ctx.db
        .update(schema.batchScores)
        .set({ status: "queued", error: `Attempt ${claimed.attempts} was stopped: ${message}`, updatedAt: new Date() })
        .where(and(eq(schema.batchScores.id, claimed.id), eq(schema.batchScores.status, "running")))
        .catch(() => undefined);
      throw err;
    }
    if (permanent(err) || input.lastAttempt === true) {
      const details: Details = isNonRetryableJobError(err) && Array.isArray(err.details) ? (err.details as Details) : isKeelError(err) ? err.details.map((d) => ({ path: d.path ?? "", message: d.message })) : [];
      await recordFailure(ctx, claimed.id, message, details);
      throw isNonRetryableJobError(err) ? err : new NonRetryableJobError(message, details);
    }
    await ctx.db
      .update(schema.batchScores)
      .set({ status: "queued", error: `Attempt ${claimed.attempts} failed (it will be retried): ${message}`, updatedAt: new Date() })
      .where(and(eq(schema.batchScores.id, claimed.id), eq(schema.batchScores.status, "running")));
    throw err;
  }
}
