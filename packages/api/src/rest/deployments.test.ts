/**
 * Deployments over REST with tokens: create (201), list, read, traffic (PUT), promote, rollback
 * and point-in-time state; status codes and error bodies naming the field; production refusing an
 * unapproved live version (409) until it is approved.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@keel/db/testing";
import { decide, requestPromotion } from "../services/approvals/index";
import { createToken } from "../services/tokens";
import { createModel, registerModelVersion } from "../services/registry/index";
import { setupRegistryWorld, type RegistryWorld } from "../services/registry/test-support";
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
  scientist = (await createToken(fx.ctx(fx.actors.data_scientist), { project: "demo", name: "ds", role: "data_scientist" })).token;
  manager = (await createToken(fx.ctx(fx.actors.approver), { project: "demo", name: "mgr", role: "approver" })).token;
  viewer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "v", role: "viewer" })).token;
  const ds = fx.ctx(fx.actors.data_scientist);
  await createModel(ds, { project: "demo", name: "svc" });
  for (let i = 0; i < 3; i++) await registerModelVersion(ds, { project: "demo", model: "svc", runId: await w.run() });
}, 120_000);
afterAll(async () => {
  await fx.destroy();
});

const call = restClient(() => fx);
const paths = errorPaths;

describe(`deployments over REST (${testDriver()})`, { timeout: 60_000 }, () => {
  const deps = "/projects/demo/deployments";

  it("creates (201), lists and reads a deployment; bad input is 400 naming the field; viewers cannot write", async () => {
    const created = await call(deps, { method: "POST", token: scientist, json: { name: "svc-staging", model: "svc", environment: "staging", routes: [{ version: 1 }] } });
    expect(created).toMatchObject({ status: 201, body: { name: "svc-staging", currentRevision: 1, routes: [{ version: 1, mode: "live", weight: 100 }] } });
    expect((await call(deps, { method: "POST", token: scientist, json: { name: "svc-staging", model: "svc", environment: "staging", routes: [{ version: 1 }] } })).status).toBe(409);
    const bad = await call(deps, { method: "POST", token: scientist, json: { name: "x", model: "svc", environment: "qa", routes: [{ version: 1, mode: "canary" }] } });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(expect.arrayContaining(["environment", "routes.0.mode"]));
    const sum = await call(deps, { method: "POST", token: scientist, json: { name: "x", model: "svc", environment: "staging", routes: [{ version: 1, weight: 60 }, { version: 2, weight: 30 }] } });
    expect(sum.status).toBe(400);
    expect(paths(sum)).toEqual(["routes"]);
    expect(errorOf(sum).message).toMatch(/sum to 90/);
    expect((await call(deps, { method: "POST", token: viewer, json: { name: "y", model: "svc", environment: "staging", routes: [{ version: 1 }] } })).status).toBe(403);
    expect((await call(deps, { method: "POST", token: manager, json: { name: "y", model: "svc", environment: "staging", routes: [{ version: 1 }] } })).status).toBe(403);
    expect((await call(deps)).status).toBe(401);

    const list = await call(deps, { token: viewer });
    expect(list.status).toBe(200);
    expect((list.body.items as { name: string }[]).map((d) => d.name)).toEqual(["svc-staging"]);
    expect(await call(`${deps}/svc-staging`, { token: viewer })).toMatchObject({ status: 200, body: { name: "svc-staging", history: [{ revision: 1, reason: "create" }] } });
    expect((await call(`${deps}/nope`, { token: viewer })).status).toBe(404);
  });

  it("sets traffic (PUT), promotes and rolls back; reads the state at a time", async () => {
    const dep = `${deps}/svc-staging`;
    const canary = await call(`${dep}/traffic`, { method: "PUT", token: scientist, json: { routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }, { version: 3, mode: "shadow" }] } });
    expect(canary).toMatchObject({ status: 200, body: { currentRevision: 2 } });
    const dup = await call(`${dep}/traffic`, { method: "PUT", token: scientist, json: { routes: [{ version: 1, weight: 50 }, { version: 1, weight: 50 }] } });
    expect(dup.status).toBe(400);
    expect(paths(dup)).toEqual(["routes.1.version"]);
    const missing = await call(`${dep}/traffic`, { method: "PUT", token: scientist, json: { routes: [{ version: 7 }] } });
    expect(missing.status).toBe(404);
    expect(paths(missing)).toEqual(["routes.0.version"]);
    const notRouted = await call(`${dep}/promote`, { method: "POST", token: scientist, json: { version: 9 } });
    expect(notRouted.status).toBe(400);
    expect(paths(notRouted)).toEqual(["version"]);
    expect(await call(`${dep}/promote`, { method: "POST", token: scientist, json: { version: 2 } })).toMatchObject({ status: 200, body: { currentRevision: 3, routes: [{ version: 2, weight: 100 }] } });
    const back = await call(`${dep}/rollback`, { method: "POST", token: scientist, json: {} });
    expect(back).toMatchObject({ status: 200, body: { currentRevision: 4, routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }, { version: 3, mode: "shadow" }] } });
    const history = (back.body.history as { revision: number; at: string }[]).slice().reverse();
    const at2 = history[1]?.at ?? "";
    const state = await call(`${dep}/state?at=${encodeURIComponent(at2)}`, { token: viewer });
    expect(state).toMatchObject({ status: 200, body: { deployment: "svc-staging", revision: { revision: 2, reason: "set traffic" } } });
    expect((await call(`${dep}/state`, { token: viewer })).body).toMatchObject({ revision: { revision: 4, reason: "rollback to revision 2" } });
    const badAt = await call(`${dep}/state?at=soon`, { token: viewer });
    expect(badAt.status).toBe(400);
    expect(paths(badAt)).toEqual(["at"]);
  });

  it("refuses an unapproved live version in production (409 naming it), takes it as shadow, and live once approved", async () => {
    const refused = await call(deps, { method: "POST", token: scientist, json: { name: "svc-prod", model: "svc", environment: "production", routes: [{ version: 2 }] } });
    expect(refused.status).toBe(409);
    expect(paths(refused)).toEqual(["routes.0.version"]);
    expect(errorOf(refused).message).toMatch(/version 2 of 'svc'/);
    const req = await requestPromotion(fx.ctx(fx.actors.data_scientist), { project: "demo", model: "svc", version: 1, alias: "production", justification: "ship it" });
    await decide(fx.ctx(fx.actors.approver), { project: "demo", request: req.id, decision: "approve", comment: "ok" });
    const created = await call(deps, { method: "POST", token: scientist, json: { name: "svc-prod", model: "svc", environment: "production", routes: [{ version: 1 }, { version: 2, mode: "shadow" }] } });
    expect(created.status).toBe(201);
    const live = await call(`${deps}/svc-prod/traffic`, { method: "PUT", token: scientist, json: { routes: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] } });
    expect(live.status).toBe(409);
    expect(paths(live)).toEqual(["routes.1.version"]);
    const rb = await call(`${deps}/svc-prod/rollback`, { method: "POST", token: scientist, json: {} });
    expect(rb.status).toBe(409);
    expect(paths(rb)).toEqual(["deployment"]);
  });
});
