/** Batch scoring: a model version scores a dataset version; the result is a new dataset version. */
import { z } from "zod";
import { ZIsoDate, ZProjectSlug } from "./common";
import { ZActorName, ZDatasetName, ZVersionRef } from "./datasets";
import { ZModelName, ZVersionNumber } from "./registry";

export const BATCH_SCORE_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export const ZBatchScoreStatus = z.enum(BATCH_SCORE_STATUSES);
export type BatchScoreStatus = z.infer<typeof ZBatchScoreStatus>;

export const ZBatchScoreId = z.string().regex(/^bs_[0-9a-z]{26}$/, "must be a batch score id (bs_…)");

export const ZStartBatchScoreInput = z.object({
  project: ZProjectSlug,
  model: ZModelName,
  version: ZVersionNumber,
  /** The input dataset (by name) and its version (a number or `latest`). */
  dataset: ZDatasetName,
  datasetVersion: ZVersionRef.default("latest"),
  /** Where the output version goes; default `<dataset>-scored-<model>`, created when missing. */
  outputDataset: ZDatasetName.optional(),
});
export type StartBatchScoreInput = z.input<typeof ZStartBatchScoreInput>;

export const ZBatchScoreInput = z.object({ project: ZProjectSlug, id: ZBatchScoreId });
export type BatchScoreInput = z.input<typeof ZBatchScoreInput>;

export const ZListBatchScoresInput = z.object({
  project: ZProjectSlug,
  /** Only this model's batch scores. */
  model: ZModelName.optional(),
  /** Only batch scores that read from or wrote to this dataset. */
  dataset: ZDatasetName.optional(),
  status: ZBatchScoreStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListBatchScoresInput = z.input<typeof ZListBatchScoresInput>;

const ZDatasetVersionRef = z.object({
  datasetId: z.string(),
  dataset: z.string(),
  versionId: z.string(),
  version: z.number().int(),
});

export const ZBatchScore = z.object({
  id: z.string(),
  status: ZBatchScoreStatus,
  model: z.object({ id: z.string(), name: z.string(), versionId: z.string(), version: z.number().int() }),
  /** The dataset version that was scored (the output version's parent in the lineage). */
  input: ZDatasetVersionRef,
  /** The output dataset; `versionId`/`version` once the job succeeded. */
  output: z.object({
    dataset: z.string(),
    datasetId: z.string().nullable(),
    versionId: z.string().nullable(),
    version: z.number().int().nullable(),
  }),
  /** The columns the output adds to the input's: `prediction`, then `probability_<label>` per class. */
  outputColumns: z.array(z.string()),
  rowsTotal: z.number().int(),
  rowsScored: z.number().int(),
  error: z.string().nullable(),
  /** Where a failure lies, e.g. `{ path: "rows[3].age", message: … }`. */
  errorDetails: z.array(z.object({ path: z.string(), message: z.string() })),
  /** The queue job (pg-boss uuid) and how many attempts it has made. */
  jobId: z.string().nullable(),
  attempts: z.number().int(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
  startedAt: ZIsoDate.nullable(),
  endedAt: ZIsoDate.nullable(),
  updatedAt: ZIsoDate,
});
export type BatchScore = z.infer<typeof ZBatchScore>;

export const ZBatchScoreList = z.object({ items: z.array(ZBatchScore) });
export type BatchScoreList = z.infer<typeof ZBatchScoreList>;
