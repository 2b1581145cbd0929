/**
 * Dataset versions: upload (stage → parse and profile → commit the blob → one transaction for
 * the row and its audit event), read, rows, download and the quality override.
 */
import type { Readable } from "node:stream";
import { and, desc, eq, newId, schema, type DbOrTx } from "@keel/db";
import {
  detectFormat,
  openTabular,
  prewarmProfiler,
  profileSource,
  readRowRange,
  TabularInputError,
  type CsvDialect,
  type ProfileResult,
  type TabularFormat,
  type TabularSource,
} from "@keel/ml/tabular";
import { BlobTooLargeError, type StagedBlob } from "@keel/storage";
import { artifactStoreOf, maxUploadBytesOf } from "../../artifacts";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import {
  ZDatasetInput,
  ZOverrideQualityInput,
  ZUploadOptions,
  ZVersionInput,
  ZVersionRowsInput,
  type DatasetInput,
  type DatasetVersion,
  type DatasetVersionSummary,
  type OverrideQualityInput,
  type UploadOptions,
  type VersionInput,
  type VersionRows,
  type VersionRowsInput,
} from "../../schemas/datasets";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { columnsOf, findDataset, findVersion, rulesOf, toVersionDetail, toVersionSummary, versionContext, type DatasetRow, type VersionRow } from "./common";

export interface UploadVersionInput extends DatasetInput, Partial<UploadOptions> {
  /** The file's bytes, streamed. */
  body: AsyncIterable<Uint8Array> | Readable;
  contentType?: string;
  /** Content-Length when the client sent one: refused before reading when over the limit. */
  contentLength?: number;
  signal?: AbortSignal;
  /** `job` for versions written by Keel's own jobs (batch scoring). */
  source?: "upload" | "job";
  sourceRef?: string;
}

export interface UploadResult {
  /** False when these exact bytes already were a version of this dataset (nothing new was stored). */
  created: boolean;
  version: DatasetVersion;
}

/** Uploads at least this large (or of unknown size) start the profiler's worker thread early. */
const PREWARM_BYTES = 16 * 1024 * 1024;

function formatLimit(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && Number.isInteger(v / 1024)) {
    v /= 1024;
    u++;
  }
  return `${v} ${units[u] ?? "bytes"}`;
}

function tooLarge(limit: number): KeelError {
  return new KeelError("PAYLOAD_TOO_LARGE", `The file is larger than the upload limit of ${formatLimit(limit)} (KEEL_MAX_UPLOAD_BYTES).`, [
    { path: "file", message: `over ${limit} bytes` },
  ]);
}

/** A problem with the file's content → 422 naming the problem and the first rows. */
export function fileProblem(err: TabularInputError): KeelError {
  const rows = err.rows.map((r) => ({ path: `rows[${r}]`, message: err.problem }));
  return new KeelError("UNPROCESSABLE_CONTENT", err.message, [{ path: "file", message: err.problem }, ...rows]);
}

/**
 * Uploads a file as a new version of a dataset. The same bytes again return the existing
 * version (`created: false`). A file that cannot be read leaves nothing behind: no row, no blob.
 */
export async function uploadDatasetVersion(ctx: ServiceContext, rawInput: UploadVersionInput): Promise<UploadResult> {
  const { project, dataset: datasetName } = ZDatasetInput.parse(rawInput);
  const options = ZUploadOptions.parse({
    format: rawInput.format,
    delimiter: rawInput.delimiter,
    quote: rawInput.quote,
    filename: rawInput.filename,
  });
  const access = await requireProjectAccess(ctx, project, "dataset.write");
  const dataset = await findDataset(ctx.db, access.project.id, datasetName);
  const limit = maxUploadBytesOf(ctx);
  if (rawInput.contentLength !== undefined && rawInput.contentLength > limit) throw tooLarge(limit);

  const store = artifactStoreOf(ctx);
  // The profiler's worker thread loads its code while the file is received and hashed.
  if (rawInput.contentLength === undefined || rawInput.contentLength >= PREWARM_BYTES) prewarmProfiler();
  let staged: StagedBlob;
  try {
    staged = await store.stage(rawInput.body, { maxBytes: limit, signal: rawInput.signal });
  } catch (err) {
    if (err instanceof BlobTooLargeError) throw tooLarge(limit);
    throw err;
  }
  let committed = false;
  try {
    const existing = await existingVersion(ctx, dataset, staged.sha256);
    if (existing) return { created: false, version: existing };
    if (staged.size === 0) throw new KeelError("UNPROCESSABLE_CONTENT", "The file is empty.", [{ path: "file", message: "empty_file" }]);

    const profiled = await profileStagedVersion(ctx, dataset, staged, {
      format: options.format,
      delimiter: options.delimiter,
      quote: options.quote,
      contentType: rawInput.contentType,
      filename: options.filename,
      signal: rawInput.signal,
    });

    // Artifacts first (content-addressed: a retry rewrites the same bytes), rows last.
    await staged.commit();
    committed = true;
    const row = await ctx.db.transaction((tx) =>
      insertDatasetVersion(tx, ctx, {
        dataset,
        profiled,
        source: rawInput.source ?? "upload",
        sourceRef: rawInput.sourceRef ?? null,
        filename: options.filename ?? null,
      }),
    );
    return { created: row.created, version: await toVersionDetail(ctx.db, dataset, row.row) };
  } finally {
    if (!committed) await staged.discard();
  }
}

/** A staged file read and profiled as the next version of a dataset would be: not yet committed to the store nor recorded. */
export interface ProfiledVersion {
  sha256: string;
  sizeBytes: number;
  format: TabularFormat;
  dialect: CsvDialect | null;
  result: ProfileResult;
}

export interface ProfileStagedOptions {
  format?: TabularFormat;
  delimiter?: string;
  quote?: string;
  /** Hints for detecting the format when `format` is not given. */
  contentType?: string;
  filename?: string;
  signal?: AbortSignal;
}

/**
 * Parses and profiles a staged file against the dataset's quality rules and its latest version's
 * schema (`dataset` null: a dataset that does not exist yet, so no rules and no previous schema).
 * Content that cannot be read throws the 422 of `fileProblem`. Neither commits nor discards the blob.
 * Uploads and jobs that write versions (batch scoring) both go through it.
 */
export async function profileStagedVersion(
  ctx: ServiceContext,
  dataset: DatasetRow | null,
  staged: StagedBlob,
  options: ProfileStagedOptions = {},
): Promise<ProfiledVersion> {
  const format: TabularFormat = options.format ?? (await detectFormat(staged.path, { contentType: options.contentType, filename: options.filename }));
  const [previous] = dataset
    ? await ctx.db
        .select()
        .from(schema.datasetVersions)
        .where(eq(schema.datasetVersions.datasetId, dataset.id))
        .orderBy(desc(schema.datasetVersions.version))
        .limit(1)
    : [];
  let source: TabularSource;
  let result: ProfileResult;
  try {
    source = await openTabular(staged.path, { format, delimiter: options.delimiter, quote: options.quote });
    result = await profileSource(source, {
      rules: dataset ? rulesOf(dataset) : [],
      previousSchema: previous ? columnsOf(previous) : null,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof TabularInputError) throw fileProblem(err);
    throw err;
  }
  return { sha256: staged.sha256, sizeBytes: staged.size, format, dialect: source.dialect ?? null, result };
}

export interface InsertVersionInput {
  dataset: DatasetRow;
  /** The profiled file; its blob must already be committed to the artifact store. */
  profiled: ProfiledVersion;
  source: "upload" | "job";
  sourceRef: string | null;
  filename: string | null;
  /** Who the version is credited to; default the caller. */
  createdBy?: string | null;
}

/**
 * Inside the caller's transaction: locks the dataset, then returns the version that already has
 * these bytes (`created: false`) or inserts the next version and writes its audit event.
 */
export async function insertDatasetVersion(tx: DbOrTx, ctx: ServiceContext, input: InsertVersionInput): Promise<{ row: VersionRow; created: boolean }> {
  const { dataset, profiled } = input;
  const [locked] = await tx.select().from(schema.datasets).where(eq(schema.datasets.id, dataset.id)).for("update");
  if (!locked) throw new KeelError("NOT_FOUND", `Dataset '${dataset.name}' was deleted during the upload.`);
  const [dup] = await tx
    .select()
    .from(schema.datasetVersions)
    .where(and(eq(schema.datasetVersions.datasetId, dataset.id), eq(schema.datasetVersions.sha256, profiled.sha256)))
    .limit(1);
  if (dup) return { row: dup, created: false };
  const [parent] = await tx
    .select({ id: schema.datasetVersions.id })
    .from(schema.datasetVersions)
    .where(eq(schema.datasetVersions.datasetId, dataset.id))
    .orderBy(desc(schema.datasetVersions.version))
    .limit(1);
  const now = new Date();
  const { result } = profiled;
  const [inserted] = await tx
    .insert(schema.datasetVersions)
    .values({
      id: newId("datasetVersion"),
      datasetId: dataset.id,
      projectId: locked.projectId,
      version: locked.nextVersion,
      sha256: profiled.sha256,
      sizeBytes: profiled.sizeBytes,
      format: profiled.format,
      dialect: profiled.dialect,
      source: input.source,
      sourceRef: input.sourceRef,
      parentVersionId: parent?.id ?? null,
      filename: input.filename,
      rowCount: result.rowCount,
      columnCount: result.schema.length,
      columns: result.schema,
      profile: result.profile,
      quality: result.quality,
      qualityStatus: result.quality.status,
      createdBy: input.createdBy === undefined ? actorUserId(ctx) : input.createdBy,
      createdAt: now,
    })
    .returning();
  if (!inserted) throw new Error("insert returned no row");
  await tx.update(schema.datasets).set({ nextVersion: locked.nextVersion + 1, updatedAt: now }).where(eq(schema.datasets.id, dataset.id));
  await writeAuditEvent(tx, ctx, {
    action: "dataset.version.create",
    entityType: "dataset_version",
    entityId: inserted.id,
    projectId: locked.projectId,
    before: null,
    after: {
      dataset: dataset.name,
      version: inserted.version,
      sha256: inserted.sha256,
      sizeBytes: inserted.sizeBytes,
      format: profiled.format,
      rowCount: inserted.rowCount,
      columnCount: inserted.columnCount,
      qualityStatus: inserted.qualityStatus,
      source: inserted.source,
      ...(inserted.sourceRef !== null ? { sourceRef: inserted.sourceRef } : {}),
    },
  });
  return { row: inserted, created: true };
}

async function existingVersion(ctx: ServiceContext, dataset: DatasetRow, sha256: string): Promise<DatasetVersion | null> {
  const [row] = await ctx.db
    .select()
    .from(schema.datasetVersions)
    .where(and(eq(schema.datasetVersions.datasetId, dataset.id), eq(schema.datasetVersions.sha256, sha256)))
    .limit(1);
  return row ? toVersionDetail(ctx.db, dataset, row) : null;
}

export async function listDatasetVersions(ctx: ServiceContext, rawInput: DatasetInput): Promise<DatasetVersionSummary[]> {
  const input = ZDatasetInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  const rows = await ctx.db
    .select()
    .from(schema.datasetVersions)
    .where(eq(schema.datasetVersions.datasetId, dataset.id))
    .orderBy(desc(schema.datasetVersions.version));
  const vc = await versionContext(ctx.db, rows);
  return rows.map((r) => toVersionSummary(r, vc));
}

export async function getDatasetVersion(ctx: ServiceContext, rawInput: VersionInput): Promise<DatasetVersion> {
  const input = ZVersionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  return toVersionDetail(ctx.db, dataset, await findVersion(ctx.db, dataset, input.version));
}

/** Opens a stored version for reading rows again (the preview, comparisons, training). */
export async function openVersionSource(ctx: ServiceContext, row: VersionRow): Promise<TabularSource> {
  const path = await artifactStoreOf(ctx).localPath(row.sha256);
  return openTabular(path, { format: row.format, delimiter: row.dialect?.delimiter, quote: row.dialect?.quote });
}

export async function getVersionRows(ctx: ServiceContext, rawInput: VersionRowsInput): Promise<VersionRows> {
  const input = ZVersionRowsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  const row = await findVersion(ctx.db, dataset, input.version);
  const source = await openVersionSource(ctx, row);
  const rows = input.offset >= row.rowCount ? [] : await readRowRange(source, input.offset, input.limit);
  return { columns: source.columns, rows, offset: input.offset, limit: input.limit, total: row.rowCount };
}

const MEDIA_TYPES: Record<TabularFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson",
  parquet: "application/vnd.apache.parquet",
};

export interface VersionDownload {
  stream: Readable;
  size: number;
  contentType: string;
  /** Chosen by Keel from the dataset name and version, never taken from the upload. */
  filename: string;
  sha256: string;
}

export async function downloadDatasetVersion(ctx: ServiceContext, rawInput: VersionInput): Promise<VersionDownload> {
  const input = ZVersionInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  const row = await findVersion(ctx.db, dataset, input.version);
  const stream = await artifactStoreOf(ctx).openRead(row.sha256);
  return {
    stream,
    size: row.sizeBytes,
    contentType: MEDIA_TYPES[row.format],
    filename: `${dataset.name}-v${row.version}.${row.format}`,
    sha256: row.sha256,
  };
}

/** Records a data scientist's reason to train on a version that failed its quality checks. */
export async function overrideVersionQuality(ctx: ServiceContext, rawInput: OverrideQualityInput): Promise<DatasetVersion> {
  const input = ZOverrideQualityInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.quality.override");
  const dataset = await findDataset(ctx.db, access.project.id, input.dataset);
  const row = await findVersion(ctx.db, dataset, input.version);
  if (row.qualityStatus !== "fail") {
    throw new KeelError("CONFLICT", `Version ${row.version} of '${dataset.name}' did not fail its quality checks (${row.qualityStatus}): no override is needed.`);
  }
  await ctx.db.transaction(async (tx) => {
    const id = newId("datasetQualityOverride");
    await tx.insert(schema.datasetQualityOverrides).values({
      id,
      datasetVersionId: row.id,
      projectId: access.project.id,
      reason: input.reason,
      createdBy: actorUserId(ctx),
    });
    await writeAuditEvent(tx, ctx, {
      action: "dataset.version.quality_override",
      entityType: "dataset_version",
      entityId: row.id,
      projectId: access.project.id,
      before: { qualityStatus: row.qualityStatus, overridden: false },
      after: { qualityStatus: row.qualityStatus, overridden: true, reason: input.reason, overrideId: id },
    });
  });
  return toVersionDetail(ctx.db, dataset, row);
}

/**
 * The gate training calls before it reads a version: a version whose quality checks failed is
 * refused unless a data scientist recorded an override with a reason.
 */
export async function assertTrainableVersion(ctx: ServiceContext, datasetVersionId: string): Promise<VersionRow> {
  const [row] = await ctx.db.select().from(schema.datasetVersions).where(eq(schema.datasetVersions.id, datasetVersionId)).limit(1);
  if (!row) throw new KeelError("NOT_FOUND", `No dataset version ${datasetVersionId}.`, [{ path: "datasetVersionId", message: "not found" }]);
  if (row.qualityStatus !== "fail") return row;
  const [override] = await ctx.db
    .select({ id: schema.datasetQualityOverrides.id })
    .from(schema.datasetQualityOverrides)
    .where(eq(schema.datasetQualityOverrides.datasetVersionId, row.id))
    .limit(1);
  if (override) return row;
  throw new KeelError(
    "CONFLICT",
    `Version ${row.version} failed its quality checks. Fix the data and upload a new version, or have a data scientist override the checks with a written reason.`,
    [{ path: "datasetVersionId", message: "quality checks failed" }],
  );
}
