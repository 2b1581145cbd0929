import { TABULAR_FORMATS, ZColumnProfile, ZColumnSchema, ZQualityReport, ZQualityRule } from "@keel/ml/tabular";
import { z } from "zod";
import { ZIsoDate, ZProjectSlug } from "./common";

/** Dataset names appear in URLs and file names: letters, digits, `_ . -`, starting with a letter or digit. */
export const ZDatasetName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. credit-default)");

/** A version number, or `latest`. Path parameters arrive as strings over REST. */
export const ZVersionRef = z.coerce
  .string()
  .regex(/^(latest|[1-9][0-9]{0,8})$/, "must be a version number (1, 2, …) or 'latest'")
  .transform((v): number | "latest" => (v === "latest" ? "latest" : Number(v)));

export const ZDatasetInput = z.object({ project: ZProjectSlug, dataset: ZDatasetName });
export type DatasetInput = z.input<typeof ZDatasetInput>;

export const ZCreateDatasetInput = z.object({
  project: ZProjectSlug,
  name: ZDatasetName,
  description: z.string().trim().max(2000, "must be at most 2,000 characters").default(""),
});
export type CreateDatasetInput = z.input<typeof ZCreateDatasetInput>;

export const ZUpdateDatasetInput = ZDatasetInput.extend({
  description: z.string().trim().max(2000, "must be at most 2,000 characters"),
});
export type UpdateDatasetInput = z.input<typeof ZUpdateDatasetInput>;

export const DATASET_SORTS = ["updated", "created", "name"] as const;
export const ZListDatasetsInput = z.object({
  project: ZProjectSlug,
  search: z.string().trim().max(100).optional(),
  sort: z.enum(DATASET_SORTS).default("updated"),
  order: z.enum(["asc", "desc"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListDatasetsInput = z.input<typeof ZListDatasetsInput>;

export const ZVersionInput = ZDatasetInput.extend({ version: ZVersionRef });
export type VersionInput = z.input<typeof ZVersionInput>;

export const ZVersionRowsInput = ZVersionInput.extend({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500, "at most 500 rows per page").default(50),
});
export type VersionRowsInput = z.input<typeof ZVersionRowsInput>;

export const ZCompareVersionsInput = ZDatasetInput.extend({ base: ZVersionRef, target: ZVersionRef });
export type CompareVersionsInput = z.input<typeof ZCompareVersionsInput>;

/** The whole rule set of a dataset; each rule's `id` is the caller's name for it (e.g. `age-range`). */
export const ZSetQualityRulesInput = ZDatasetInput.extend({
  rules: z
    .array(ZQualityRule)
    .max(200, "at most 200 rules per dataset")
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((r, i) => {
        if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `rule id '${r.id}' is used twice` });
        seen.add(r.id);
      });
    }),
});
export type SetQualityRulesInput = z.input<typeof ZSetQualityRulesInput>;

export const ZOverrideQualityInput = ZVersionInput.extend({
  reason: z.string().trim().min(10, "explain in at least 10 characters why this version may be used").max(2000),
});
export type OverrideQualityInput = z.input<typeof ZOverrideQualityInput>;

export const ZActorName = z.object({ id: z.string(), name: z.string() }).nullable();

export const ZDatasetVersionSummary = z.object({
  id: z.string(),
  datasetId: z.string(),
  version: z.number().int(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  format: z.enum(TABULAR_FORMATS),
  source: z.enum(["upload", "job"]),
  sourceRef: z.string().nullable(),
  filename: z.string().nullable(),
  rowCount: z.number().int(),
  columnCount: z.number().int(),
  qualityStatus: z.enum(["pass", "warn", "fail"]),
  /** True when a data scientist recorded a reason to use this failing version anyway. */
  qualityOverridden: z.boolean(),
  parentVersion: z.number().int().nullable(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
});
export type DatasetVersionSummary = z.infer<typeof ZDatasetVersionSummary>;

export const ZSchemaChanges = z.object({
  /** The version compared against (the parent), or null for a first version. */
  against: z.number().int().nullable(),
  added: z.array(ZColumnSchema),
  removed: z.array(ZColumnSchema),
  changed: z.array(z.object({ name: z.string(), from: ZColumnSchema, to: ZColumnSchema })),
  reordered: z.boolean(),
});

export const ZQualityOverride = z.object({
  id: z.string(),
  reason: z.string(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
});

export const ZDatasetVersion = ZDatasetVersionSummary.extend({
  dataset: z.string(),
  columns: z.array(ZColumnSchema),
  dialect: z.object({ delimiter: z.string(), quote: z.string(), bom: z.boolean() }).nullable(),
  quality: ZQualityReport,
  profile: z.object({ columns: z.array(ZColumnProfile) }),
  schemaChanges: ZSchemaChanges,
  overrides: z.array(ZQualityOverride),
});
export type DatasetVersion = z.infer<typeof ZDatasetVersion>;

export const ZDataset = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  qualityRules: z.array(ZQualityRule),
  versionCount: z.number().int(),
  latestVersion: ZDatasetVersionSummary.nullable(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type Dataset = z.infer<typeof ZDataset>;

export const ZDatasetList = z.object({ items: z.array(ZDataset), nextCursor: z.string().nullable() });
export type DatasetList = z.infer<typeof ZDatasetList>;

export const ZVersionRows = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  offset: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
});
export type VersionRows = z.infer<typeof ZVersionRows>;

export const ZVersionComparison = z.object({
  base: ZDatasetVersionSummary,
  target: ZDatasetVersionSummary,
  schemaDiff: ZSchemaChanges.omit({ against: true }),
  rowCount: z.object({ reference: z.number().int(), current: z.number().int(), delta: z.number().int() }),
  columns: z.array(
    z.object({
      name: z.string(),
      type: ZColumnSchema.shape.type,
      method: z.enum(["psi_numeric", "psi_categorical", "none"]),
      psi: z.number().nullable(),
      level: z.enum(["stable", "moderate", "major"]).nullable(),
      bins: z.array(z.object({ label: z.string(), reference: z.number(), current: z.number() })),
      reason: z.string().optional(),
    }),
  ),
});
export type VersionComparison = z.infer<typeof ZVersionComparison>;

/** The REST upload's query options (the body is the file). */
export const ZUploadOptions = z.object({
  format: z.enum(TABULAR_FORMATS).optional(),
  delimiter: z
    .string()
    .refine((d) => [",", ";", "\t", "|", "tab"].includes(d), { message: "must be one of , ; | tab" })
    .transform((d) => (d === "tab" ? "\t" : d))
    .optional(),
  quote: z.enum(['"', "'"]).optional(),
  filename: z.string().max(255).optional(),
});
export type UploadOptions = z.infer<typeof ZUploadOptions>;

// ── Lineage ───────────────────────────────────────────────────────────────────

/** How many runs the lineage lists (the total is always given). */
export const LINEAGE_RUN_LIMIT = 100;
/** How many model versions and batch scores the lineage lists. */
export const LINEAGE_ITEM_LIMIT = 100;

/** A dataset version named by its dataset and number. */
export const ZDatasetVersionRef = z.object({ id: z.string(), dataset: z.string(), version: z.number().int() });
export type DatasetVersionRef = z.infer<typeof ZDatasetVersionRef>;

/** A model version named by its model and number. */
export const ZLineageModelVersionRef = z.object({ id: z.string(), model: z.string(), version: z.number().int() });

export const ZLineageRun = z.object({
  id: z.string(),
  number: z.number().int(),
  name: z.string(),
  experiment: z.object({ id: z.string(), name: z.string() }),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  createdAt: ZIsoDate,
});
export type LineageRun = z.infer<typeof ZLineageRun>;

export const ZLineageModelVersion = ZLineageModelVersionRef.extend({
  runId: z.string(),
  /** The experiment of the run it was registered from (run pages live under it). */
  experiment: z.object({ id: z.string(), name: z.string() }),
  status: z.enum(["ready", "archived"]),
  aliases: z.array(z.string()),
  createdAt: ZIsoDate,
});
export type LineageModelVersion = z.infer<typeof ZLineageModelVersion>;

export const ZLineageDeployment = z.object({
  name: z.string(),
  environment: z.enum(["staging", "production"]),
  model: z.string(),
  version: z.number().int(),
  mode: z.enum(["live", "shadow"]),
  /** Percent of live traffic; null for a shadow route. */
  percent: z.number().int().nullable(),
});
export type LineageDeployment = z.infer<typeof ZLineageDeployment>;

export const ZLineageBatchScoreStatus = z.enum(["queued", "running", "succeeded", "failed"]);

/** A batch score that read this version (and the version it wrote, once it succeeded). */
export const ZLineageScoredInto = z.object({
  batchScoreId: z.string(),
  status: ZLineageBatchScoreStatus,
  model: ZLineageModelVersionRef,
  outputDataset: z.string(),
  output: ZDatasetVersionRef.nullable(),
  createdAt: ZIsoDate,
});
export type LineageScoredInto = z.infer<typeof ZLineageScoredInto>;

/** Where a dataset version came from and where it went: MLflow/W&B-style artifact lineage. */
export const ZDatasetVersionLineage = z.object({
  dataset: z.string(),
  version: z.number().int(),
  /** Runs that trained on this version, newest first (at most LINEAGE_RUN_LIMIT; `total` counts all). */
  runs: z.object({ total: z.number().int(), items: z.array(ZLineageRun) }),
  /** Model versions registered from those runs (or recorded with this dataset version), newest first. */
  modelVersions: z.array(ZLineageModelVersion),
  /** Deployments whose current traffic routes to one of those model versions. */
  deployments: z.array(ZLineageDeployment),
  /** Set when a batch score wrote this version: what it read and which model version scored it. */
  derivedFrom: z
    .object({
      batchScoreId: z.string(),
      input: ZDatasetVersionRef,
      model: ZLineageModelVersionRef,
      createdAt: ZIsoDate,
    })
    .nullable(),
  /** Batch scores that read this version, newest first. */
  scoredInto: z.array(ZLineageScoredInto),
});
export type DatasetVersionLineage = z.infer<typeof ZDatasetVersionLineage>;
