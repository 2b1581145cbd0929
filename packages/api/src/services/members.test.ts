import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { verifyAuditChain } from "./audit";
import { addMember, listMembers, removeMember, updateMemberRole } from "./members";
import { createProject, getProject, listProjects, updateProject } from "./projects";
import { authenticateApiToken, createToken } from "./tokens";
import { createUser } from "./users";

let fx: Fixture;
beforeAll(async () => {
  fx = await setupFixture();
});
afterAll(async () => {
  await fx.kdb.destroy();
});

async function lastAudit(): Promise<{ action: string; entity_type: string; before: unknown; after: unknown; request_id: string; actor_id: string }> {
  const { rows } = await fx.kdb.query<{ action: string; entity_type: string; before: unknown; after: unknown; request_id: string; actor_id: string }>(
    "select action, entity_type, before, after, request_id, actor_id from audit_events order by seq desc limit 1",
  );
  const row = rows[0];
  if (!row) throw new Error("no audit rows");
  return row;
}

/** Runs a mutation and returns how many audit events it wrote. */
async function auditedBy(fn: () => Promise<unknown>): Promise<number> {
  const before = await auditCount(fx.kdb);
  await fn();
  return (await auditCount(fx.kdb)) - before;
}

/** Runs a failing mutation; asserts it wrote no audit event and returns the error. */
async function failsWithoutAudit(fn: () => Promise<unknown>): Promise<Error> {
  const before = await auditCount(fx.kdb);
  const err = await fn().then(
    () => {
      throw new Error("expected the mutation to fail");
    },
    (e: unknown) => e as Error,
  );
  expect(await auditCount(fx.kdb)).toBe(before);
  return err;
}

describe("projects", () => {
  it("creates a project whose creator is its owner, with exactly one audit event", async () => {
    const ctx = fx.ctx(fx.actors.data_scientist, "req-create-1");
    const n = await auditedBy(() => createProject(ctx, { slug: "churn", name: "Churn" }));
    expect(n).toBe(1);
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: "project.create", entity_type: "project", request_id: "req-create-1", actor_id: fx.actors.data_scientist.id });
    const members = await listMembers(ctx, { project: "churn" });
    expect(members.map((m) => [m.email, m.role])).toEqual([["scientist@keel.local", "owner"]]);
    expect((await listProjects(ctx)).map((p) => p.slug)).toEqual(["churn", "demo"]);
  });

  it("refuses a taken or malformed slug and writes nothing", async () => {
    const ctx = fx.ctx(fx.actors.viewer);
    const taken = await failsWithoutAudit(() => createProject(ctx, { slug: "demo", name: "Again" }));
    expect(taken.message).toMatch(/slug 'demo' already exists/);
    const bad = await failsWithoutAudit(() => createProject(ctx, { slug: "Bad Slug!", name: "x" }));
    expect(bad.message).toMatch(/lowercase letters/);
    const reserved = await failsWithoutAudit(() => createProject(ctx, { slug: "status", name: "x" }));
    expect(reserved.message).toMatch(/reserved/);
  });

  it("lists navigation permissions by role", async () => {
    const viewer = await getProject(fx.ctx(fx.actors.viewer), { project: "demo" });
    expect(viewer.role).toBe("viewer");
    expect(viewer.permissions).toContain("dataset.read");
    expect(viewer.permissions).not.toContain("project.settings.read");
    expect(viewer.permissions).not.toContain("audit.read");
    const auditor = await getProject(fx.ctx(fx.actors.auditor), { project: "demo" });
    expect(auditor.permissions).toContain("audit.read");
  });

  it("hides a project from non-members", async () => {
    await expect(getProject(fx.ctx(fx.actors.outsider), { project: "demo" })).rejects.toThrow(/No project 'demo'/);
  });

  it("updates a project (owner only) with before/after in the audit", async () => {
    await updateProject(fx.ctx(fx.actors.owner), { project: "demo", description: "Fraud models" });
    const audit = await lastAudit();
    expect(audit.action).toBe("project.update");
    expect(audit.after).toMatchObject({ description: "Fraud models" });
    await failsWithoutAudit(() => updateProject(fx.ctx(fx.actors.data_scientist), { project: "demo", name: "Nope" }));
  });
});

describe("members", () => {
  it("adds, changes and removes a member, one audit event each", async () => {
    const owner = fx.ctx(fx.actors.owner);
    await createUser(fx.ctx(fx.actors.admin), { email: "newbie@keel.local", name: "New Bie", password: "a-long-enough-passphrase" });
    expect(await auditedBy(() => addMember(owner, { project: "demo", email: "NewBie@keel.local", role: "viewer" }))).toBe(1);
    expect(await lastAudit()).toMatchObject({ action: "project.member.add", after: { email: "newbie@keel.local", role: "viewer" } });
    const added = (await listMembers(owner, { project: "demo" })).find((m) => m.email === "newbie@keel.local");
    if (!added) throw new Error("member not added");
    expect(await auditedBy(() => updateMemberRole(owner, { project: "demo", userId: added.userId, role: "approver" }))).toBe(1);
    expect(await lastAudit()).toMatchObject({ action: "project.member.update", before: { role: "viewer" }, after: { role: "approver" } });
    expect(await auditedBy(() => removeMember(owner, { project: "demo", userId: added.userId }))).toBe(1);
    expect(await lastAudit()).toMatchObject({ action: "project.member.remove", before: { role: "approver" }, after: { removed: true, revokedTokenIds: [] } });
    expect((await listMembers(owner, { project: "demo" })).some((m) => m.email === "newbie@keel.local")).toBe(false);
  });

  it("revokes the removed member's tokens in the same transaction", async () => {
    const owner = fx.ctx(fx.actors.owner);
    await addMember(owner, { project: "demo", email: "outsider@keel.local", role: "data_scientist" });
    const token = await createToken(fx.ctx(fx.actors.outsider), { project: "demo", name: "theirs", role: "viewer" });
    expect((await authenticateApiToken(fx.kdb.db, token.token)).ok).toBe(true);
    expect(await auditedBy(() => removeMember(owner, { project: "demo", userId: fx.actors.outsider.id }))).toBe(1);
    expect(await lastAudit()).toMatchObject({ after: { revokedTokenIds: [token.id] } });
    expect(await authenticateApiToken(fx.kdb.db, token.token)).toEqual({ ok: false, reason: "The API token was revoked." });
  });

  it("refuses unknown accounts, duplicates and non-owners without writing", async () => {
    const owner = fx.ctx(fx.actors.owner);
    expect((await failsWithoutAudit(() => addMember(owner, { project: "demo", email: "ghost@keel.local", role: "viewer" }))).message).toMatch(
      /No Keel account uses ghost@keel.local/,
    );
    expect((await failsWithoutAudit(() => addMember(owner, { project: "demo", email: "viewer@keel.local", role: "viewer" }))).message).toMatch(
      /already a member/,
    );
    expect((await failsWithoutAudit(() => addMember(fx.ctx(fx.actors.data_scientist), { project: "demo", email: "outsider@keel.local", role: "viewer" }))).message).toMatch(
      /cannot add a member/,
    );
  });

  it("never removes or demotes the last owner, even under concurrent removals", async () => {
    const owner = fx.ctx(fx.actors.owner);
    await createProject(fx.ctx(fx.actors.approver), { slug: "solo", name: "Solo" });
    const solo = fx.ctx(fx.actors.approver);
    const [me] = await listMembers(solo, { project: "solo" });
    if (!me) throw new Error("no owner");
    expect((await failsWithoutAudit(() => removeMember(solo, { project: "solo", userId: me.userId }))).message).toMatch(/last owner/);
    expect((await failsWithoutAudit(() => updateMemberRole(solo, { project: "solo", userId: me.userId, role: "viewer" }))).message).toMatch(/last owner/);

    // Two owners remove each other at the same time: exactly one removal succeeds.
    await addMember(solo, { project: "solo", email: "owner@keel.local", role: "owner" });
    const results = await Promise.allSettled([
      removeMember(solo, { project: "solo", userId: fx.actors.owner.id }),
      removeMember(owner, { project: "solo", userId: me.userId }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = (await listMembers(fx.ctx(fx.actors.admin), { project: "solo" })).filter((m) => m.role === "owner");
    expect(owners).toHaveLength(1);
    expect((await verifyAuditChain(fx.kdb.db)).ok).toBe(true);
  });
});
