import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { registeredModels } from "./registry";
import { users } from "./users";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

export const deploymentEnvironment = pgEnum("deployment_environment", ["staging", "production"]);

/**
 * One route of a deployment's traffic: a `live` version answers its `weight` percent of requests
 * (live weights sum to 100); a `shadow` version gets a copy of every request, its answer only logged.
 */
export interface DeploymentRouteJson {
  versionId: string;
  version: number;
  mode: "live" | "shadow";
  /** Percent of live traffic (integer); null for a shadow route. */
  weight: number | null;
}

/** A deployment serves one model in an environment; its traffic is the current revision's routes. */
export const deployments = pgTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    modelId: text("model_id")
      .notNull()
      .references(() => registeredModels.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    environment: deploymentEnvironment("environment").notNull(),
    currentRevision: integer("current_revision").notNull().default(1),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("deployments_project_name_key").on(t.projectId, sql`lower(${t.name})`), index("deployments_model_idx").on(t.modelId)],
);

/**
 * Every traffic state a deployment has had, append-only (a trigger refuses UPDATE and DELETE but
 * the cascade): revision N was in force from `at` until revision N+1's `at`.
 */
export const deploymentRevisions = pgTable(
  "deployment_revisions",
  {
    deploymentId: text("deployment_id")
      .notNull()
      .references(() => deployments.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    routes: jsonb("routes").$type<DeploymentRouteJson[]>().notNull(),
    reason: text("reason").notNull(),
    actorId: text("actor_id"),
    actorName: text("actor_name").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "deployment_revisions_pkey", columns: [t.deploymentId, t.revision] }),
    index("deployment_revisions_at_idx").on(t.deploymentId, t.at),
    check("deployment_revisions_revision_check", sql`${t.revision} >= 1`),
  ],
);
