import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "@keel/auth";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { authenticateApiToken, createToken, listTokens, revokeToken, revokeTokenByIdOrSecret } from "./tokens";
import { getMe } from "./users";

let fx: Fixture;
beforeAll(async () => {
  fx = await setupFixture();
});
afterAll(async () => {
  await fx.kdb.destroy();
});

describe("API tokens", () => {
  it("shows the token once, stores only its hash, and authenticates it with its role", async () => {
    const created = await createToken(fx.ctx(fx.actors.owner), { project: "demo", name: "ci", role: "data_scientist", expiresInDays: 30 });
    expect(created.token).toMatch(/^keel_[\w-]{40,}$/);
    const { rows } = await fx.kdb.query<{ token_hash: string }>("select token_hash from api_tokens where id = $1", [created.id]);
    expect(rows[0]?.token_hash).toBe(hashApiToken(created.token));
    const { rows: leaks } = await fx.kdb.query("select 1 from api_tokens where token_hash = $1 or prefix = $1", [created.token]);
    expect(leaks).toHaveLength(0);
    const listed = await listTokens(fx.ctx(fx.actors.owner), { project: "demo" });
    expect(listed.find((t) => t.id === created.id)).toMatchObject({ status: "active", role: "data_scientist" });
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const auth = await authenticateApiToken(fx.kdb.db, created.token);
    if (!auth.ok) throw new Error(auth.reason);
    const me = await getMe(fx.ctx(auth.actor));
    expect(me).toMatchObject({ actor: { type: "token", name: "ci" }, project: "demo", role: "data_scientist" });
  });

  it("refuses revoked, expired and unknown tokens with a reason", async () => {
    const created = await createToken(fx.ctx(fx.actors.owner), { project: "demo", name: "short", role: "viewer", expiresInDays: 1 });
    await fx.kdb.query("update api_tokens set expires_at = now() - interval '1 minute' where id = $1", [created.id]);
    expect(await authenticateApiToken(fx.kdb.db, created.token)).toEqual({ ok: false, reason: "The API token has expired." });
    expect(await authenticateApiToken(fx.kdb.db, "keel_" + "x".repeat(43))).toEqual({ ok: false, reason: "The API token is unknown." });

    const other = await createToken(fx.ctx(fx.actors.owner), { project: "demo", name: "other", role: "viewer" });
    const before = await auditCount(fx.kdb);
    await revokeTokenByIdOrSecret(fx.ctx(fx.actors.admin), other.token);
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    expect(await authenticateApiToken(fx.kdb.db, other.token)).toEqual({ ok: false, reason: "The API token was revoked." });
    await expect(revokeToken(fx.ctx(fx.actors.owner), { project: "demo", tokenId: other.id })).rejects.toThrow(/already revoked/);
    expect(await auditCount(fx.kdb)).toBe(before + 1);
  });

  it("lets non-owners create tokens only up to their own role and revoke only their own", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await expect(createToken(ds, { project: "demo", name: "too-strong", role: "owner" })).rejects.toThrow(/cannot create a token with role 'owner'/);
    const mine = await createToken(ds, { project: "demo", name: "mine", role: "viewer" });
    const owners = await createToken(fx.ctx(fx.actors.owner), { project: "demo", name: "owners", role: "viewer" });
    await expect(revokeToken(ds, { project: "demo", tokenId: owners.id })).rejects.toThrow(/Only a project owner/);
    await expect(revokeToken(ds, { project: "demo", tokenId: mine.id })).resolves.toMatchObject({ status: "revoked" });
    await expect(createToken(fx.ctx(fx.actors.viewer), { project: "demo", name: "v", role: "viewer" })).rejects.toThrow(/cannot create an api token/i);
  });

  it("refuses bad input naming the field", async () => {
    await expect(createToken(fx.ctx(fx.actors.owner), { project: "demo", name: "", role: "viewer" })).rejects.toThrow(/name/);
    await expect(createToken(fx.ctx(fx.actors.owner), { project: "demo", name: "x", role: "viewer", expiresInDays: 0 })).rejects.toThrow(/at least 1 day/);
  });
});
