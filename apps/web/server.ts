/**
 * Keel's launcher (`npm start`). Embedded (DATABASE_URL unset): one process owns the PGlite folder
 * (holding its lock) and hosts the portal (Next.js as a custom server), the worker, the
 * prediction server and the admin socket the CLI talks to. With DATABASE_URL it runs the same on
 * Postgres; standalone workers (`npm run start -w @keel/worker`) and serve replicas can be added.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { configureArtifactStore, DEMO_PASSWORD, formatLogins, seedDemo, seedDemoExperiment } from "@keel/api";
import { defaultAdminSocketPath, startAdminServer, type AdminServer } from "@keel/api/admin";
import { createQueue } from "@keel/api/jobs";
import { requestIdFrom } from "@keel/api/request-id";
import { createPostgresDb, EmbeddedLockedError, openEmbeddedDb, setRuntimeDb, type KeelDatabase } from "@keel/db";
import { migrate } from "@keel/db/migrate";
import { sessionCookieReader } from "@keel/auth/session-cookie";
import { buildServeApp } from "@keel/serve";
import { startWorker, type RunningWorker } from "@keel/worker";
import { ensureAuthSecret, resolvedDataDir, serverEnv } from "./env";

const dir = path.dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes("--dev");
/** Paths answered by the prediction server (Fastify), not by Next.js: predict, feedback and its metrics. */
const SERVE_PATH = /^\/api\/v1\/(?:projects\/[^/]+\/deployments\/[^/]+\/(?:predict|feedback)|serve\/metrics)\/?(?:\?.*)?$/;

async function main(): Promise<void> {
  const env = serverEnv();
  const started = performance.now();
  const dataDir = resolvedDataDir(env);
  let kdb: KeelDatabase;
  let admin: AdminServer | null = null;
  try {
    if (env.DATABASE_URL) {
      kdb = createPostgresDb({ url: env.DATABASE_URL, max: 20 });
      await migrate(kdb);
    } else {
      const embedded = await openEmbeddedDb(dataDir);
      kdb = embedded;
      await migrate(kdb);
      // Early, so a CLI waiting on the lock finds the socket quickly.
      admin = await startAdminServer({ kdb, socketPath: defaultAdminSocketPath(dataDir) });
      embedded.lock.setAdminSocket(admin.socketPath);
    }
  } catch (err) {
    if (err instanceof EmbeddedLockedError) {
      console.error(`keel: refusing to start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  ensureAuthSecret(env);
  setRuntimeDb(kdb);
  const artifacts = configureArtifactStore(dataDir);

  const seed = env.KEEL_SEED === "always" || (env.KEEL_SEED === "auto" && !env.DATABASE_URL);
  const seedResult = seed
    ? await seedDemo(kdb, {
        password: env.KEEL_DEMO_PASSWORD ?? (env.DATABASE_URL ? undefined : DEMO_PASSWORD),
        // A real public dataset, so the demo workspace has data to explore (and train on) at once.
        datasetFiles: [path.join(dir, "../../test/fixtures/datasets/breast-cancer.csv")],
      })
    : null;

  const boss = await createQueue(kdb);
  // First start only (the dataset was just seeded): an experiment with two runs for the worker to train.
  if (seedResult && seedResult.created.datasets > 0) await seedDemoExperiment(kdb, { artifacts });
  const worker: RunningWorker | null = env.KEEL_WORKER === "1" ? await startWorker({ kdb, boss }) : null;

  // The portal's "try it" form calls predict with the session cookie; the store is the process's.
  // On Postgres the prediction log is written from a writer thread with its own connection.
  const serve = buildServeApp({ db: kdb.db, artifacts, sessionUserId: sessionCookieReader(), log: env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {} });
  await serve.ready();
  if (env.KEEL_SERVE_PORT !== undefined) await serve.listen({ port: env.KEEL_SERVE_PORT, host: env.HOST });

  const app = next({ dev, dir, hostname: "localhost", port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // One request id per request, echoed on every response and written to the audit trail.
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    // The client address for rate limiting and the audit trail: forwarded headers are only
    // trusted behind a proxy Keel was told about.
    if (env.KEEL_TRUST_PROXY !== "1" || !req.headers["x-forwarded-for"]) {
      req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
    }
    if (req.url && SERVE_PATH.test(req.url)) {
      serve.routing(req, res);
      return;
    }
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));

  const mode = `${kdb.driver === "pglite" ? `embedded database in ${dataDir}` : "Postgres (DATABASE_URL)"}, artifacts in ${artifacts.describe()}`;
  console.log(`\nKeel is ready at http://localhost:${env.PORT} (${mode}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (seedResult) console.log(`${formatLogins(seedResult)}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`keel: ${signal} received, stopping`);
    server.close();
    server.closeAllConnections();
    await worker?.stop({ timeoutMs: 10_000 }).catch((err: unknown) => console.error("keel: worker stop failed", err));
    await boss.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => undefined);
    // Closing the prediction server waits for shadow copies and writes the buffered prediction log.
    await serve.close().catch((err: unknown) => console.error("keel: prediction server close failed", err));
    await admin?.close().catch(() => undefined);
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
