import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const datasetFormat = pgEnum("dataset_format", ["csv", "jsonl", "parquet"]);
/** Where a version's bytes came from: a person's upload, or a job's output (batch scoring, …). */
export const datasetVersionSource = pgEnum("dataset_version_source", ["upload", "job"]);
export const qualityStatus = pgEnum("quality_status", ["pass", "warn", "fail"]);

/**
 * A named dataset in a project. Its versions are immutable; the dataset itself carries what may
 * change: description and quality rules (checked on every new version). `nextVersion` is the
 * per-dataset counter that numbers versions 1, 2, 3… under a row lock (never MAX + 1).
 */
export const datasets = pgTable(
  "datasets",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Quality rules (validated by the service with @keel/ml's ZQualityRule). */
    qualityRules: jsonb("quality_rules").$type<unknown[]>().notNull().default([]),
    nextVersion: integer("next_version").notNull().default(1),
    createdBy: text("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("datasets_project_name_key").on(t.projectId, sql`lower(${t.name})`)],
);

/**
 * One immutable version of a dataset, identified by the sha256 of its bytes (which is also its
 * key in the artifact store). A trigger refuses UPDATE: corrections are new versions.
 */
export const datasetVersions = pgTable(
  "dataset_versions",
  {
    id: text("id").primaryKey(),
    datasetId: text("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    sha256: text("sha256").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    format: datasetFormat("format").notNull(),
    /** CSV dialect as detected: `{delimiter, quote, bom}`; null for other formats. */
    dialect: jsonb("dialect").$type<{ delimiter: string; quote: string; bom: boolean } | null>(),
    source: datasetVersionSource("source").notNull(),
    /** The job or run that produced a `job` version. */
    sourceRef: text("source_ref"),
    parentVersionId: text("parent_version_id").references((): AnyPgColumn => datasetVersions.id),
    /** The uploaded file's name, for display and downloads only (never a storage path). */
    filename: text("filename"),
    rowCount: bigint("row_count", { mode: "number" }).notNull(),
    columnCount: integer("column_count").notNull(),
    /** `[{name, type, nullable}]`. */
    columns: jsonb("columns").$type<unknown[]>().notNull(),
    profile: jsonb("profile").$type<unknown>().notNull(),
    /** The quality report `{status, checks}` computed when the version was created. */
    quality: jsonb("quality").$type<unknown>().notNull(),
    qualityStatus: qualityStatus("quality_status").notNull(),
    createdBy: text("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("dataset_versions_dataset_version_key").on(t.datasetId, t.version),
    uniqueIndex("dataset_versions_dataset_sha256_key").on(t.datasetId, t.sha256),
    index("dataset_versions_project_idx").on(t.projectId, t.createdAt),
    index("dataset_versions_sha256_idx").on(t.sha256),
  ],
);

/**
 * A data scientist's written decision to use a version whose quality checks failed (for
 * training). Versions never change, so the override is a row of its own.
 */
export const datasetQualityOverrides = pgTable(
  "dataset_quality_overrides",
  {
    id: text("id").primaryKey(),
    datasetVersionId: text("dataset_version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    createdBy: text("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("dataset_quality_overrides_version_idx").on(t.datasetVersionId, t.createdAt)],
);
