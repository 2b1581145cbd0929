import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "@keel/auth";
import { createTestDb, type TestDatabase } from "@keel/db/testing";
import { KeelError } from "../errors";
import { DEMO_PASSWORD, seedDemo } from "../seed";
import { runAdminCommand } from "./commands";

let kdb: TestDatabase;
beforeAll(async () => {
  kdb = await createTestDb();
  await seedDemo(kdb, { password: DEMO_PASSWORD });
});
afterAll(async () => {
  await kdb.destroy();
});

async function lastAudit(): Promise<{ seq: number; action: string; actor_type: string; actor_id: string; request_id: string }> {
  const { rows } = await kdb.query<{ seq: number; action: string; actor_type: string; actor_id: string; request_id: string }>(
    "select seq, action, actor_type, actor_id, request_id from audit_events order by seq desc limit 1",
  );
  const row = rows[0];
  if (!row) throw new Error("no audit event");
  return row;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("runAdminCommand", () => {
  it("token.create: issues a keel_ token as system:cli, audited with the request id", async () => {
    const t = await runAdminCommand(kdb, { command: "token.create", args: { project: "demo", role: "owner", name: "ci", expiresInDays: 7 } }, { requestId: "req-token-create" });
    expect(t.token).toMatch(/^keel_[\w-]{40,}$/);
    expect(t).toMatchObject({ name: "ci", role: "owner", status: "active", createdBy: null });
    expect(t.expiresAt).not.toBeNull();
    const { rows } = await kdb.query<{ token_hash: string }>("select token_hash from api_tokens where id = $1", [t.id]);
    expect(rows[0]?.token_hash).toBe(hashApiToken(t.token));
    expect(await lastAudit()).toMatchObject({ action: "project.token.create", actor_type: "system", actor_id: "system:cli", request_id: "req-token-create" });
  });

  it("token.revoke: by secret or by id; a second revoke is a CONFLICT, an unknown token NOT_FOUND", async () => {
    const a = await runAdminCommand(kdb, { command: "token.create", args: { project: "demo", role: "viewer", name: "a" } });
    const b = await runAdminCommand(kdb, { command: "token.create", args: { project: "demo", role: "viewer", name: "b" } });
    const revokedA = await runAdminCommand(kdb, { command: "token.revoke", args: { tokenOrId: a.token } });
    expect(revokedA).toMatchObject({ id: a.id, status: "revoked", project: "demo" });
    expect(await lastAudit()).toMatchObject({ action: "project.token.revoke", actor_id: "system:cli" });
    const revokedB = await runAdminCommand(kdb, { command: "token.revoke", args: { tokenOrId: ` ${b.id} ` } });
    expect(revokedB).toMatchObject({ id: b.id, status: "revoked" });

    const again = await rejection(runAdminCommand(kdb, { command: "token.revoke", args: { tokenOrId: a.id } }));
    expect(again).toBeInstanceOf(KeelError);
    expect(again).toMatchObject({ code: "CONFLICT" });
    expect(await rejection(runAdminCommand(kdb, { command: "token.revoke", args: { tokenOrId: "tok_nope" } }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("token.create: refuses an unknown project and a malformed command", async () => {
    expect(await rejection(runAdminCommand(kdb, { command: "token.create", args: { project: "nope", role: "owner", name: "x" } }))).toMatchObject({
      code: "NOT_FOUND",
    });
    const bad = await rejection(
      // @ts-expect-error: a role the protocol does not know
      runAdminCommand(kdb, { command: "token.create", args: { project: "demo", role: "god", name: "x" } }),
    );
    expect(bad).toMatchObject({ name: "ZodError" });
  });

  it("user.create: creates an account (admin or not), refuses a duplicate and a weak password", async () => {
    const u = await runAdminCommand(kdb, { command: "user.create", args: { email: " New@Example.com ", name: "New Person", password: "a-long-enough-password", isAdmin: true } });
    expect(u).toMatchObject({ email: "new@example.com", name: "New Person", isAdmin: true });
    expect(await lastAudit()).toMatchObject({ action: "user.create", actor_id: "system:cli" });
    expect(
      await rejection(runAdminCommand(kdb, { command: "user.create", args: { email: "new@example.com", name: "Dup", password: "a-long-enough-password" } })),
    ).toMatchObject({ code: "CONFLICT" });
    expect(await rejection(runAdminCommand(kdb, { command: "user.create", args: { email: "weak@example.com", name: "Weak", password: "short" } }))).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("audit.verify: reports every event and the head", async () => {
    const { rows } = await kdb.query<{ n: number; head: number }>("select count(*)::int as n, max(seq)::int as head from audit_events");
    const report = await runAdminCommand(kdb, { command: "audit.verify", args: {} });
    expect(report).toMatchObject({ ok: true, checked: rows[0]?.n, headSeq: rows[0]?.head });
  });
});
