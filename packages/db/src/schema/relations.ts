import { relations } from "drizzle-orm";
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
