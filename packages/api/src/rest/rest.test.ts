import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { createToken } from "../services/tokens";
import { handleRestRequest, openApiDocument } from "./index";

let fx: Fixture;
beforeAll(async () => {
  fx = await setupFixture();
});
afterAll(async () => {
  await fx.kdb.destroy();
});

const BASE = "http://keel.test/api/v1";
function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("content-type", "application/json");
  return handleRestRequest(new Request(`${BASE}${path}`, { ...init, headers }), { db: fx.kdb.db, driver: fx.kdb.driver });
}

describe("REST /api/v1", () => {
  it("answers health without auth, with a request id", async () => {
    const res = await call("/health", { headers: { "x-request-id": "client-chosen-id-1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("client-chosen-id-1");
    expect(await res.json()).toMatchObject({ status: "ok", database: "ok", worker: { lastHeartbeatAt: null } });
  });

  it("tells a token who it is, and refuses it after revoke with 401", async () => {
    const { token, id } = await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "ci", role: "owner" });
    const me = await call("/me", { token });
    expect(me.status).toBe(200);
    expect(me.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
    expect(await me.json()).toMatchObject({ actor: { type: "token", id, name: "ci" }, project: "demo", role: "owner" });

    const revoke = await call(`/projects/demo/tokens/${id}/revoke`, { method: "POST", token, body: "{}" });
    expect(revoke.status).toBe(200);
    const after = await call("/me", { token });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "The API token was revoked.", details: [] } });
  });

  it("returns errors in the documented shape: 401, 403, 404, 400 with details", async () => {
    expect(await (await call("/projects/demo/members")).json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const viewer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "v", role: "viewer" })).token;
    const forbidden = await call("/projects/demo/members", { token: viewer });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: "FORBIDDEN", message: expect.stringMatching(/viewer/) as string, details: [] } });
    const missing = await call("/projects/nope/members", { token: viewer });
    expect(missing.status).toBe(404);
    const owner = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "o", role: "owner" })).token;
    const before = await auditCount(fx.kdb);
    const bad = await call("/projects/demo/members", { method: "POST", token: owner, body: JSON.stringify({ email: "nope", role: "boss" }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string; details: { path?: string }[] } };
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(["email", "role"]));
    expect(await auditCount(fx.kdb)).toBe(before);
    const unknownRoute = await call("/no/such/route", { token: owner });
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("lets an owner token manage members", async () => {
    const owner = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "o2", role: "owner" })).token;
    const res = await call("/projects/demo/members", { method: "POST", token: owner, body: JSON.stringify({ email: "outsider@keel.local", role: "viewer" }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: "outsider@keel.local", role: "viewer" });
  });

  it("publishes an OpenAPI 3 document generated from the zod schemas", () => {
    const doc = openApiDocument("http://keel.test");
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths ?? {})).toEqual(expect.arrayContaining(["/health", "/me", "/projects/{project}/members"]));
  });
});
