import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, DEMO_PASSWORD, seedDemo, systemActor } from "@keel/api";
import { createTestDb, type TestDatabase } from "@keel/db/testing";
import { buildServeApp } from "./app";

let kdb: TestDatabase;
let token: string;
beforeAll(async () => {
  kdb = await createTestDb();
  await seedDemo(kdb, { password: DEMO_PASSWORD });
  token = (await createToken({ db: kdb.db, actor: systemActor("test"), requestId: "serve-test" }, { project: "demo", name: "serve", role: "viewer" })).token;
});
afterAll(async () => {
  await kdb.destroy();
});

describe("prediction server plumbing", () => {
  it("answers health with a request id", async () => {
    const app = buildServeApp({ db: kdb.db });
    const res = await app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "given-request-id" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-request-id"]).toBe("given-request-id");
    expect(res.json()).toMatchObject({ status: "ok", database: "ok" });
  });

  it("refuses predictions without a valid token (401) and answers 404 for a deployment that does not exist", async () => {
    const app = buildServeApp({ db: kdb.db });
    const url = "/api/v1/projects/demo/deployments/fraud/predict";
    const anon = await app.inject({ method: "POST", url, payload: { instances: [] } });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const bad = await app.inject({ method: "POST", url, payload: { instances: [] }, headers: { authorization: "Bearer keel_unknown_token_value_xxxxxxxxxxxx" } });
    expect(bad.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "The API token is unknown.", details: [] } });
    const res = await app.inject({ method: "POST", url, payload: { instances: [] }, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: "NOT_FOUND", message: "No deployment 'fraud' in project 'demo'.", details: [{ path: "deployment", message: "no deployment 'fraud'" }] } });
    expect(res.headers["x-request-id"]).toBeTruthy();
  });

  it("answers malformed JSON with 400 and unknown routes with 404 in the error shape", async () => {
    const app = buildServeApp({ db: kdb.db });
    const res = await app.inject({ method: "POST", url: "/api/v1/projects/demo/deployments/x/predict", payload: "{not json", headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect((await app.inject({ method: "GET", url: "/nope" })).json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
