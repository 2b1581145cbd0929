import { relations } from "drizzle-orm";
import { datasetQualityOverrides, datasets, datasetVersions } from "./datasets";
import { apiTokens, memberships, projects } from "./projects";
import { users } from "./users";

export const usersRelations = relations(users, ({ many }) => ({ memberships: many(memberships) }));

export const projectsRelations = relations(projects, ({ many }) => ({
  memberships: many(memberships),
  apiTokens: many(apiTokens),
}));

export const membershipsRelations = relations(memberships, ({ one }) => ({
  project: one(projects, { fields: [memberships.projectId], references: [projects.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  project: one(projects, { fields: [apiTokens.projectId], references: [projects.id] }),
}));

export const datasetsRelations = relations(datasets, ({ one, many }) => ({
  project: one(projects, { fields: [datasets.projectId], references: [projects.id] }),
  versions: many(datasetVersions),
}));

export const datasetVersionsRelations = relations(datasetVersions, ({ one, many }) => ({
  dataset: one(datasets, { fields: [datasetVersions.datasetId], references: [datasets.id] }),
  overrides: many(datasetQualityOverrides),
}));

export const datasetQualityOverridesRelations = relations(datasetQualityOverrides, ({ one }) => ({
  version: one(datasetVersions, { fields: [datasetQualityOverrides.datasetVersionId], references: [datasetVersions.id] }),
}));
