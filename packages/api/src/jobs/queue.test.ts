import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@keel/db";
import { createTestDb, testDriver, type TestDatabase } from "@keel/db/testing";
import { JOB_DEFINITIONS } from "./definitions";
import { createQueue, drizzleQueueDb, pgliteQueueDb, toDrizzleSql, type PgBoss } from "./queue";

describe(`toDrizzleSql on ${testDriver()}`, () => {
  let kdb: TestDatabase;
  beforeAll(async () => {
    kdb = await createTestDb();
  }, 60_000);
  afterAll(async () => {
    await kdb.destroy();
  });

  it("binds pg-boss's $n placeholders as parameters, whatever their order", async () => {
    const q = toDrizzleSql("select $2::int as b, $1::text as a, '$x' as lit, $3::uuid[] as ids, $4::int as n", [
      "a",
      2,
      ["11111111-1111-4111-8111-111111111111"],
      undefined,
    ]);
    expect(rowsOf(await kdb.db.execute(q))).toEqual([
      { b: 2, a: "a", lit: "$x", ids: ["11111111-1111-4111-8111-111111111111"], n: null },
    ]);
  });

  it("refuses a repeated placeholder and a missing value", () => {
    expect(() => toDrizzleSql("select $1, $1", [1])).toThrow(/more than once/);
    expect(() => toDrizzleSql("select $2", [1])).toThrow(/no value/);
  });
});

describe(`createQueue on ${testDriver()}`, { timeout: 30_000 }, () => {
  let kdb: TestDatabase;
  const bosses: PgBoss[] = [];

  beforeAll(async () => {
    kdb = await createTestDb();
  }, 60_000);

  afterAll(async () => {
    for (const b of bosses) await b.stop({ graceful: false });
    await kdb.destroy();
  });

  it("installs pg-boss in schema pgboss with a queue per job type and its settings", async () => {
    const boss = await createQueue(kdb, { supervise: false });
    bosses.push(boss);
    const { rows } = await kdb.query<{ version: number }>("select version from pgboss.version");
    expect(rows).toHaveLength(1);
    const noop = await boss.getQueue("noop");
    expect(noop).toMatchObject({
      name: "noop",
      policy: "standard",
      retryLimit: JOB_DEFINITIONS.noop.retryLimit,
      retryDelay: JOB_DEFINITIONS.noop.retryDelay,
      expireInSeconds: JOB_DEFINITIONS.noop.expireInSeconds,
    });
  });

  it("brings an existing queue's settings up to date", async () => {
    const boss = await createQueue(kdb, { supervise: false, settings: { noop: { expireInSeconds: 7, retryLimit: 0 } } });
    bosses.push(boss);
    expect(await boss.getQueue("noop")).toMatchObject({ expireInSeconds: 7, retryLimit: 0, retryDelay: JOB_DEFINITIONS.noop.retryDelay });
  });

  it("sends, fetches and completes a job", async () => {
    const boss = bosses[0];
    if (!boss) throw new Error("no boss");
    const id = await boss.send("noop", { note: "round trip" });
    expect(id).toBeTruthy();
    const [job] = await boss.fetch<{ note: string }>("noop", { includeMetadata: true });
    expect(job).toMatchObject({ id, data: { note: "round trip" }, state: "active", expireInSeconds: expect.anything() as unknown });
    await boss.complete("noop", job?.id ?? "", { done: true });
    expect(await boss.getJobById("noop", job?.id ?? "")).toMatchObject({ state: "completed", output: { done: true } });
  });

  it("runs pg-boss statements inside a drizzle transaction, rolled back with it", async () => {
    const boss = bosses[0];
    if (!boss) throw new Error("no boss");
    const id = "11111111-1111-4111-8111-111111111111";
    await expect(
      kdb.db.transaction(async (tx) => {
        await boss.insert([{ id, name: "noop", data: { note: "rolled back" } }], { db: drizzleQueueDb(tx) });
        const inside = await boss.getJobById("noop", id, { db: drizzleQueueDb(tx), includeArchive: false });
        expect(inside?.data).toEqual({ note: "rolled back" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await boss.getJobById("noop", id)).toBeNull();
  });

  it.runIf(testDriver() === "pglite")("the PGlite adapter runs multi-statement SQL and rolls back a failed BEGIN … COMMIT", async () => {
    if (!kdb.pglite) throw new Error("no pglite");
    const db = pgliteQueueDb(kdb.pglite);
    const { rows } = await db.executeSql("create temp table t (x int); insert into t values (1), (2); select sum(x)::int as s from t");
    expect(rows).toEqual([{ s: 3 }]);
    await expect(db.executeSql("BEGIN; insert into t values (3); select 1/0; COMMIT;")).rejects.toThrow(/division by zero/);
    expect(kdb.pglite.isInTransaction()).toBe(false);
    expect((await db.executeSql("select count(*)::int as n from t", [])).rows).toEqual([{ n: 2 }]);
  });
});
