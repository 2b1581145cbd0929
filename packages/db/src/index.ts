export * from "./client";
export * from "./ids";
export * from "./runtime";
export { dbEnv } from "./env";
export * as schema from "./schema/index";
// Query builders re-exported so every package uses the one drizzle-orm instance.
export { and, asc, count, desc, eq, gt, gte, ilike, inArray, isNull, isNotNull, lt, lte, ne, or, sql } from "drizzle-orm";
export type { SQL, InferInsertModel, InferSelectModel } from "drizzle-orm";
export * from "./embedded";
