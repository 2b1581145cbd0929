import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { datasetVersions } from "./datasets";
import { runs } from "./experiments";
import { projects } from "./projects";
import { users } from "./users";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/** A model version is `ready` until archived; archiving is the one change a trigger allows. */
export const modelVersionStatus = pgEnum("model_version_status", ["ready", "archived"]);

/** What a model version takes and gives: the run's features (typed from the dataset) and task. */
export interface ModelSignatureJson {
  inputs: { name: string; type: string }[];
  output: { task: string; labels?: (string | number | boolean)[] };
}

/** A file of a model version, copied from the run's artifacts (content-addressed). */
export interface ModelArtifactJson {
  path: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * A named model of a project (`fraud-scorer`). Versions are numbered 1, 2, 3… from
 * `nextVersion` under a row lock. `protectedAliases` move only through an approved promotion.
 */
export const registeredModels = pgTable(
  "registered_models",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    protectedAliases: text("protected_aliases")
      .array()
      .notNull()
      .default(sql`'{production}'::text[]`),
    nextVersion: integer("next_version").notNull().default(1),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("registered_models_project_name_key").on(t.projectId, sql`lower(${t.name})`)],
);

/**
 * One registered version of a model: a succeeded training run frozen with its signature, metrics
 * snapshot and artifacts. Immutable (a trigger) except `status` going ready → archived.
 */
export const modelVersions = pgTable(
  "model_versions",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => registeredModels.id, { onDelete: "cascade" }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id),
    datasetVersionId: text("dataset_version_id").references(() => datasetVersions.id),
    status: modelVersionStatus("status").notNull().default("ready"),
    signature: jsonb("signature").$type<ModelSignatureJson>().notNull(),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull(),
    artifacts: jsonb("artifacts").$type<ModelArtifactJson[]>().notNull(),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("model_versions_model_version_key").on(t.modelId, t.version),
    uniqueIndex("model_versions_model_run_key").on(t.modelId, t.runId),
    index("model_versions_project_idx").on(t.projectId, t.createdAt),
    index("model_versions_run_idx").on(t.runId),
  ],
);

/** The model card of a version (markdown), editable after registration. */
export const modelCards = pgTable("model_cards", {
  versionId: text("version_id")
    .primaryKey()
    .references(() => modelVersions.id, { onDelete: "cascade" }),
  intendedUse: text("intended_use").notNull().default(""),
  limitations: text("limitations").notNull().default(""),
  ethicalConsiderations: text("ethical_considerations").notNull().default(""),
  updatedBy: text("updated_by").references(() => users.id),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** Which version an alias (`staging`, `production`, `champion`) points at now: one per alias. */
export const modelAliases = pgTable(
  "model_aliases",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => registeredModels.id, { onDelete: "cascade" }),
    alias: text("alias").notNull(),
    versionId: text("version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "model_aliases_pkey", columns: [t.modelId, t.alias] }), index("model_aliases_version_idx").on(t.versionId)],
);

/**
 * Every move of an alias, append-only (a trigger refuses UPDATE and DELETE): `toVersionId` null
 * means the alias was removed. What served when is read from here.
 */
export const modelAliasEvents = pgTable(
  "model_alias_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => registeredModels.id, { onDelete: "cascade" }),
    alias: text("alias").notNull(),
    fromVersionId: text("from_version_id"),
    toVersionId: text("to_version_id"),
    actorId: text("actor_id"),
    actorName: text("actor_name").notNull(),
    reason: text("reason").notNull().default(""),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [index("model_alias_events_model_alias_idx").on(t.modelId, t.alias, t.at, t.id)],
);
