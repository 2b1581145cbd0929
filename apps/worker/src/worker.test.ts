import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueue, enqueueJob, getJob, JOB_TYPES, type Job, type PgBoss } from "@keel/api/jobs";
import { latestWorkerHeartbeat, workerLiveness } from "@keel/api/services/workers";
import { createTestDb, testDriver, type TestDatabase } from "@keel/db/testing";
import { startWorker, type RunningWorker, type WorkerEvent } from "./index";
import { auditRowsFor, serviceContext, waitFor } from "./test-fixtures/support";

let kdb: TestDatabase;
/** One queue for the file, shared by its workers (the embedded shape). Short retries, quick maintenance. */
let boss: PgBoss;
const started: RunningWorker[] = [];

async function launch(opts: Omit<Parameters<typeof startWorker>[0], "kdb" | "boss"> = {}): Promise<RunningWorker> {
  const worker = await startWorker({ kdb, boss, pollingIntervalMs: 200, heartbeatIntervalMs: 200, ...opts });
  started.push(worker);
  return worker;
}

const finished = (id: string, timeoutMs = 20_000): Promise<Job> =>
  waitFor(
    `job ${id} to finish`,
    async () => {
      const job = await getJob(kdb.db, id);
      return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
    },
    timeoutMs,
  );

describe(`the worker on ${testDriver()}`, () => {
  beforeAll(async () => {
    kdb = await createTestDb();
    boss = await createQueue(kdb, { maintenanceIntervalSeconds: 1, settings: { noop: { retryLimit: 1, retryDelay: 0 } } });
  });

  afterAll(async () => {
    for (const w of started) await w.stop({ timeoutMs: 0 });
    await boss.stop({ graceful: false });
    await kdb.destroy();
  });

  it("completes a noop job sent through enqueueJob, and the job's audit event is there", async () => {
    const events: WorkerEvent[] = [];
    const worker = await launch({ onEvent: (e) => events.push(e) });
    const { id } = await enqueueJob(serviceContext(kdb), { type: "noop", payload: { sleepMs: 50, note: "end to end" } });
    const job = await finished(id);
    expect(job).toMatchObject({ state: "completed", retryCount: 0, output: { ok: true, sleptMs: 50, note: "end to end", attempt: 1 } });
    expect(await auditRowsFor(kdb, id)).toEqual([{ action: "system.job.create", actor_id: "usr_admin" }]);
    expect(events.map((e) => e.type)).toEqual(["job.started", "job.completed"]);
    await worker.stop();
  });

  it("refuses an invalid payload naming the field: no job, no audit event", async () => {
    const before = await kdb.query<{ jobs: number; audits: number }>(
      "select (select count(*)::int from pgboss.job) as jobs, (select count(*)::int from audit_events) as audits",
    );
    await expect(enqueueJob(serviceContext(kdb), { type: "noop", payload: { sleepMs: -5 } })).rejects.toThrow(/payload\.sleepMs/);
    const after = await kdb.query<{ jobs: number; audits: number }>(
      "select (select count(*)::int from pgboss.job) as jobs, (select count(*)::int from audit_events) as audits",
    );
    expect(after.rows).toEqual(before.rows);
  });

  it("refuses a non-admin", async () => {
    const viewer = { type: "user" as const, id: "usr_v", name: "Vic Viewer", email: "vic@keel.local", isAdmin: false };
    await expect(enqueueJob(serviceContext(kdb, viewer), { type: "noop", payload: {} })).rejects.toMatchObject({
      code: "FORBIDDEN",
      reason: "permission",
    });
  });

  it("fails a job whose payload is invalid at the worker without retrying it, saying which field", async () => {
    const worker = await launch();
    // bypasses enqueueJob, as an older Keel or a hand-written row would
    const id = await boss.send("noop", { sleepMs: "soon" });
    if (!id) throw new Error("send returned no id");
    const job = await finished(id);
    expect(job.state).toBe("failed");
    expect(job.retryCount).toBe(0);
    expect(job.output).toMatchObject({ retryable: false, message: expect.stringContaining("payload.sleepMs") as unknown });
    await worker.stop();
  });

  it("retries a failing job up to its retry limit, then fails it", async () => {
    const worker = await launch();
    const { id } = await enqueueJob(serviceContext(kdb), { type: "noop", payload: { fail: true } });
    const job = await finished(id);
    expect(job).toMatchObject({ state: "failed", retryCount: 1, retryLimit: 1 });
    expect(job.output).toMatchObject({ retryable: true, message: expect.stringContaining("attempt 2 of 2") as unknown });
    await worker.stop();
  });

  it("runs jobs back to back without waiting a polling interval between them", async () => {
    const worker = await launch({ concurrency: 2, pollingIntervalMs: 2000 });
    // let the worker reach its idle wait, so the first fetch after sending is the one it wakes for
    await new Promise((r) => setTimeout(r, 300));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await enqueueJob(serviceContext(kdb), { type: "noop", payload: { note: `n${i}` } })).id);
    const jobs: Job[] = [];
    for (const id of ids) jobs.push(await finished(id));
    expect(jobs.every((j) => j.state === "completed")).toBe(true);
    // from the first start to the last end: a 2 s pause after each fetch would take 12 s or more
    const first = Math.min(...jobs.map((j) => j.startedAt?.getTime() ?? Infinity));
    const last = Math.max(...jobs.map((j) => j.completedAt?.getTime() ?? 0));
    expect(last - first).toBeLessThan(4000);
    await worker.stop();
  });

  it("beats while it runs; stop() waits for the running job and marks the row stopped", async () => {
    const worker = await launch({ heartbeatIntervalMs: 100 });
    const first = await waitFor("the heartbeat row", async () => {
      const hb = await latestWorkerHeartbeat(kdb.db);
      return hb?.id === worker.id ? hb : undefined;
    });
    expect(first).toMatchObject({ queues: [...JOB_TYPES], stoppedAt: null, pid: process.pid });
    expect(workerLiveness(first)).toBe("running");
    await waitFor("a newer heartbeat", async () => {
      const hb = await latestWorkerHeartbeat(kdb.db);
      return hb && hb.lastHeartbeatAt > first.lastHeartbeatAt ? hb : undefined;
    });

    const { id } = await enqueueJob(serviceContext(kdb), { type: "noop", payload: { sleepMs: 800 } });
    await waitFor("the job to start", async () => ((await getJob(kdb.db, id))?.state === "active" ? true : undefined));
    await worker.stop();
    // stop() returned only after the job ended
    expect(await getJob(kdb.db, id)).toMatchObject({ state: "completed" });
    const last = await latestWorkerHeartbeat(kdb.db);
    expect(last?.id).toBe(worker.id);
    expect(last?.stoppedAt).toBeInstanceOf(Date);
    expect(workerLiveness(last)).toBe("stopped");

    // a stopped worker takes nothing more
    const later = await enqueueJob(serviceContext(kdb), { type: "noop", payload: {} });
    await new Promise((r) => setTimeout(r, 600));
    expect((await getJob(kdb.db, later.id))?.state).toBe("created");
    // (picked up by the next test's worker)
  });

  it("fails a job still running when stop() times out, so it is retried", async () => {
    const worker = await launch();
    const { id } = await enqueueJob(serviceContext(kdb), { type: "noop", payload: { sleepMs: 30_000 } });
    await waitFor("the job to start", async () => ((await getJob(kdb.db, id))?.state === "active" ? true : undefined));
    const t0 = Date.now();
    await worker.stop({ timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await getJob(kdb.db, id)).toMatchObject({ state: "retry", output: { retryable: true, name: "WorkerStopped" } });
  });
});
