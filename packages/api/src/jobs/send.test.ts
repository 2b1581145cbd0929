import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, testDriver, type TestDatabase } from "@keel/db/testing";
import type { Actor, ServiceContext } from "../context";
import { KeelError } from "../errors";
import { createQueue, type PgBoss } from "./queue";
import { enqueueJob, getJob } from "./send";

const admin: Actor = { type: "user", id: "usr_admin", name: "Ada Admin", email: "ada@keel.local", isAdmin: true };
const member: Actor = { type: "user", id: "usr_member", name: "Max Member", email: "max@keel.local", isAdmin: false };
const token: Actor = { type: "token", id: "tok_ci", name: "ci", projectId: "prj_demo", role: "owner", createdBy: "usr_admin" };
const system: Actor = { type: "system", id: "system:test", name: "test" };

let kdb: TestDatabase;
let boss: PgBoss | undefined;
let seq = 0;
const ctx = (actor: Actor | null): ServiceContext => ({ db: kdb.db, actor, requestId: `req-send-${++seq}`, ip: "127.0.0.1" });

async function count(query: string): Promise<number> {
  const { rows } = await kdb.query<{ n: number }>(query);
  return Number(rows[0]?.n ?? 0);
}
const jobCount = () => count("select count(*)::int as n from pgboss.job");
const jobAuditCount = () => count("select count(*)::int as n from audit_events where action = 'system.job.create'");

async function rejection(p: Promise<unknown>): Promise<KeelError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof KeelError)) throw new Error(`expected a KeelError, got ${String(err)}`);
  return err;
}

describe(`enqueueJob on ${testDriver()}`, { timeout: 30_000 }, () => {
  beforeAll(async () => {
    kdb = await createTestDb();
  }, 60_000);

  afterAll(async () => {
    await boss?.stop({ graceful: false });
    await kdb.destroy();
  });

  it("says the queue is not installed (and audits nothing) before any worker started", async () => {
    const err = await rejection(enqueueJob(ctx(admin), { type: "noop", payload: {} }));
    expect(err.message).toMatch(/job queue is not installed/);
    expect(await jobAuditCount()).toBe(0);
  });

  it("installs pg-boss and the queues", async () => {
    boss = await createQueue(kdb, { supervise: false });
    expect(await jobCount()).toBe(0);
  });

  it("adds the job and its audit event together", async () => {
    const job = await enqueueJob(ctx(admin), { type: "noop", payload: { sleepMs: 10, note: "hello" } });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.type).toBe("noop");

    const stored = await getJob(kdb.db, job.id);
    expect(stored).toMatchObject({ id: job.id, type: "noop", state: "created", data: { sleepMs: 10, note: "hello" }, retryCount: 0, retryLimit: 2 });
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect(stored?.startedAt).toBeNull();

    const { rows } = await kdb.query<{ actor_id: string; entity_type: string; after: unknown }>(
      "select actor_id, entity_type, after from audit_events where action = 'system.job.create' and entity_id = $1",
      [job.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: admin.id, entity_type: "job", after: { type: "noop", payload: { sleepMs: 10, note: "hello" } } });
  });

  it("accepts a missing payload as {}", async () => {
    const job = await enqueueJob(ctx(admin), { type: "noop" });
    expect((await getJob(kdb.db, job.id))?.data).toEqual({});
  });

  it("refuses an invalid payload naming the field, leaving no job and no audit event", async () => {
    const [jobs, audits] = [await jobCount(), await jobAuditCount()];
    const tooLong = await rejection(enqueueJob(ctx(admin), { type: "noop", payload: { sleepMs: 600_001 } }));
    expect(tooLong.code).toBe("BAD_REQUEST");
    expect(tooLong.message).toMatch(/^payload\.sleepMs: /);
    expect(tooLong.details).toEqual([expect.objectContaining({ path: "payload.sleepMs" })]);

    const wrongType = await rejection(enqueueJob(ctx(admin), { type: "noop", payload: { fail: "yes" } }));
    expect(wrongType.details[0]?.path).toBe("payload.fail");

    const unknownKey = await rejection(enqueueJob(ctx(admin), { type: "noop", payload: { sleep: 5 } }));
    expect(unknownKey.message).toMatch(/sleep/);

    const notObject = await rejection(enqueueJob(ctx(admin), { type: "noop", payload: 42 }));
    expect(notObject.details[0]?.path).toBe("payload");

    const unknownType = await rejection(enqueueJob(ctx(admin), { type: "train-everything", payload: {} }));
    expect(unknownType.code).toBe("BAD_REQUEST");
    expect(unknownType.details[0]?.path).toBe("type");
    expect(unknownType.message).toMatch(/noop/);

    expect(await jobCount()).toBe(jobs);
    expect(await jobAuditCount()).toBe(audits);
  });

  it("refuses everyone but an admin", async () => {
    const [jobs, audits] = [await jobCount(), await jobAuditCount()];
    for (const actor of [member, token, system]) {
      const err = await rejection(enqueueJob(ctx(actor), { type: "noop", payload: {} }));
      expect(err.code).toBe("FORBIDDEN");
      expect(err.reason).toBe("permission");
    }
    const anonymous = await rejection(enqueueJob(ctx(null), { type: "noop", payload: {} }));
    expect(anonymous.code).toBe("UNAUTHORIZED");
    expect(await jobCount()).toBe(jobs);
    expect(await jobAuditCount()).toBe(audits);
  });

  it("adds no job when the audit event cannot be written (one transaction)", async () => {
    const jobs = await jobCount();
    await kdb.exec(`
      create function keel_test_refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit refused by the test'; end $$;
      create trigger keel_test_refuse_audit before insert on audit_events
        for each row execute function keel_test_refuse_audit();`);
    try {
      const err: unknown = await enqueueJob(ctx(admin), { type: "noop", payload: { note: "orphan?" } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // drizzle wraps the database error ("Failed query: …") and keeps it as the cause
      const cause = err instanceof Error ? err.cause : undefined;
      expect(`${String(err)} ${String(cause)}`).toMatch(/audit refused by the test/);
    } finally {
      await kdb.exec("drop trigger keel_test_refuse_audit on audit_events; drop function keel_test_refuse_audit();");
    }
    expect(await jobCount()).toBe(jobs);
    // and the database is fine afterwards
    await enqueueJob(ctx(admin), { type: "noop", payload: {} });
    expect(await jobCount()).toBe(jobs + 1);
  });

  it("getJob returns null for unknown and malformed ids", async () => {
    expect(await getJob(kdb.db, "00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await getJob(kdb.db, "not-a-uuid'; drop table x; --")).toBeNull();
  });
});
