/**
 * The approval workflow on PGlite and Postgres: frozen evidence, the requester who can never
 * decide (service and database), gates, stale requests, multi-approval policies, withdrawal,
 * the inbox per persona, notifications, and 20 concurrent decisions on one request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, newId, schema } from "@keel/db";
import { testDriver } from "@keel/db/testing";
import type { Actor } from "../../context";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import { userActor } from "../users";
import { createModel, findModel, findVersion, moveAlias, registerModelVersion, setAlias, updateModelCard } from "../registry/index";
import { setupRegistryWorld, type RegistryWorld } from "../registry/test-support";
import {
  decide,
  getApprovalPolicy,
  getApprovalRequest,
  listApprovalRequests,
  listInbox,
  listNotifications,
  markNotificationsRead,
  requestPromotion,
  setApprovalPolicy,
  withdrawRequest,
} from "./index";
import { expectKeel, expectZod, pgError } from "../../test/expect-errors";

describe(`approval workflow on ${testDriver()}`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let w: RegistryWorld;
  let ds: Actor;
  let mgr: Actor;
  let mgr2: Actor;
  const project = "demo";
  let counter = 0;

  /** A user with `role` in demo, made by direct inserts (no password hashing: fast). */
  async function member(role: "approver" | "owner" | "data_scientist"): Promise<Actor> {
    const id = newId("user");
    const n = ++counter;
    await fx.kdb.db.insert(schema.users).values({ id, email: `extra-${n}-${role}@keel.local`, name: `Extra ${n}` });
    await fx.kdb.db.insert(schema.memberships).values({ id: newId("membership"), projectId: w.projectId, userId: id, role });
    const a = await userActor(fx.kdb.db, id);
    if (!a) throw new Error("user missing");
    return a;
  }

  /** A fresh model with versions from runs carrying `test_roc_auc` values (one version each). */
  async function modelWith(name: string, aucs: number[]): Promise<void> {
    const c = fx.ctx(ds);
    await createModel(c, { project, name });
    for (const auc of aucs) {
      const runId = await w.run();
      await fx.kdb.db.insert(schema.runLatestMetrics).values({ runId, key: "test_roc_auc", value: auc, step: 3, timestamp: new Date(), count: 1, minStep: 3, maxStep: 3 });
      await fx.kdb.db.insert(schema.runParams).values({ runId, key: "l2", value: String(auc), valueNumber: auc });
      await registerModelVersion(c, { project, model: name, runId });
    }
  }

  async function aliasOf(model: string, alias: string): Promise<number | null> {
    const m = await findModel(fx.kdb.db, w.projectId, model);
    const [row] = await fx.kdb.db
      .select({ version: schema.modelVersions.version })
      .from(schema.modelAliases)
      .innerJoin(schema.modelVersions, eq(schema.modelVersions.id, schema.modelAliases.versionId))
      .where(and(eq(schema.modelAliases.modelId, m.id), eq(schema.modelAliases.alias, alias)));
    return row?.version ?? null;
  }

  async function aliasEvents(model: string): Promise<number> {
    const m = await findModel(fx.kdb.db, w.projectId, model);
    return (await fx.kdb.db.select().from(schema.modelAliasEvents).where(eq(schema.modelAliasEvents.modelId, m.id))).length;
  }

  async function auditActions(action: string, entityId: string): Promise<number> {
    const { rows } = await fx.kdb.query<{ n: number }>("select count(*)::int as n from audit_events where action = $1 and entity_id = $2", [action, entityId]);
    return rows[0]?.n ?? 0;
  }

  beforeAll(async () => {
    fx = await setupFixture();
    w = await setupRegistryWorld(fx);
    ds = fx.actors.data_scientist;
    mgr = fx.actors.approver;
    mgr2 = await member("approver");
  }, 180_000);
  afterAll(async () => {
    await fx.destroy();
  });

  it("requests a promotion with frozen evidence, notifies approvers, refuses self-approval, and the approval moves production in the same transaction", async () => {
    await modelWith("churn", [0.85, 0.87]);
    const first = await requestPromotion(fx.ctx(ds), { project, model: "churn", version: 1, target: "Production", justification: "first model" });
    expect(first).toMatchObject({ status: "pending", target: "production", version: 1, requiredApprovals: 1, approverRole: "approver", approvals: 0, decisions: [] });
    expect(first.id).toMatch(/^apr_/);
    expect(first.evidence.current).toBeNull();
    // Approvers (both) are notified; the requester is not.
    for (const a of [mgr, mgr2]) expect((await listNotifications(fx.ctx(a))).some((n) => n.kind === "approval.requested" && n.link === `/demo/approvals/${first.id}`)).toBe(true);
    expect((await listNotifications(fx.ctx(ds))).filter((n) => n.kind === "approval.requested")).toEqual([]);

    // The requester cannot decide their own request, in the service…
    const before = await auditCount(fx.kdb);
    const owner = await member("owner");
    await setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "churn", approverRole: "owner" });
    const own = await requestPromotion(fx.ctx(owner), { project, model: "churn", version: 2, target: "production", justification: "mine" });
    await expectKeel(decide(fx.ctx(owner), { project, request: own.id, decision: "approve", comment: "lgtm" }), "FORBIDDEN", "request", /own request/);
    // …and in the database, whatever code path writes the row.
    const err: unknown = await fx.kdb.db
      .insert(schema.approvalDecisions)
      .values({ id: newId("approvalDecision"), requestId: own.id, decidedBy: owner.type === "user" ? owner.id : "", decision: "approve", comment: "sneaky" })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(pgError(err)).toMatchObject({ code: "23514", message: expect.stringMatching(/requester .* cannot decide/) as unknown });
    expect((await getApprovalRequest(fx.ctx(ds), { project, request: own.id })).decisions).toEqual([]);
    // An empty comment is refused by the database as well.
    const empty: unknown = await fx.kdb.db
      .insert(schema.approvalDecisions)
      .values({ id: newId("approvalDecision"), requestId: own.id, decidedBy: mgr.id, decision: "approve", comment: "  " })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(pgError(empty).code).toBe("23514");
    await withdrawRequest(fx.ctx(owner), { project, request: own.id });
    await setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "churn" });
    expect(await auditCount(fx.kdb)).toBe(before + 4); // two policy changes, a request, a withdrawal

    // The approver approves with a comment: production moves, one alias event, the requester is told.
    const approved = await decide(fx.ctx(mgr), { project, request: first.id, decision: "approve", comment: "numbers look right" });
    expect(approved).toMatchObject({ status: "approved", approvals: 1, decisions: [{ decision: "approve", comment: "numbers look right", decidedBy: { name: "Mara Manager" } }] });
    expect(approved.decidedAt).not.toBeNull();
    expect(await aliasOf("churn", "production")).toBe(1);
    expect(await aliasEvents("churn")).toBe(1);
    const told = (await listNotifications(fx.ctx(ds))).find((n) => n.kind === "approval.approved");
    expect(told).toMatchObject({ project: "demo", body: "numbers look right", readAt: null });
    expect(await markNotificationsRead(fx.ctx(ds), { ids: [told?.id ?? ""] })).toEqual({ updated: 1 });
    expect((await listNotifications(fx.ctx(ds), { unreadOnly: true })).some((n) => n.id === told?.id)).toBe(false);
    // Decided: nobody decides again.
    await expectKeel(decide(fx.ctx(mgr2), { project, request: first.id, decision: "reject", comment: "late" }), "CONFLICT", "request", /approved/);
  });

  it("freezes the evidence: metrics side by side with production and deltas, params diff, lineage, card; later edits change nothing", async () => {
    await updateModelCard(fx.ctx(ds), { project, model: "churn", version: 2, intendedUse: "churn scoring v2" });
    const req = await requestPromotion(fx.ctx(ds), { project, model: "churn", version: 2, target: "production", justification: "better AUC" });
    const ev = req.evidence;
    expect(ev.candidate.version).toBe(2);
    expect(ev.current?.version).toBe(1);
    expect(ev.metrics.find((m) => m.name === "test_roc_auc")).toEqual({ name: "test_roc_auc", candidate: 0.87, current: 0.85, delta: 0.02 });
    expect(ev.metrics.find((m) => m.name === "test_accuracy")).toMatchObject({ candidate: 0.9, current: 0.9, delta: 0 });
    expect(ev.paramsDiff).toEqual([{ key: "l2", candidate: "0.87", current: "0.85" }]);
    expect(ev.dataset.candidate).toMatchObject({ dataset: "tiny", version: 1, sha256: w.datasetSha256 });
    expect(ev.dataset.current?.datasetVersionId).toBe(w.datasetVersionId);
    expect(ev.modelCard.intendedUse).toBe("churn scoring v2");
    expect(ev.evaluationPresent).toBe(true);

    await updateModelCard(fx.ctx(ds), { project, model: "churn", version: 2, intendedUse: "something else entirely" });
    const again = await getApprovalRequest(fx.ctx(mgr), { project, request: req.id });
    expect(again.evidence).toEqual(ev);
    // The database refuses to change a request's evidence (or what it asks for).
    const err: unknown = await fx.kdb.db
      .update(schema.approvalRequests)
      .set({ evidence: { tampered: true } })
      .where(eq(schema.approvalRequests.id, req.id))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(pgError(err).message).toMatch(/frozen/);
    await withdrawRequest(fx.ctx(ds), { project, request: req.id });
  });

  it("refuses requests that break the rules, naming the field, and callers without the permission", async () => {
    const c = fx.ctx(ds);
    await expectKeel(requestPromotion(c, { project, model: "churn", version: 2, target: "staging", justification: "x" }), "BAD_REQUEST", "target", /not protected/);
    await expectKeel(requestPromotion(c, { project, model: "churn", version: 9, target: "production", justification: "x" }), "NOT_FOUND", "version");
    await expectKeel(requestPromotion(c, { project, model: "nope", version: 1, target: "production", justification: "x" }), "NOT_FOUND", "model");
    await expectKeel(requestPromotion(c, { project, model: "churn", version: 1, target: "production", justification: "x" }), "CONFLICT", "version", /already 'production'/);
    await expectZod(requestPromotion(c, { project, model: "churn", version: 2, target: "production", justification: "  " }), "justification");
    const req = await requestPromotion(c, { project, model: "churn", version: 2, target: "production", justification: "again" });
    await expectKeel(requestPromotion(c, { project, model: "churn", version: 2, target: "production", justification: "twice" }), "CONFLICT", "version", /pending request/);
    await expect(requestPromotion(fx.ctx(fx.actors.viewer), { project, model: "churn", version: 2, target: "production", justification: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(requestPromotion(fx.ctx(mgr), { project, model: "churn", version: 2, target: "production", justification: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(decide(fx.ctx(fx.actors.auditor), { project, request: req.id, decision: "approve", comment: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(decide(fx.ctx(ds), { project, request: req.id, decision: "approve", comment: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expectZod(decide(fx.ctx(mgr), { project, request: req.id, decision: "approve", comment: " " }), "comment");
    // The owner (also admin) is not the approver role of this policy.
    await expectKeel(decide(fx.ctx(fx.actors.admin), { project, request: req.id, decision: "approve", comment: "x" }), "FORBIDDEN", "decision", /'approver' role/);
    await expectKeel(getApprovalRequest(fx.ctx(mgr), { project, request: "apr_00000000000000000000000000" }), "NOT_FOUND", "request");
    // Unprotected aliases still move directly; protected ones only through a request.
    await setAlias(c, { project, model: "churn", alias: "staging", version: 2, reason: "try" });
    await withdrawRequest(c, { project, request: req.id });
  });

  it("checks the policy's gates against production and refuses to approve a request whose gates failed, naming them", async () => {
    await modelWith("gated", [0.85, 0.8, 0.845]);
    // v1 to production first (no gates yet).
    const r1 = await requestPromotion(fx.ctx(ds), { project, model: "gated", version: 1, target: "production", justification: "baseline" });
    await decide(fx.ctx(mgr), { project, request: r1.id, decision: "approve", comment: "baseline ok" });
    expect(await getApprovalPolicy(fx.ctx(mgr), { project, model: "gated" })).toMatchObject({ custom: false, approverRole: "approver", requiredApprovals: 1, gates: [], updatedAt: null });
    await expect(setApprovalPolicy(fx.ctx(ds), { project, model: "gated", requiredApprovals: 2 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expectZod(setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "gated", requiredApprovals: 0 }), "requiredApprovals");
    await expectZod(setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "gated", gates: [{ metric: "x", op: ">=" }] }), "gates.0.value");
    const policy = await setApprovalPolicy(fx.ctx(fx.actors.owner), {
      project,
      model: "gated",
      gates: [
        { metric: "test_roc_auc", op: ">=", relativeTo: "production", delta: -0.01 },
        { metric: "test_log_loss", op: "<=", value: 0.3 },
      ],
      requireQualityPass: true,
      requireEvaluation: true,
    });
    expect(policy).toMatchObject({ custom: true, approverRole: "approver", requiredApprovals: 1, requireQualityPass: true, requireEvaluation: true });
    expect(await getApprovalPolicy(fx.ctx(fx.actors.viewer), { project, model: "gated" }).catch((e: unknown) => e)).toMatchObject({ code: "FORBIDDEN" });

    const bad = await requestPromotion(fx.ctx(ds), { project, model: "gated", version: 2, target: "production", justification: "cheaper" });
    expect(bad.evidence.gatesPassed).toBe(false);
    expect(bad.evidence.gates).toEqual([
      { name: "test_roc_auc >= production − 0.01", kind: "metric", passed: false, actual: 0.8, threshold: 0.84, detail: expect.stringContaining("production v1 0.85") as unknown },
      { name: "test_log_loss <= 0.3", kind: "metric", passed: true, actual: 0.25, threshold: 0.3, detail: "test_log_loss 0.25 <= 0.3" },
      { name: "data quality passed", kind: "quality", passed: true, actual: null, threshold: null, detail: expect.stringContaining("quality pass") as unknown },
      { name: "evaluation present", kind: "evaluation", passed: true, actual: null, threshold: null, detail: "evaluation.json present" },
    ]);
    await expectKeel(decide(fx.ctx(mgr), { project, request: bad.id, decision: "approve", comment: "ok" }), "CONFLICT", "gates", /test_roc_auc >= production − 0\.01/);
    expect((await getApprovalRequest(fx.ctx(mgr), { project, request: bad.id })).decisions).toEqual([]);
    const rejected = await decide(fx.ctx(mgr), { project, request: bad.id, decision: "reject", comment: "AUC dropped 5 points" });
    expect(rejected.status).toBe("rejected");
    expect((await listNotifications(fx.ctx(ds))).some((n) => n.kind === "approval.rejected" && n.link === `/demo/approvals/${bad.id}`)).toBe(true);

    const good = await requestPromotion(fx.ctx(ds), { project, model: "gated", version: 3, target: "production", justification: "within a point" });
    expect(good.evidence.gates[0]).toMatchObject({ passed: true, actual: 0.845, threshold: 0.84 });
    expect((await decide(fx.ctx(mgr), { project, request: good.id, decision: "approve", comment: "fine" })).status).toBe("approved");
    expect(await aliasOf("gated", "production")).toBe(3);
  });

  it("marks a request stale when production changed under it, and refuses to decide it", async () => {
    await modelWith("drift", [0.8, 0.81, 0.82]);
    const a = await requestPromotion(fx.ctx(ds), { project, model: "drift", version: 1, target: "production", justification: "a" });
    const b = await requestPromotion(fx.ctx(ds), { project, model: "drift", version: 2, target: "production", justification: "b" });
    // Approving one makes every other pending request for the alias stale at once.
    await decide(fx.ctx(mgr), { project, request: a.id, decision: "approve", comment: "go" });
    expect((await getApprovalRequest(fx.ctx(mgr), { project, request: b.id })).status).toBe("stale");
    await expectKeel(decide(fx.ctx(mgr), { project, request: b.id, decision: "approve", comment: "go" }), "CONFLICT", "request", /stale/);

    // Production moved by some other path: the decision notices, records stale and refuses.
    const c = await requestPromotion(fx.ctx(ds), { project, model: "drift", version: 3, target: "production", justification: "c" });
    await fx.kdb.db.transaction(async (tx) => {
      const model = await findModel(tx, w.projectId, "drift");
      await moveAlias(tx, fx.ctx(fx.actors.admin), { model, alias: "production", to: await findVersion(tx, model, 2), reason: "emergency" });
    });
    const before = await auditCount(fx.kdb);
    await expectKeel(decide(fx.ctx(mgr), { project, request: c.id, decision: "approve", comment: "go" }), "CONFLICT", "request", /stale: 'production' named v1 when it was made and names v2 now/);
    const after = await getApprovalRequest(fx.ctx(mgr), { project, request: c.id });
    expect(after).toMatchObject({ status: "stale", decisions: [] });
    expect(await auditCount(fx.kdb)).toBe(before + 1); // approval.request.stale
    expect(await aliasOf("drift", "production")).toBe(2);
    expect((await listNotifications(fx.ctx(ds))).some((n) => n.kind === "approval.stale" && n.link === `/demo/approvals/${c.id}`)).toBe(true);
    expect((await listApprovalRequests(fx.ctx(fx.actors.auditor), { project, model: "drift", status: "stale" })).map((r) => r.id).sort()).toEqual([b.id, c.id].sort());
  });

  it("needs two distinct approvals under a 2-approval policy; a person decides once", async () => {
    await modelWith("pair", [0.8]);
    await setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "pair", requiredApprovals: 2 });
    const req = await requestPromotion(fx.ctx(ds), { project, model: "pair", version: 1, target: "production", justification: "two keys" });
    expect(req.requiredApprovals).toBe(2);
    const one = await decide(fx.ctx(mgr), { project, request: req.id, decision: "approve", comment: "first key" });
    expect(one).toMatchObject({ status: "pending", approvals: 1 });
    expect(await aliasOf("pair", "production")).toBeNull();
    await expectKeel(decide(fx.ctx(mgr), { project, request: req.id, decision: "approve", comment: "again" }), "CONFLICT", "decision", /already decided/);
    const two = await decide(fx.ctx(mgr2), { project, request: req.id, decision: "approve", comment: "second key" });
    expect(two).toMatchObject({ status: "approved", approvals: 2 });
    expect(two.decisions.map((d) => d.comment)).toEqual(["first key", "second key"]);
    expect(await aliasOf("pair", "production")).toBe(1);
    expect(await aliasEvents("pair")).toBe(1);
  });

  it("lets only the requester withdraw a pending request", async () => {
    await modelWith("wd", [0.8]);
    const req = await requestPromotion(fx.ctx(ds), { project, model: "wd", version: 1, target: "production", justification: "oops" });
    const other = await member("data_scientist");
    await expectKeel(withdrawRequest(fx.ctx(other), { project, request: req.id }), "FORBIDDEN", "request", /Only the person/);
    await expect(withdrawRequest(fx.ctx(mgr), { project, request: req.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const done = await withdrawRequest(fx.ctx(ds), { project, request: req.id });
    expect(done.status).toBe("withdrawn");
    await expectKeel(withdrawRequest(fx.ctx(ds), { project, request: req.id }), "CONFLICT", "request", /withdrawn/);
    await expectKeel(decide(fx.ctx(mgr), { project, request: req.id, decision: "approve", comment: "x" }), "CONFLICT", "request", /withdrawn/);
    // A new request for the same version is allowed once the old one is no longer pending.
    const again = await requestPromotion(fx.ctx(ds), { project, model: "wd", version: 1, target: "production", justification: "for real" });
    await withdrawRequest(fx.ctx(ds), { project, request: again.id });
  });

  it("shows each persona the requests waiting on them", async () => {
    await modelWith("inbox", [0.8, 0.81]);
    await setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "inbox", requiredApprovals: 2 });
    const req = await requestPromotion(fx.ctx(ds), { project, model: "inbox", version: 1, target: "production", justification: "inbox" });
    const ids = async (a: Actor): Promise<string[]> => (await listInbox(fx.ctx(a))).map((r) => r.id);
    expect(await ids(mgr)).toEqual([req.id]);
    expect(await ids(mgr2)).toEqual([req.id]);
    expect(await ids(ds)).toEqual([]); // the requester
    expect(await ids(fx.actors.auditor)).toEqual([]);
    expect(await ids(fx.actors.viewer)).toEqual([]);
    expect(await ids(fx.actors.admin)).toEqual([]); // owner role, not the approver role
    expect(await ids(fx.actors.outsider)).toEqual([]);
    await decide(fx.ctx(mgr), { project, request: req.id, decision: "approve", comment: "one" });
    expect(await ids(mgr)).toEqual([]); // decided already
    expect(await ids(mgr2)).toEqual([req.id]);
    // A policy naming the owner role moves the request to owners' inboxes.
    await setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "inbox", approverRole: "owner" });
    const byOwner = await requestPromotion(fx.ctx(ds), { project, model: "inbox", version: 2, target: "production", justification: "owners" });
    expect(await ids(fx.actors.owner)).toEqual([byOwner.id]);
    expect(await ids(mgr2)).toEqual([req.id]);
    await withdrawRequest(fx.ctx(ds), { project, request: req.id });
    await withdrawRequest(fx.ctx(ds), { project, request: byOwner.id });
    expect(await ids(mgr2)).toEqual([]);
    expect(await ids(fx.actors.owner)).toEqual([]);
  });

  it("20 concurrent decisions by one approver: one decision row, one alias move, one audited success, 19 conflicts", async () => {
    await modelWith("race1", [0.8]);
    const req = await requestPromotion(fx.ctx(ds), { project, model: "race1", version: 1, target: "production", justification: "race" });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => decide(fx.ctx(mgr), { project, request: req.id, decision: "approve", comment: `attempt ${i}` })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(19);
    for (const f of failed) expect(f.reason).toMatchObject({ code: "CONFLICT" });
    const rows = await fx.kdb.db.select().from(schema.approvalDecisions).where(eq(schema.approvalDecisions.requestId, req.id));
    expect(rows).toHaveLength(1);
    expect(await aliasEvents("race1")).toBe(1);
    expect(await auditActions("approval.decision.create", req.id)).toBe(1);
    expect(await aliasOf("race1", "production")).toBe(1);
  });

  it("20 concurrent decisions by 20 approvers under a 3-approval policy: three decisions, one alias move, 17 conflicts", async () => {
    await modelWith("race20", [0.8]);
    await setApprovalPolicy(fx.ctx(fx.actors.owner), { project, model: "race20", requiredApprovals: 3 });
    const req = await requestPromotion(fx.ctx(ds), { project, model: "race20", version: 1, target: "production", justification: "race" });
    const approvers: Actor[] = [];
    for (let i = 0; i < 20; i++) approvers.push(await member("approver"));
    const results = await Promise.allSettled(approvers.map((a, i) => decide(fx.ctx(a), { project, request: req.id, decision: "approve", comment: `yes ${i}` })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(3);
    for (const f of failed) expect(f.reason).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/is approved/) as unknown });
    const rows = await fx.kdb.db.select().from(schema.approvalDecisions).where(eq(schema.approvalDecisions.requestId, req.id));
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.decidedBy)).size).toBe(3);
    expect(await aliasEvents("race20")).toBe(1);
    expect(await auditActions("approval.decision.create", req.id)).toBe(3);
    expect((await getApprovalRequest(fx.ctx(mgr), { project, request: req.id })).status).toBe("approved");
  });
});
