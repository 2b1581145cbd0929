import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, integer } from "drizzle-orm/pg-core";
import { datasetVersions } from "./datasets";
import { projects } from "./projects";
import { modelVersions } from "./registry";
import { users } from "./users";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

export const batchScoreStatus = pgEnum("batch_score_status", ["queued", "running", "succeeded", "failed"]);

/**
 * One batch-scoring job: a model version scores every row of an input dataset version; the result
 * becomes a new version of the output dataset (`source = job`, `source_ref` = this row's id). This
 * row is the lineage of that version (input version, model version, queue job) and the job's
 * visible progress. It changes while the job runs (status, rows scored, error), never after it ends.
 */
export const batchScores = pgTable(
  "batch_scores",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    modelVersionId: text("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    inputDatasetVersionId: text("input_dataset_version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    /** The dataset the output version goes to (created by the job when missing). */
    outputDatasetName: text("output_dataset_name").notNull(),
    /** Set when the job succeeds. */
    outputDatasetVersionId: text("output_dataset_version_id").references(() => datasetVersions.id, { onDelete: "set null" }),
    status: batchScoreStatus("status").notNull().default("queued"),
    /** Rows of the input version (known when queued). */
    rowsTotal: bigint("rows_total", { mode: "number" }).notNull(),
    rowsScored: bigint("rows_scored", { mode: "number" }).notNull().default(0),
    error: text("error"),
    /** `[{path, message}]` naming the row and column of a failure. */
    errorDetails: jsonb("error_details").$type<{ path: string; message: string }[]>(),
    /** The pg-boss job (uuid). */
    jobId: text("job_id"),
    attempts: integer("attempts").notNull().default(0),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    startedAt: ts("started_at"),
    endedAt: ts("ended_at"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("batch_scores_project_idx").on(t.projectId, t.createdAt),
    index("batch_scores_model_version_idx").on(t.modelVersionId, t.createdAt),
    index("batch_scores_input_version_idx").on(t.inputDatasetVersionId),
    index("batch_scores_output_version_idx").on(t.outputDatasetVersionId),
  ],
);
