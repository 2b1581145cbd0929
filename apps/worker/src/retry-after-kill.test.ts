import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createQueue, enqueueJob, getJob } from "@keel/api/jobs";
import { schema, eq, type KeelDatabase } from "@keel/db";
import { openEmbeddedDb } from "@keel/db/embedded";
import { migrate } from "@keel/db/migrate";
import { createTestDb, testDriver } from "@keel/db/testing";
import { startWorker, type RunningWorker } from "./index";
import { killed, serviceContext, spawnDieWorker, waitFor } from "./test-fixtures/support";

/** Short enough to keep the test quick, long enough that the first attempt is still running when it is killed. */
const EXPIRE_SECONDS = 4;
const SLEEP_MS = 2500;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const queueSettings = { noop: { expireInSeconds: EXPIRE_SECONDS, retryDelay: 0 } };

describe(`a job whose worker dies is retried (${testDriver()})`, () => {
  it("SIGKILLs a worker process mid-job; a new worker sees the job expire and runs it again", async () => {
    // 1. a database the child can open too: the same Postgres database by URL, or a PGlite folder
    let kdb: KeelDatabase;
    let childArgs: string[];
    let reopen: () => Promise<KeelDatabase>;
    if (testDriver() === "postgres") {
      const tdb = await createTestDb();
      cleanups.push(() => tdb.destroy());
      kdb = tdb;
      childArgs = ["--url", tdb.url ?? ""];
      reopen = async () => tdb;
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), "keel-kill-"));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      kdb = await openEmbeddedDb(dir);
      await migrate(kdb);
      childArgs = ["--data-dir", dir];
      reopen = async () => {
        const again = await openEmbeddedDb(dir); // the dead child's lock is stale: taken over
        cleanups.push(() => again.close());
        return again;
      };
    }

    // 2. install the queue (short expiry) and enqueue a job that takes a while
    const boss = await createQueue(kdb, { supervise: false, settings: queueSettings });
    const { id } = await enqueueJob(serviceContext(kdb), { type: "noop", payload: { sleepMs: SLEEP_MS, note: "outlives its worker" } });
    await boss.stop({ graceful: false });
    if (kdb.driver === "pglite") await kdb.close(); // one process per folder: hand it to the child

    // 3. a worker in another process takes the job … and is killed while it runs
    const { child, waitLine, lines } = spawnDieWorker([...childArgs, "--expire", String(EXPIRE_SECONDS), "--retry-delay", "0"]);
    cleanups.push(() => killed(child));
    await waitLine((l) => l.type === "job.started" && l.jobId === id);
    const ready = lines.find((l) => l.type === "ready");
    await killed(child);
    expect(child.signalCode).toBe("SIGKILL");

    // 4. the job is left active by the dead worker, whose heartbeat row never says stopped
    const db = await reopen();
    const orphan = await getJob(db.db, id);
    expect(orphan).toMatchObject({ state: "active", retryCount: 0 });
    const [deadRow] = await db.db.select().from(schema.workerHeartbeats).where(eq(schema.workerHeartbeats.id, ready?.workerId ?? ""));
    expect(deadRow?.stoppedAt).toBeNull();

    // 5. a new worker: maintenance fails the expired job for a retry, and the worker runs it to the end
    let worker: RunningWorker | undefined;
    try {
      worker = await startWorker({
        kdb: db,
        pollingIntervalMs: 200,
        queue: { maintenanceIntervalSeconds: 1, settings: queueSettings },
      });
      const done = await waitFor(
        "the retried job to complete",
        async () => {
          const job = await getJob(db.db, id);
          return job?.state === "completed" || job?.state === "failed" ? job : undefined;
        },
        30_000,
      );
      expect(done).toMatchObject({ state: "completed", retryCount: 1, output: { ok: true, attempt: 2, note: "outlives its worker" } });
      // it waited for the expiry, not less
      const startedAt = orphan?.startedAt?.getTime() ?? 0;
      expect((done.completedAt?.getTime() ?? 0) - startedAt).toBeGreaterThanOrEqual(EXPIRE_SECONDS * 1000 + SLEEP_MS - 250);
    } finally {
      await worker?.stop({ timeoutMs: 0 });
    }
  });
});
