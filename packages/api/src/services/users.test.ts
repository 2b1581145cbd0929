import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../seed";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { SIGN_IN_LIMITS, createUser, getMe, verifyCredentials } from "./users";

let fx: Fixture;
beforeAll(async () => {
  fx = await setupFixture();
});
afterAll(async () => {
  await fx.kdb.destroy();
});

const attempt = (email: string, password: string, ip = "192.0.2.10") =>
  verifyCredentials(fx.kdb.db, { email, password, ip, requestId: `signin-${Math.random()}` });

describe("users and sign-in", () => {
  it("stores scrypt hashes, never the password", async () => {
    const { rows } = await fx.kdb.query<{ password_hash: string }>("select password_hash from users where email = 'viewer@keel.local'");
    expect(rows[0]?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0]?.password_hash).not.toContain(DEMO_PASSWORD);
  });

  it("signs in with the right password (case-insensitive email) and audits it", async () => {
    const before = await auditCount(fx.kdb);
    const res = await attempt("Viewer@Keel.local", DEMO_PASSWORD);
    expect(res).toMatchObject({ ok: true, user: { email: "viewer@keel.local" } });
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    expect(await attempt("viewer@keel.local", "wrong-password-123")).toMatchObject({ ok: false, reason: "invalid" });
    expect(await attempt("nobody@keel.local", DEMO_PASSWORD)).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("rate-limits an account after repeated failures, even with the right password", async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      expect(await attempt("auditor@keel.local", `nope-nope-${i}`, `198.51.100.${i}`)).toMatchObject({ reason: "invalid" });
    }
    expect(await attempt("auditor@keel.local", DEMO_PASSWORD, "198.51.100.99")).toMatchObject({ ok: false, reason: "rate_limited" });
  });

  it("rate-limits an address that tries many accounts", async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) await attempt(`probe${i}@keel.local`, "whatever-123456", "203.0.113.7");
    expect(await attempt("approver@keel.local", DEMO_PASSWORD, "203.0.113.7")).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(await attempt("manager@keel.local", DEMO_PASSWORD, "203.0.113.8")).toMatchObject({ ok: true });
  });

  it("refuses empty, short and common passwords, duplicates, and non-admin creators", async () => {
    const admin = fx.ctx(fx.actors.admin);
    await expect(createUser(admin, { email: "a@keel.local", name: "A", password: "" })).rejects.toThrow(/password: The password is empty/);
    await expect(createUser(admin, { email: "a@keel.local", name: "A", password: "short" })).rejects.toThrow(/at least 12 characters/);
    await expect(createUser(admin, { email: "a@keel.local", name: "A", password: "aaaaaaaaaaaaaa" })).rejects.toThrow(/too common or too simple/);
    await expect(createUser(admin, { email: "viewer@keel.local", name: "V", password: "another-good-passphrase" })).rejects.toThrow(/already exists/);
    await expect(createUser(admin, { email: "not-an-email", name: "V", password: "another-good-passphrase" })).rejects.toThrow(/email/);
    await expect(createUser(fx.ctx(fx.actors.owner), { email: "b@keel.local", name: "B", password: "another-good-passphrase" })).rejects.toThrow(
      /cannot create a user account/,
    );
  });

  it("answers who is calling", async () => {
    const me = await getMe(fx.ctx(fx.actors.data_scientist));
    expect(me).toMatchObject({ actor: { type: "user", name: "Dana Scientist" }, isAdmin: false, memberships: [{ project: "demo", role: "data_scientist" }] });
  });
});
