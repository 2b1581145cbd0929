import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { KeelDatabase } from "./client";

/** The committed drizzle-kit migrations. */
export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Applies every pending migration from the journal; safe to call at every start. */
export async function migrate(kdb: KeelDatabase): Promise<void> {
  if (kdb.driver === "pglite") {
    await migratePglite(kdb.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    await migratePostgres(kdb.db as unknown as PostgresJsDatabase, { migrationsFolder });
  }
}
