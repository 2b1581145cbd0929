import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createPgliteDb, createPostgresDb, type KeelDatabase } from "./client";
import { dbEnv } from "./env";
import { migrate } from "./migrate";

export interface TestDatabase extends KeelDatabase {
  /** Drops the per-test database (Postgres) or closes the in-memory one (PGlite). */
  destroy(): Promise<void>;
}

/** Which backend tests run on: PGlite unless KEEL_TEST_DATABASE_URL names a Postgres server. */
export function testDriver(): "pglite" | "postgres" {
  return dbEnv().KEEL_TEST_DATABASE_URL ? "postgres" : "pglite";
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or, when
 * KEEL_TEST_DATABASE_URL is set, a new database created on that server and dropped afterwards.
 */
export async function createTestDb(): Promise<TestDatabase> {
  const serverUrl = dbEnv().KEEL_TEST_DATABASE_URL;
  if (!serverUrl) {
    const kdb = await createPgliteDb();
    await migrate(kdb);
    return { ...kdb, destroy: () => kdb.close() };
  }
  const name = `keel_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const kdb = createPostgresDb({ url: url.toString(), max: 30 });
  await migrate(kdb);
  return {
    ...kdb,
    async destroy() {
      await kdb.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}
