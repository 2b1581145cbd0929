/**
 * The calls the portal's registry and approvals pages make, through the tRPC caller as each
 * persona, with the exact inputs the pages build: the succeeded-runs picker, registering, the
 * version page's reads, requesting promotion, the inbox, the evidence page, the requester's own
 * decision refused, the approver's decision moving the alias, and the notification bell.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@keel/db/testing";
import type { Actor } from "../../context";
import { createCaller } from "../../root";
import { setupFixture, type Fixture } from "../../testing";
import { setupRegistryWorld, type RegistryWorld } from "../registry/test-support";

describe(`portal registry and approvals calls on ${testDriver()}`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let w: RegistryWorld;
  const project = "demo";
  const as = (actor: Actor, tag: string) =>
    createCaller({ db: fx.kdb.db, driver: fx.kdb.driver, actor, requestId: `portal-${tag}`, ip: null, artifacts: fx.artifacts, accessCache: new Map() });

  beforeAll(async () => {
    fx = await setupFixture();
    w = await setupRegistryWorld(fx, project, "portal-data", "portal-exp");
  });
  afterAll(async () => {
    await fx.destroy();
  });

  it("walks register → request → refuse self-decision → approve → alias moved → notified", async () => {
    const ds = as(fx.actors.data_scientist, "ds");
    const mgr = as(fx.actors.approver, "mgr");
    const succeeded = await w.run();
    const failed = await w.run({ status: "failed" });

    // The "Register version" picker: the page's filter returns succeeded runs only.
    const runs = await ds.experiments.listRuns({ project, filter: "attributes.status = 'succeeded'", includeTrials: true, limit: 200 });
    const ids = runs.items.map((r) => r.id);
    expect(ids).toContain(succeeded);
    expect(ids).not.toContain(failed);

    await ds.registry.createModel({ project, name: "portal-model", description: "" });
    const v1 = await ds.registry.registerVersion({ project, model: "portal-model", runId: succeeded });
    expect(v1.version).toBe(1);
    const listed = await ds.registry.listModels({ project });
    expect(listed.items.find((m) => m.name === "portal-model")?.latestVersion).toBe(1);

    // The version page's reads: the version with lineage, the run's params, the deployments list.
    const version = await ds.registry.getVersion({ project, model: "portal-model", version: 1 });
    expect(version.lineage.run.experiment.name).toBe("portal-exp");
    expect(version.lineage.dataset?.name).toBe("portal-data");
    expect((await ds.experiments.getRun({ project, run: version.runId })).id).toBe(succeeded);
    expect(Array.isArray((await ds.deployments.list({ project })).items)).toBe(true);
    const detail = await ds.registry.getModel({ project, model: "portal-model" });
    expect(detail.protectedAliases).toContain("production");

    // "Request promotion" → the evidence page.
    const req = await ds.approvals.requestPromotion({ project, model: "portal-model", version: 1, target: "production", justification: "first production model" });
    expect(req.status).toBe("pending");
    const evidence = await mgr.approvals.get({ project, request: req.id });
    expect(evidence.evidence.candidate.version).toBe(1);
    expect(evidence.requestedBy?.id).toBe(fx.actors.data_scientist.id);

    // The approver's inbox lists it; the requester's does not.
    expect((await mgr.approvals.inbox()).items.map((r) => r.id)).toContain(req.id);
    expect((await ds.approvals.inbox()).items.map((r) => r.id)).not.toContain(req.id);
    expect((await mgr.approvals.notifications({ unreadOnly: true })).items.some((n) => n.link === `/demo/approvals/${req.id}`)).toBe(true);

    // The requester cannot decide (the page hides the form; the API refuses the same call).
    const owner = as(fx.actors.owner, "owner");
    const ownReq = await owner.approvals.requestPromotion({ project, model: "portal-model", version: 1, target: "production", justification: "owner asks" }).catch((e: unknown) => e);
    // A second pending request for the same version and alias is refused: one request at a time.
    expect(ownReq).toMatchObject({ code: "CONFLICT" });
    await expect(ds.approvals.decide({ project, request: req.id, decision: "approve", comment: "mine" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // A blank comment is refused by the schema the form mirrors.
    await expect(mgr.approvals.decide({ project, request: req.id, decision: "approve", comment: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const decided = await mgr.approvals.decide({ project, request: req.id, decision: "approve", comment: "metrics fine" });
    expect(decided.status).toBe("approved");
    expect((await ds.registry.getModel({ project, model: "portal-model" })).aliases.production).toBe(1);
    const history = await ds.registry.aliasHistory({ project, model: "portal-model" });
    expect(history.items.some((e) => e.alias === "production" && e.toVersion === 1)).toBe(true);
    expect((await ds.approvals.list({ project, model: "portal-model" })).items.find((r) => r.id === req.id)?.status).toBe("approved");
    expect((await ds.approvals.notifications({ unreadOnly: true })).items.some((n) => n.kind === "approval.approved")).toBe(true);
    expect((await ds.approvals.markNotificationsRead({ all: true })).updated).toBeGreaterThan(0);
    expect((await ds.approvals.notifications({ unreadOnly: true })).items).toHaveLength(0);
  });
});
