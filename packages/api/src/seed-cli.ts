/** `npm run seed`: seeds the demo workspace into the database Keel is configured for. */
import { createPostgresDb, dbEnv, openEmbeddedDb, EmbeddedLockedError } from "@keel/db";
import { migrate } from "@keel/db/migrate";
import { DEMO_PASSWORD, formatLogins, seedDemo } from "./seed";

async function main(): Promise<void> {
  const env = dbEnv();
  const kdb = env.DATABASE_URL ? createPostgresDb({ url: env.DATABASE_URL, max: 2 }) : await openEmbeddedDb(env.KEEL_DATA_DIR);
  try {
    await migrate(kdb);
    // With a real Postgres, demo accounts get random passwords unless KEEL_DEMO_PASSWORD is set.
    const password = env.DATABASE_URL ? env.KEEL_DEMO_PASSWORD : (env.KEEL_DEMO_PASSWORD ?? DEMO_PASSWORD);
    const result = await seedDemo(kdb, { password });
    console.log(formatLogins(result));
  } finally {
    await kdb.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof EmbeddedLockedError ? err.message : err);
  process.exit(1);
});
