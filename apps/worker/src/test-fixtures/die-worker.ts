/**
 * A worker in a child process, for the "a job whose worker dies is retried" test: it opens the
 * database named on the command line, takes jobs and prints one JSON line per event on stdout, and
 * waits to be killed. It reads no environment (only apps/worker/src/env.ts does).
 *
 *   node --import tsx die-worker.ts --url postgres://…      (postgres)
 *   node --import tsx die-worker.ts --data-dir /tmp/…       (an embedded PGlite folder)
 *   optional: --expire <seconds> --retry-delay <seconds>   (the noop queue's settings)
 *             --artifacts-dir <dir>                     (the artifact store training writes to)
 *             --concurrency <n>                         (jobs at once, default 1)
 *             --watch-run <run_…> (repeatable)          (prints {"type":"metrics","runId","n"} as a run's metric rows grow)
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { createPostgresDb, type KeelDatabase } from "@keel/db";
import { openEmbeddedDb } from "@keel/db/embedded";
import { createArtifactStore } from "@keel/storage";
import { startWorker } from "../index";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    "data-dir": { type: "string" },
    expire: { type: "string" },
    "retry-delay": { type: "string" },
    "artifacts-dir": { type: "string" },
    concurrency: { type: "string" },
    "watch-run": { type: "string", multiple: true },
  },
});
const args = z
  .object({
    url: z.string().optional(),
    "data-dir": z.string().optional(),
    expire: z.coerce.number().int().min(1).optional(),
    "retry-delay": z.coerce.number().int().min(0).optional(),
    "artifacts-dir": z.string().optional(),
    concurrency: z.coerce.number().int().min(1).default(1),
    "watch-run": z.array(z.string()).default([]),
  })
  .refine((a) => (a.url === undefined) !== (a["data-dir"] === undefined), "pass exactly one of --url and --data-dir")
  .parse(values);

const say = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const kdb: KeelDatabase = args.url ? createPostgresDb({ url: args.url, max: 3 }) : await openEmbeddedDb(args["data-dir"] ?? "");
const worker = await startWorker({
  kdb,
  concurrency: args.concurrency,
  artifacts: args["artifacts-dir"] ? createArtifactStore({ dataDir: args["artifacts-dir"] }) : undefined,
  pollingIntervalMs: 200,
  heartbeatIntervalMs: 500,
  queue: {
    maintenanceIntervalSeconds: 1,
    settings: { noop: { expireInSeconds: args.expire, retryDelay: args["retry-delay"] } },
  },
  onEvent: (event) => say(event.type === "error" ? { type: "error", message: event.message } : event),
});
say({ type: "ready", pid: process.pid, workerId: worker.id });

const seen = new Map<string, number>();
if (args["watch-run"].length > 0) {
  setInterval(() => {
    for (const runId of args["watch-run"]) {
      kdb
        .query<{ n: number }>("select count(*)::int as n from metrics where run_id = $1", [runId])
        .then(({ rows }) => {
          const n = rows[0]?.n ?? 0;
          if (n !== seen.get(runId)) {
            seen.set(runId, n);
            say({ type: "metrics", runId, n });
          }
        })
        .catch(() => undefined);
    }
  }, 100);
}
