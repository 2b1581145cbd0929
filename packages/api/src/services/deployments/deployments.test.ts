/**
 * Deployments on PGlite and Postgres: every traffic rule (bad input changes nothing), production
 * refusing unapproved live versions (allowed as shadow and in staging) until approved, promote,
 * rollback back and forth, point-in-time state, concurrent changes numbered without gaps, and the
 * append-only revision triggers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, schema } from "@keel/db";
import { testDriver } from "@keel/db/testing";
import type { Actor } from "../../context";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import { decide, requestPromotion } from "../approvals/index";
import { archiveVersion, createModel, findModel, findVersion, moveAlias, registerModelVersion } from "../registry/index";
import { setupRegistryWorld, type RegistryWorld } from "../registry/test-support";
import { createDeployment, deployableVersions, deploymentsForVersion, deploymentStateAt, getDeployment, listDeployments, promote, rollback, setTraffic } from "./index";
import { expectKeel, expectZod, pgError } from "../../test/expect-errors";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`deployments on ${testDriver()}`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let w: RegistryWorld;
  let ds: Actor;
  const project = "demo";

  async function counts(): Promise<{ deployments: number; revisions: number; audit: number }> {
    const { rows } = await fx.kdb.query<{ d: number; r: number }>("select (select count(*)::int from deployments) as d, (select count(*)::int from deployment_revisions) as r");
    return { deployments: rows[0]?.d ?? 0, revisions: rows[0]?.r ?? 0, audit: await auditCount(fx.kdb) };
  }

  beforeAll(async () => {
    fx = await setupFixture();
    w = await setupRegistryWorld(fx);
    ds = fx.actors.data_scientist;
    const c = fx.ctx(ds);
    for (const name of ["churn", "other"]) {
      await createModel(c, { project, name });
      for (let i = 0; i < 4; i++) await registerModelVersion(c, { project, model: name, runId: await w.run() });
    }
    await archiveVersion(c, { project, model: "churn", version: 4 });
  }, 180_000);
  afterAll(async () => {
    await fx.destroy();
  });

  it("creates a staging deployment (revision 1, audited) and refuses every bad input without changing anything", async () => {
    const c = fx.ctx(ds);
    const before = await counts();
    const created = await createDeployment(c, { project, name: "churn-staging", model: "churn", environment: "staging", traffic: [{ version: 1 }] });
    expect(created.id).toMatch(/^dep_/);
    expect(created).toMatchObject({
      name: "churn-staging",
      model: "churn",
      environment: "staging",
      currentRevision: 1,
      traffic: [{ version: 1, mode: "live", percent: 100 }],
      createdBy: { name: "Dana Scientist" },
      history: [{ revision: 1, reason: "create", actor: { name: "Dana Scientist" } }],
    });
    expect(await counts()).toEqual({ deployments: before.deployments + 1, revisions: before.revisions + 1, audit: before.audit + 1 });

    const after = await counts();
    const dep = { project, deployment: "churn-staging" };
    await expectKeel(createDeployment(c, { project, name: "Churn-Staging", model: "churn", environment: "staging", traffic: [{ version: 1 }] }), "CONFLICT", "name");
    await expectKeel(createDeployment(c, { project, name: "x", model: "nope", environment: "staging", traffic: [{ version: 1 }] }), "NOT_FOUND", "model");
    await expectZod(createDeployment(c, { project, name: "x", model: "churn", environment: "dev" as "staging", traffic: [{ version: 1 }] }), "environment");
    await expectZod(createDeployment(c, { project, name: "bad name", model: "churn", environment: "staging", traffic: [{ version: 1 }] }), "name");
    await expectZod(setTraffic(c, { ...dep, traffic: [] }), "traffic");
    await expectZod(setTraffic(c, { ...dep, traffic: [{ version: 0 }] }), "traffic.0.version");
    await expectZod(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 50.5 }] }), "traffic.0.percent");
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 90 }] }), "BAD_REQUEST", "traffic", /sum to exactly 100 \(they sum to 90\)/);
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, mode: "shadow" }] }), "BAD_REQUEST", "traffic", /at least one live route/);
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 50 }, { version: 1, percent: 50 }] }), "BAD_REQUEST", "traffic.1.version", /more than once/);
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 100 }, { version: 2, mode: "shadow", percent: 10 }] }), "BAD_REQUEST", "traffic.1.percent", /shadow route takes no percent/);
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1 }, { version: 2, percent: 10 }] }), "BAD_REQUEST", "traffic.0.percent");
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 100 }, { version: 2, percent: 0 }] }), "BAD_REQUEST", "traffic.1.percent");
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 90 }, { version: 9, percent: 10 }] }), "NOT_FOUND", "traffic.1.version", /no version 9/);
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 100 }, { version: 4, mode: "shadow" }] }), "CONFLICT", "traffic.1.version", /archived/);
    await expectKeel(setTraffic(c, { project, deployment: "nope", traffic: [{ version: 1 }] }), "NOT_FOUND", "deployment");
    await expectKeel(setTraffic(fx.ctx(fx.actors.viewer), { ...dep, traffic: [{ version: 2 }] }), "FORBIDDEN", "");
    await expectKeel(setTraffic(fx.ctx(fx.actors.approver), { ...dep, traffic: [{ version: 2 }] }), "FORBIDDEN", "");
    await expectKeel(rollback(c, dep), "CONFLICT", "deployment", /no previous revision/);
    await expectKeel(promote(c, { ...dep, version: 1 }), "CONFLICT", "version", /already takes 100%/);
    await expectKeel(promote(c, { ...dep, version: 2 }), "BAD_REQUEST", "version", /not routed/);
    expect(await counts()).toEqual(after);
    expect((await getDeployment(c, dep)).history).toHaveLength(1);
  });

  it("in staging takes any ready version live, with a canary and a shadow; lists deployments", async () => {
    const c = fx.ctx(ds);
    const d = await setTraffic(c, { project, deployment: "churn-staging", traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }, { version: 3, mode: "shadow" }] });
    expect(d.currentRevision).toBe(2);
    expect(d.traffic).toEqual([
      { versionId: expect.stringMatching(/^mv_/) as unknown, version: 1, mode: "live", percent: 90 },
      { versionId: expect.stringMatching(/^mv_/) as unknown, version: 2, mode: "live", percent: 10 },
      { versionId: expect.stringMatching(/^mv_/) as unknown, version: 3, mode: "shadow", percent: null },
    ]);
    expect(d.history.map((h) => [h.revision, h.reason])).toEqual([
      [2, "set traffic"],
      [1, "create"],
    ]);
    const list = await listDeployments(fx.ctx(fx.actors.viewer), { project });
    expect(list.find((x) => x.name === "churn-staging")).toMatchObject({ currentRevision: 2, traffic: [{ version: 1 }, { version: 2 }, { version: 3 }] });
    expect(await getDeployment(fx.ctx(fx.actors.viewer), { project, deployment: "CHURN-STAGING" })).toMatchObject({ currentRevision: 2 });
  });

  it("in production refuses unapproved live versions (naming them), allows them as shadow, and allows them once approved", async () => {
    const c = fx.ctx(ds);
    const before = await counts();
    await expectKeel(
      createDeployment(c, { project, name: "churn-prod", model: "churn", environment: "production", traffic: [{ version: 1 }] }),
      "CONFLICT",
      "traffic.0.version",
      /Only approved versions can take live production traffic: version 1 of 'churn'/,
    );
    expect(await counts()).toEqual(before);

    // Approve version 1 through the workflow (request, then an approver's decision).
    const req = await requestPromotion(c, { project, model: "churn", version: 1, target: "production", justification: "first release" });
    await decide(fx.ctx(fx.actors.approver), { project, request: req.id, decision: "approve", comment: "good" });
    const created = await createDeployment(c, { project, name: "churn-prod", model: "churn", environment: "production", traffic: [{ version: 1 }, { version: 2, mode: "shadow" }] });
    expect(created.traffic.map((r) => [r.version, r.mode, r.percent])).toEqual([
      [1, "live", 100],
      [2, "shadow", null],
    ]);

    const mid = await counts();
    const dep = { project, deployment: "churn-prod" };
    await expectKeel(setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }] }), "CONFLICT", "traffic.1.version", /version 2 of 'churn' has no approved promotion/);
    await expectKeel(promote(c, { ...dep, version: 2 }), "CONFLICT", "version", /version 2/);
    // A version of another model, approved or not, is never a version of this one.
    expect(await counts()).toEqual(mid);

    // Version 2 takes the production alias (the approval workflow calls moveAlias once approved).
    const model = await findModel(fx.kdb.db, w.projectId, "churn");
    const v2 = await findVersion(fx.kdb.db, model, 2);
    await fx.kdb.db.transaction((tx) => moveAlias(tx, fx.ctx(fx.actors.approver), { model, alias: "production", to: v2, reason: "approved elsewhere" }));
    const canary = await setTraffic(c, { ...dep, traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }, { version: 3, mode: "shadow" }] });
    // Version 1 no longer holds production but keeps its approved request: still allowed.
    expect(canary).toMatchObject({ currentRevision: 2, traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }, { version: 3, mode: "shadow" }] });
    expect(await counts()).toEqual({ ...mid, revisions: mid.revisions + 1, audit: mid.audit + 2 }); // the alias move and the traffic change
  });

  it("promotes the canary to 100% live (shadows dropped) and rolls back twice, back and forth, as new revisions", async () => {
    const c = fx.ctx(ds);
    const dep = { project, deployment: "churn-prod" };
    const before = await counts();
    const promoted = await promote(c, { ...dep, version: 2 });
    expect(promoted).toMatchObject({ currentRevision: 3, traffic: [{ version: 2, mode: "live", percent: 100 }] });
    expect(promoted.history[0]).toMatchObject({ revision: 3, reason: "promote" });
    expect(promoted.traffic).toHaveLength(1);
    const back = await rollback(c, dep);
    expect(back.currentRevision).toBe(4);
    expect(back.history[0]).toMatchObject({ revision: 4, reason: "rollback to revision 2" });
    expect(back.traffic.map((r) => [r.version, r.mode, r.percent])).toEqual([
      [1, "live", 90],
      [2, "live", 10],
      [3, "shadow", null],
    ]);
    const forth = await rollback(c, dep);
    expect(forth).toMatchObject({ currentRevision: 5, traffic: [{ version: 2, mode: "live", percent: 100 }] });
    expect(forth.history[0]).toMatchObject({ revision: 5, reason: "rollback to revision 3" });
    expect(await counts()).toEqual({ deployments: before.deployments, revisions: before.revisions + 3, audit: before.audit + 3 });
    const { rows } = await fx.kdb.query<{ action: string }>("select action from audit_events where entity_id = $1 order by seq", [promoted.id]);
    expect(rows.map((r) => r.action)).toEqual(["deployment.create", "deployment.traffic.set", "deployment.promote", "deployment.rollback", "deployment.rollback"]);
  });

  it("answers which versions served at a time, with which split, across revisions", async () => {
    const c = fx.ctx(ds);
    const t0 = new Date();
    await sleep(5);
    await createDeployment(c, { project, name: "pit", model: "other", environment: "staging", traffic: [{ version: 1 }] });
    await sleep(5);
    await setTraffic(c, { project, deployment: "pit", traffic: [{ version: 1, percent: 80 }, { version: 2, percent: 20 }] });
    await sleep(5);
    await promote(c, { project, deployment: "pit", version: 2 });
    await sleep(5);
    const d = await rollback(c, { project, deployment: "pit" });
    const at = (rev: number) => d.history.find((h) => h.revision === rev)?.at ?? "";
    expect(await deploymentStateAt(c, { project, deployment: "pit", at: t0.toISOString() })).toMatchObject({ revision: null });
    for (const rev of [1, 2, 3, 4]) {
      const state = await deploymentStateAt(fx.ctx(fx.actors.viewer), { project, deployment: "pit", at: at(rev) });
      expect(state.revision?.revision).toBe(rev);
      // Just before the next revision, this one still holds.
      if (rev < 4) expect((await deploymentStateAt(c, { project, deployment: "pit", at: new Date(Date.parse(at(rev + 1)) - 1).toISOString() })).revision?.revision).toBe(rev);
    }
    expect((await deploymentStateAt(c, { project, deployment: "pit", at: at(2) })).revision?.traffic.map((r) => [r.version, r.percent])).toEqual([
      [1, 80],
      [2, 20],
    ]);
    expect((await deploymentStateAt(c, { project, deployment: "pit" })).revision).toMatchObject({ revision: 4, reason: "rollback to revision 2" });
    await expectZod(deploymentStateAt(c, { project, deployment: "pit", at: "yesterday" }), "at");
  });

  it("numbers concurrent traffic changes consecutively, without gaps or duplicates", async () => {
    const c = fx.ctx(ds);
    await createDeployment(c, { project, name: "busy", model: "other", environment: "staging", traffic: [{ version: 1 }] });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => setTraffic(fx.ctx(ds), { project, deployment: "busy", traffic: [{ version: 1, percent: 50 + i }, { version: 2, percent: 50 - i }] })),
    );
    expect(results.every((r) => r.currentRevision >= 2)).toBe(true);
    const d = await getDeployment(c, { project, deployment: "busy" });
    expect(d.currentRevision).toBe(13);
    expect(d.history.map((h) => h.revision)).toEqual(Array.from({ length: 13 }, (_, i) => 13 - i));
    const weights = d.history.slice(0, 12).map((h) => h.traffic[0]?.percent);
    expect(new Set(weights).size).toBe(12);
    // Revision times follow revision order.
    const times = [...d.history].reverse().map((h) => Date.parse(h.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("keeps revisions append-only in the database; deleting the deployment cascades", async () => {
    const c = fx.ctx(ds);
    const d = await createDeployment(c, { project, name: "doomed", model: "other", environment: "staging", traffic: [{ version: 3 }] });
    for (const q of [
      "update deployment_revisions set reason = 'tampered' where deployment_id = $1",
      "update deployment_revisions set routes = '[]'::jsonb where deployment_id = $1",
      "delete from deployment_revisions where deployment_id = $1",
    ]) {
      const err: unknown = await fx.kdb.query(q, [d.id]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(pgError(err)).toMatchObject({ code: "42501", message: expect.stringMatching(/append-only/) as unknown });
    }
    const truncate: unknown = await fx.kdb.query("truncate deployment_revisions").then(
      () => null,
      (e: unknown) => e,
    );
    expect(pgError(truncate).code).toBe("42501");
    expect((await getDeployment(c, { project, deployment: "doomed" })).history).toMatchObject([{ revision: 1, reason: "create" }]);
    await fx.kdb.db.delete(schema.deployments).where(eq(schema.deployments.id, d.id));
    const { rows } = await fx.kdb.query<{ n: number }>("select count(*)::int as n from deployment_revisions where deployment_id = $1", [d.id]);
    expect(rows[0]?.n).toBe(0);
  });
  it("lists the deployments routing a version now (mode and weight), and which versions may go live where", async () => {
    const viewer = fx.ctx(fx.actors.viewer);
    // State here: churn-staging = v1 90 / v2 10 / v3 shadow; churn-prod = v2 100 (v1 approved, v2 holds production).
    expect(await deploymentsForVersion(viewer, { project, model: "churn", version: 2 })).toEqual([
      { name: "churn-prod", environment: "production", mode: "live", percent: 100 },
      { name: "churn-staging", environment: "staging", mode: "live", percent: 10 },
    ]);
    expect(await deploymentsForVersion(viewer, { project, model: "CHURN", version: 3 })).toEqual([{ name: "churn-staging", environment: "staging", mode: "shadow", percent: null }]);
    // Version 1 served churn-prod in earlier revisions, not now.
    expect(await deploymentsForVersion(viewer, { project, model: "churn", version: 1 })).toEqual([{ name: "churn-staging", environment: "staging", mode: "live", percent: 90 }]);
    expect(await deploymentsForVersion(viewer, { project, model: "churn", version: 4 })).toEqual([]);
    await expectKeel(deploymentsForVersion(viewer, { project, model: "churn", version: 9 }), "NOT_FOUND", "version");
    await expectKeel(deploymentsForVersion(viewer, { project, model: "nope", version: 1 }), "NOT_FOUND", "model");
    await expectZod(deploymentsForVersion(viewer, { project, model: "churn", version: 0 }), "version");
    await expectKeel(deploymentsForVersion(fx.ctx(fx.actors.outsider), { project, model: "churn", version: 2 }), "NOT_FOUND", "");

    const prod = await deployableVersions(viewer, { project, model: "churn", environment: "production" });
    expect(prod.map((v) => [v.version, v.liveAllowed, v.aliases])).toEqual([
      [3, false, []],
      [2, true, ["production"]],
      [1, true, []],
    ]);
    const staging = await deployableVersions(viewer, { project, model: "churn", environment: "staging" });
    expect(staging.map((v) => [v.version, v.liveAllowed])).toEqual([
      [3, true],
      [2, true],
      [1, true],
    ]);
    // What deployableVersions refuses, setTraffic refuses too.
    await expectKeel(setTraffic(fx.ctx(ds), { project, deployment: "churn-prod", traffic: [{ version: 3 }] }), "CONFLICT", "traffic.0.version");
    await expectKeel(deployableVersions(viewer, { project, model: "nope", environment: "staging" }), "NOT_FOUND", "model");
  });

  it("keeps a rollback's comment in the revision's reason and the audit event", async () => {
    const c = fx.ctx(ds);
    await createDeployment(c, { project, name: "commented", model: "other", environment: "staging", traffic: [{ version: 1 }] });
    await setTraffic(c, { project, deployment: "commented", traffic: [{ version: 2 }] });
    await expectZod(rollback(c, { project, deployment: "commented", comment: "x".repeat(1001) }), "comment");
    const back = await rollback(c, { project, deployment: "commented", comment: "  p99 latency doubled  " });
    expect(back).toMatchObject({ currentRevision: 3, traffic: [{ version: 1, percent: 100 }] });
    expect(back.history[0]).toMatchObject({ revision: 3, reason: "rollback to revision 1: p99 latency doubled" });
    const { rows } = await fx.kdb.query<{ after: { reason?: string } }>("select after from audit_events where entity_id = $1 and action = 'deployment.rollback'", [back.id]);
    expect(rows.map((r) => r.after.reason)).toEqual(["rollback to revision 1: p99 latency doubled"]);
  });
});
