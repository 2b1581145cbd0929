/** Standalone prediction server for the production shape (DATABASE_URL). */
import { sessionCookieReader } from "@keel/auth/session-cookie";
import { createPostgresDb } from "@keel/db";
import { buildServeApp } from "./app";
import { serveEnv } from "./env";

async function main(): Promise<void> {
  const env = serveEnv();
  if (!env.DATABASE_URL) {
    console.error("keel-serve: DATABASE_URL is required. In embedded mode the prediction server runs inside `npm start`.");
    process.exit(1);
  }
  const kdb = createPostgresDb({ url: env.DATABASE_URL });
  // Accepts the portal's session cookie as well as API tokens (AUTH_SECRET must be the portal's).
  // The prediction log is written from a writer thread with its own connection, off the event loop.
  const app = buildServeApp({ db: kdb.db, logger: true, sessionUserId: sessionCookieReader(), log: { databaseUrl: env.DATABASE_URL } });
  await app.listen({ port: env.KEEL_SERVE_PORT, host: env.KEEL_SERVE_HOST });
  const stop = async (): Promise<void> => {
    await app.close();
    await kdb.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

void main();
