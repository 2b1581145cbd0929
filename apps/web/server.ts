/**
 * Keel's launcher. Embedded (DATABASE_URL unset): one process owns the PGlite folder (holding its
 * lock) and hosts the portal (Next.js as a custom server), the worker and the admin socket.
 * With DATABASE_URL it runs the same on Postgres (start standalone workers with `npm run worker`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { DEMO_PASSWORD, formatLogins, seedDemo } from "@keel/api";
import { createPostgresDb, EmbeddedLockedError, openEmbeddedDb, setRuntimeDb, type KeelDatabase } from "@keel/db";
import { migrate } from "@keel/db/migrate";
import { ensureAuthSecret, serverEnv } from "./env";

const dir = path.dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes("--dev");

async function openDatabase(env: ReturnType<typeof serverEnv>): Promise<KeelDatabase> {
  if (env.DATABASE_URL) return createPostgresDb({ url: env.DATABASE_URL, max: 20 });
  return openEmbeddedDb(path.resolve(env.KEEL_DATA_DIR));
}

async function main(): Promise<void> {
  const env = serverEnv();
  const started = performance.now();
  let kdb: KeelDatabase;
  try {
    kdb = await openDatabase(env);
  } catch (err) {
    if (err instanceof EmbeddedLockedError) {
      console.error(`keel: refusing to start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  await migrate(kdb);
  ensureAuthSecret(env);
  setRuntimeDb(kdb);

  const seed = env.KEEL_SEED === "always" || (env.KEEL_SEED === "auto" && !env.DATABASE_URL);
  const seedResult = seed
    ? await seedDemo(kdb, { password: env.KEEL_DEMO_PASSWORD ?? (env.DATABASE_URL ? undefined : DEMO_PASSWORD) })
    : null;

  const app = next({ dev, dir, hostname: "localhost", port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // One request id per request, echoed on every response and written to the audit trail.
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && /^[\w.:-]{8,128}$/.test(given) ? given : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    // The client address for rate limiting and the audit trail: forwarded headers are only
    // trusted behind a proxy Keel was told about.
    if (env.KEEL_TRUST_PROXY !== "1" || !req.headers["x-forwarded-for"]) {
      req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
    }
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));

  const mode = kdb.driver === "pglite" ? `embedded database in ${path.resolve(env.KEEL_DATA_DIR)}` : "Postgres (DATABASE_URL)";
  console.log(`\nKeel is ready at http://localhost:${env.PORT} (${mode}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (seedResult) console.log(`${formatLogins(seedResult)}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`keel: ${signal} received, stopping`);
    server.close();
    server.closeAllConnections();
    await app.close().catch(() => undefined);
    await kdb.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  console.error("keel: failed to start:", err);
  process.exit(1);
});
