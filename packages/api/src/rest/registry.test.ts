/**
 * The registry REST contract of API.md, with tokens as a script would call it: models (201),
 * versions from runs (201), aliases (protected ones answer 409 pointing to the approval flow),
 * the alias history, point-in-time reads and model cards; errors name the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@keel/db/testing";
import { createToken } from "../services/tokens";
import { setupRegistryWorld, type RegistryWorld } from "../services/registry/test-support";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { openApiDocument } from "./index";
import { errorOf, restClient } from "./test-client";

let fx: Fixture;
let w: RegistryWorld;
let writer: string;
let viewer: string;
let owner: string;

beforeAll(async () => {
  fx = await setupFixture();
  w = await setupRegistryWorld(fx);
  writer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "ds", role: "data_scientist" })).token;
  viewer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "v", role: "viewer" })).token;
  owner = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "o", role: "owner" })).token;
}, 120_000);
afterAll(async () => {
  await fx.destroy();
});

const call = restClient(() => fx);

describe(`registry over REST (${testDriver()})`, { timeout: 60_000 }, () => {
  it("creates a model (201) and registers versions from runs (201); errors name the field", async () => {
    const created = await call("/projects/demo/models", { method: "POST", token: writer, json: { name: "fraud", description: "card fraud" } });
    expect(created).toMatchObject({ status: 201, body: { name: "fraud", protectedAliases: ["production"] } });
    const dup = await call("/projects/demo/models", { method: "POST", token: writer, json: { name: "FRAUD" } });
    expect(dup.status).toBe(409);
    expect(errorOf(dup)).toMatchObject({ code: "CONFLICT", details: [{ path: "name" }] });
    const badName = await call("/projects/demo/models", { method: "POST", token: writer, json: { name: "" } });
    expect(badName.status).toBe(400);
    expect(errorOf(badName).details.map((d) => d.path)).toContain("name");

    const runId = await w.run();
    const v1 = await call("/projects/demo/models/fraud/versions", { method: "POST", token: writer, json: { runId } });
    expect(v1).toMatchObject({ status: 201, body: { version: 1, runId, status: "ready", signature: { output: { task: "binary" } } } });
    expect((await call("/projects/demo/models/fraud/versions", { method: "POST", token: writer, json: { runId: await w.run() } })).body).toMatchObject({ version: 2 });

    const before = await auditCount(fx.kdb);
    const again = await call("/projects/demo/models/fraud/versions", { method: "POST", token: writer, json: { runId } });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: "CONFLICT", details: [{ path: "runId" }] });
    expect(errorOf(again).message).toMatch(/already registered as version 1/);
    const notRun = await call("/projects/demo/models/fraud/versions", { method: "POST", token: writer, json: { runId: "nope" } });
    expect(notRun.status).toBe(400);
    expect(errorOf(notRun).details.map((d) => d.path)).toContain("runId");
    const running = await call("/projects/demo/models/fraud/versions", { method: "POST", token: writer, json: { runId: await w.run({ status: "running" }) } });
    expect(running.status).toBe(409);
    const noModel = await call("/projects/demo/models/ghost/versions", { method: "POST", token: writer, json: { runId } });
    expect(noModel.status).toBe(404);
    expect(errorOf(noModel).details.map((d) => d.path)).toContain("model");
    expect((await call("/projects/demo/models/fraud/versions", { method: "POST", token: viewer, json: { runId } })).status).toBe(403);
    expect(await auditCount(fx.kdb)).toBe(before);
  });

  it("reads models, versions with lineage, and edits the card", async () => {
    const list = await call("/projects/demo/models", { token: viewer });
    expect((list.body.items as { name: string }[]).map((m) => m.name)).toContain("fraud");
    const model = await call("/projects/demo/models/fraud", { token: viewer });
    expect(model).toMatchObject({ status: 200, body: { name: "fraud", versionCount: 2, latestVersion: 2 } });
    const versions = await call("/projects/demo/models/fraud/versions", { token: viewer });
    expect((versions.body.items as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);
    const v1 = await call("/projects/demo/models/fraud/versions/1", { token: viewer });
    expect(v1.body).toMatchObject({ version: 1, lineage: { dataset: { name: "tiny", version: 1 }, run: { experiment: { name: "reg" } } } });
    expect((await call("/projects/demo/models/fraud/versions/9", { token: viewer })).status).toBe(404);
    const badVersion = await call("/projects/demo/models/fraud/versions/zero", { token: viewer });
    expect(badVersion.status).toBe(400);
    expect(errorOf(badVersion).details.map((d) => d.path)).toContain("version");
    const card = await call("/projects/demo/models/fraud/versions/1/card", { method: "PUT", token: writer, json: { intendedUse: "Flag card fraud for review." } });
    expect(card).toMatchObject({ status: 200, body: { card: { intendedUse: "Flag card fraud for review." } } });
    expect((await call("/projects/demo/models/fraud/versions/1/card", { method: "PUT", token: viewer, json: { intendedUse: "x" } })).status).toBe(403);
  });

  it("moves aliases; a protected alias answers 409 pointing to the approval flow; history and point-in-time reads", async () => {
    const set = await call("/projects/demo/models/fraud/aliases/staging", { method: "PUT", token: writer, json: { version: 1, reason: "smoke tests" } });
    expect(set).toMatchObject({ status: 200, body: { alias: "staging", version: 1, previousVersion: null, moved: true } });
    const t1 = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 15));
    expect((await call("/projects/demo/models/fraud/aliases/staging", { method: "PUT", token: writer, json: { version: 2 } })).body).toMatchObject({ version: 2, previousVersion: 1 });

    const before = await auditCount(fx.kdb);
    const prod = await call("/projects/demo/models/fraud/aliases/production", { method: "PUT", token: writer, json: { version: 2 } });
    expect(prod.status).toBe(409);
    expect(errorOf(prod)).toMatchObject({ code: "CONFLICT", details: [{ path: "alias" }] });
    expect(errorOf(prod).message).toMatch(/approved promotion request/);
    expect((await call("/projects/demo/models/fraud/aliases/production", { method: "DELETE", token: writer })).status).toBe(409);
    const reserved = await call("/projects/demo/models/fraud/aliases/latest", { method: "PUT", token: writer, json: { version: 1 } });
    expect(reserved.status).toBe(400);
    expect(errorOf(reserved).details.map((d) => d.path)).toContain("alias");
    const noVersion = await call("/projects/demo/models/fraud/aliases/qa", { method: "PUT", token: writer, json: {} });
    expect(noVersion.status).toBe(400);
    expect(errorOf(noVersion).details.map((d) => d.path)).toContain("version");
    expect((await call("/projects/demo/models/fraud/aliases/qa", { method: "PUT", token: writer, json: { version: 7 } })).status).toBe(404);
    expect((await call("/projects/demo/models/fraud/aliases/qa", { method: "PUT", token: viewer, json: { version: 1 } })).status).toBe(403);
    expect(await auditCount(fx.kdb)).toBe(before);

    expect((await call(`/projects/demo/models/fraud/aliases/staging?at=${encodeURIComponent(t1)}`, { token: viewer })).body).toMatchObject({ alias: "staging", version: 1 });
    expect((await call("/projects/demo/models/fraud/aliases/staging", { token: viewer })).body).toMatchObject({ version: 2 });
    expect((await call("/projects/demo/models/fraud/aliases/staging", { method: "DELETE", token: writer })).body).toMatchObject({ version: null, previousVersion: 2, moved: true });
    expect((await call("/projects/demo/models/fraud/aliases/staging", { method: "DELETE", token: writer })).status).toBe(404);
    const history = await call("/projects/demo/models/fraud/alias-history?alias=staging", { token: viewer });
    expect((history.body.items as { fromVersion: number | null; toVersion: number | null }[]).map((h) => [h.fromVersion, h.toVersion])).toEqual([
      [2, null],
      [1, 2],
      [null, 1],
    ]);
  });

  it("archives a version, and only owners change the protected aliases", async () => {
    expect((await call("/projects/demo/models/fraud/versions/1/archive", { method: "POST", token: writer, json: {} })).body).toMatchObject({ status: "archived" });
    expect((await call("/projects/demo/models/fraud/versions/1/archive", { method: "POST", token: writer, json: {} })).status).toBe(409);
    const archived = await call("/projects/demo/models/fraud/aliases/qa", { method: "PUT", token: writer, json: { version: 1 } });
    expect(archived.status).toBe(409);
    expect(errorOf(archived).details.map((d) => d.path)).toContain("version");
    expect((await call("/projects/demo/models/fraud/protected-aliases", { method: "PUT", token: writer, json: { aliases: [] } })).status).toBe(403);
    const changed = await call("/projects/demo/models/fraud/protected-aliases", { method: "PUT", token: owner, json: { aliases: ["production", "prod-eu"] } });
    expect(changed).toMatchObject({ status: 200, body: { protectedAliases: ["prod-eu", "production"] } });
  });

  it("publishes the registry paths in the OpenAPI document", () => {
    const paths = Object.keys(openApiDocument("http://keel.test").paths ?? {});
    expect(paths).toEqual(
      expect.arrayContaining([
        "/projects/{project}/models",
        "/projects/{project}/models/{model}",
        "/projects/{project}/models/{model}/versions",
        "/projects/{project}/models/{model}/versions/{version}",
        "/projects/{project}/models/{model}/versions/{version}/card",
        "/projects/{project}/models/{model}/aliases/{alias}",
        "/projects/{project}/models/{model}/alias-history",
      ]),
    );
  });
});
