import { getRuntimeDb, type KeelDatabase } from "@keel/db";

/** The process's database handle for web route handlers and server components (which may not import @keel/db). */
export function runtime(): Pick<KeelDatabase, "db" | "driver"> {
  const kdb = getRuntimeDb();
  return { db: kdb.db, driver: kdb.driver };
}
