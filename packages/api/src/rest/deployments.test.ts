/**
 * Deployments over REST with tokens: create (201), list, read, traffic (PUT), promote, rollback
 * and point-in-time state; status codes and error bodies naming the field; production refusing an
 * unapproved live version (409) until it is approved.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@keel/db/testing";
import { decide, requestPromotion } from "../services/approvals/index";
import { modelWithVersions, personaTokens, setupRegistryWorld, type RegistryWorld } from "../services/registry/test-support";
import { setupFixture, type Fixture } from "../testing";
import { errorOf, errorPaths, restClient } from "./test-client";

let fx: Fixture;
let w: RegistryWorld;
let scientist: string;
let manager: string;
let viewer: string;

beforeAll(async () => {
  fx = await setupFixture();
  w = await setupRegistryWorld(fx);
  ({ scientist, manager, viewer } = await personaTokens(fx));
  await modelWithVersions(fx, w, "svc", 3);
}, 120_000);
afterAll(async () => {
  await fx.destroy();
});

const call = restClient(() => fx);
const paths = errorPaths;

describe(`deployments over REST (${testDriver()})`, { timeout: 60_000 }, () => {
  const deps = "/projects/demo/deployments";

  it("creates (201), lists and reads a deployment; bad input is 400 naming the field; viewers cannot write", async () => {
    const created = await call(deps, { method: "POST", token: scientist, json: { name: "svc-staging", model: "svc", environment: "staging", traffic: [{ version: 1 }] } });
    expect(created).toMatchObject({ status: 201, body: { name: "svc-staging", currentRevision: 1, traffic: [{ version: 1, mode: "live", percent: 100 }] } });
    expect((await call(deps, { method: "POST", token: scientist, json: { name: "svc-staging", model: "svc", environment: "staging", traffic: [{ version: 1 }] } })).status).toBe(409);
    const bad = await call(deps, { method: "POST", token: scientist, json: { name: "x", model: "svc", environment: "qa", traffic: [{ version: 1, mode: "canary" }] } });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(expect.arrayContaining(["environment", "traffic.0.mode"]));
    const sum = await call(deps, { method: "POST", token: scientist, json: { name: "x", model: "svc", environment: "staging", traffic: [{ version: 1, percent: 60 }, { version: 2, percent: 30 }] } });
    expect(sum.status).toBe(400);
    expect(paths(sum)).toEqual(["traffic"]);
    expect(errorOf(sum).message).toMatch(/sum to 90/);
    expect((await call(deps, { method: "POST", token: viewer, json: { name: "y", model: "svc", environment: "staging", traffic: [{ version: 1 }] } })).status).toBe(403);
    expect((await call(deps, { method: "POST", token: manager, json: { name: "y", model: "svc", environment: "staging", traffic: [{ version: 1 }] } })).status).toBe(403);
    expect((await call(deps)).status).toBe(401);

    const list = await call(deps, { token: viewer });
    expect(list.status).toBe(200);
    expect((list.body.items as { name: string }[]).map((d) => d.name)).toEqual(["svc-staging"]);
    expect(await call(`${deps}/svc-staging`, { token: viewer })).toMatchObject({ status: 200, body: { name: "svc-staging", history: [{ revision: 1, reason: "create" }] } });
    expect((await call(`${deps}/nope`, { token: viewer })).status).toBe(404);
  });

  it("sets traffic (PUT), promotes and rolls back; reads the state at a time", async () => {
    const dep = `${deps}/svc-staging`;
    const canary = await call(dep, { method: "PUT", token: scientist, json: { traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }, { version: 3, mode: "shadow" }] } });
    expect(canary).toMatchObject({ status: 200, body: { currentRevision: 2 } });
    // If-Match: a change made against an older revision is refused (412) and changes nothing.
    const stale = await call(dep, { method: "PUT", token: scientist, headers: { "if-match": '"1"' }, json: { traffic: [{ version: 2 }] } });
    expect(stale.status).toBe(412);
    expect(errorOf(stale)).toMatchObject({ code: "PRECONDITION_FAILED", details: [{ path: "ifMatch" }] });
    expect((await call(dep, { token: viewer })).body).toMatchObject({ currentRevision: 2 });
    const badTag = await call(dep, { method: "PUT", token: scientist, headers: { "if-match": "*x" }, json: { traffic: [{ version: 2 }] } });
    expect(badTag.status).toBe(400);
    expect(paths(badTag)).toEqual(["ifMatch"]);
    const dup = await call(dep, { method: "PUT", token: scientist, json: { traffic: [{ version: 1, percent: 50 }, { version: 1, percent: 50 }] } });
    expect(dup.status).toBe(400);
    expect(paths(dup)).toEqual(["traffic.1.version"]);
    const missing = await call(dep, { method: "PUT", token: scientist, json: { traffic: [{ version: 7 }] } });
    expect(missing.status).toBe(404);
    expect(paths(missing)).toEqual(["traffic.0.version"]);
    const notRouted = await call(`${dep}/promote`, { method: "POST", token: scientist, json: { version: 9 } });
    expect(notRouted.status).toBe(400);
    expect(paths(notRouted)).toEqual(["version"]);
    expect(await call(`${dep}/promote`, { method: "POST", token: scientist, json: { version: 2 } })).toMatchObject({ status: 200, body: { currentRevision: 3, traffic: [{ version: 2, percent: 100 }] } });
    const back = await call(`${dep}/rollback`, { method: "POST", token: scientist, json: {} });
    expect(back).toMatchObject({ status: 200, body: { currentRevision: 4, traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }, { version: 3, mode: "shadow" }] } });
    const history = (back.body.history as { revision: number; at: string }[]).slice().reverse();
    const at2 = history[1]?.at ?? "";
    const state = await call(`${dep}/history?at=${encodeURIComponent(at2)}`, { token: viewer });
    expect(state).toMatchObject({ status: 200, body: { deployment: "svc-staging", revision: { revision: 2, reason: "set traffic" } } });
    expect((await call(`${dep}/history`, { token: viewer })).body).toMatchObject({ revision: { revision: 4, reason: "rollback to revision 2" } });
    const badAt = await call(`${dep}/history?at=soon`, { token: viewer });
    expect(badAt.status).toBe(400);
    expect(paths(badAt)).toEqual(["at"]);
  });

  it("refuses an unapproved live version in production (409 naming it), takes it as shadow, and live once approved", async () => {
    const refused = await call(deps, { method: "POST", token: scientist, json: { name: "svc-prod", model: "svc", environment: "production", traffic: [{ version: 2 }] } });
    expect(refused.status).toBe(409);
    expect(paths(refused)).toEqual(["traffic.0.version"]);
    expect(errorOf(refused).message).toMatch(/version 2 of 'svc'/);
    const req = await requestPromotion(fx.ctx(fx.actors.data_scientist), { project: "demo", model: "svc", version: 1, target: "production", justification: "ship it" });
    await decide(fx.ctx(fx.actors.approver), { project: "demo", request: req.id, decision: "approve", comment: "ok" });
    const created = await call(deps, { method: "POST", token: scientist, json: { name: "svc-prod", model: "svc", environment: "production", traffic: [{ version: 1 }, { version: 2, mode: "shadow" }] } });
    expect(created.status).toBe(201);
    const live = await call(`${deps}/svc-prod`, { method: "PUT", token: scientist, json: { traffic: [{ version: 1, percent: 90 }, { version: 2, percent: 10 }] } });
    expect(live.status).toBe(409);
    expect(paths(live)).toEqual(["traffic.1.version"]);
    const rb = await call(`${deps}/svc-prod/rollback`, { method: "POST", token: scientist, json: {} });
    expect(rb.status).toBe(409);
    expect(paths(rb)).toEqual(["deployment"]);
  });
  it("lists the deployments routing a version and the deployable versions; rollback takes a comment", async () => {
    const routed = await call("/projects/demo/models/svc/versions/2/deployments", { token: viewer });
    expect(routed).toMatchObject({ status: 200, body: { items: [{ name: "svc-prod", environment: "production", mode: "shadow", percent: null }, { name: "svc-staging", environment: "staging", mode: "live", percent: 10 }] } });
    const missing = await call("/projects/demo/models/svc/versions/9/deployments", { token: viewer });
    expect(missing.status).toBe(404);
    expect(paths(missing)).toEqual(["version"]);
    const prod = await call("/projects/demo/models/svc/deployable-versions?environment=production", { token: viewer });
    expect(prod.status).toBe(200);
    expect((prod.body.items as { version: number; liveAllowed: boolean }[]).map((v) => [v.version, v.liveAllowed])).toEqual([
      [3, false],
      [2, false],
      [1, true],
    ]);
    const badEnv = await call("/projects/demo/models/svc/deployable-versions?environment=qa", { token: viewer });
    expect(badEnv.status).toBe(400);
    expect(paths(badEnv)).toEqual(["environment"]);
    const rb = await call(`${deps}/svc-staging/rollback`, { method: "POST", token: scientist, json: { comment: "canary regressed" } });
    expect(rb).toMatchObject({ status: 200, body: { currentRevision: 5 } });
    expect((rb.body.history as { revision: number; reason: string }[])[0]).toMatchObject({ revision: 5, reason: "rollback to revision 3: canary regressed" });
  });
});
