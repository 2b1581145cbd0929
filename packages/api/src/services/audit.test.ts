import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDatabase } from "@keel/db/testing";
import { systemActor, type ServiceContext } from "../context";
import { GENESIS_HASH, verifyAuditChain, writeAuditEvent } from "./audit";

let kdb: TestDatabase;
const ctx = (): Pick<ServiceContext, "actor" | "requestId" | "ip"> => ({ actor: systemActor("test"), requestId: "req-audit-test", ip: "10.0.0.1" });

async function append(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await kdb.db.transaction((tx) =>
      writeAuditEvent(tx, ctx(), { action: "test.thing.create", entityType: "thing", entityId: `t${i}`, before: null, after: { i, nested: { b: 2, a: 1 }, at: new Date(0) } }),
    );
  }
}

beforeAll(async () => {
  kdb = await createTestDb();
});
afterAll(async () => {
  await kdb.destroy();
});

describe("audit chain", () => {
  it("verifies an empty chain and a chain of appended events", async () => {
    expect(await verifyAuditChain(kdb.db)).toMatchObject({ ok: true, checked: 0 });
    await append(5);
    const report = await verifyAuditChain(kdb.db);
    expect(report).toMatchObject({ ok: true, checked: 5, headSeq: 5 });
    const { rows } = await kdb.query<{ seq: number; prev_hash: string; hash: string }>("select seq::int as seq, prev_hash, hash from audit_events order by seq");
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
  });

  it("refuses UPDATE, DELETE and TRUNCATE in the database itself", async () => {
    await expect(kdb.exec("UPDATE audit_events SET action = 'x' WHERE seq = 1")).rejects.toThrow(/append-only: UPDATE/);
    await expect(kdb.exec("DELETE FROM audit_events WHERE seq = 1")).rejects.toThrow(/append-only: DELETE/);
    await expect(kdb.exec("TRUNCATE audit_events")).rejects.toThrow(/append-only: TRUNCATE/);
    expect((await verifyAuditChain(kdb.db)).ok).toBe(true);
  });

  it("rolls the event back with the transaction it belongs to", async () => {
    const before = await verifyAuditChain(kdb.db);
    await expect(
      kdb.db.transaction(async (tx) => {
        await writeAuditEvent(tx, ctx(), { action: "test.thing.create", entityType: "thing", entityId: "doomed" });
        throw new Error("the mutation failed after auditing");
      }),
    ).rejects.toThrow(/mutation failed/);
    const after = await verifyAuditChain(kdb.db);
    expect(after.checked).toBe(before.checked);
  });

  it("keeps one unbroken chain under 100 concurrent audited writes", async () => {
    const start = (await verifyAuditChain(kdb.db)).checked;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        kdb.db.transaction((tx) => writeAuditEvent(tx, ctx(), { action: "test.thing.update", entityType: "thing", entityId: `c${i}`, after: { i } })),
      ),
    );
    const report = await verifyAuditChain(kdb.db);
    expect(report).toMatchObject({ ok: true, checked: start + 100 });
  });

  it("finds the first tampered row (trigger disabled by a superuser)", async () => {
    await kdb.exec(
      "ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET after = '{\"i\": 999}' WHERE seq = 3; ALTER TABLE audit_events ENABLE TRIGGER USER;",
    );
    const report = await verifyAuditChain(kdb.db);
    expect(report.ok).toBe(false);
    expect(report.firstBrokenSeq).toBe(3);
    expect(report.checked).toBe(2);
  });

  it("finds a deleted row as a gap in the sequence", async () => {
    const fresh = await createTestDb();
    try {
      for (let i = 0; i < 4; i++) {
        await fresh.db.transaction((tx) => writeAuditEvent(tx, ctx(), { action: "a.b.c", entityType: "x", entityId: String(i) }));
      }
      await fresh.exec("ALTER TABLE audit_events DISABLE TRIGGER USER; DELETE FROM audit_events WHERE seq = 2; ALTER TABLE audit_events ENABLE TRIGGER USER;");
      expect(await verifyAuditChain(fresh.db)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    } finally {
      await fresh.destroy();
    }
  });
});
