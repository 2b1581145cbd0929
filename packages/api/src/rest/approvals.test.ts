/**
 * The approval workflow over REST, with tokens as scripts would call it: policies, promotion
 * requests (201), decisions (201), withdrawal, the inbox and notifications; status codes and
 * error bodies naming the field; the requester refused on their own request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@keel/db/testing";
import { modelWithVersions, personaTokens, setupRegistryWorld, type RegistryWorld } from "../services/registry/test-support";
import { setupFixture, type Fixture } from "../testing";
import { errorOf, errorPaths, restClient, type Reply } from "./test-client";

let fx: Fixture;
let w: RegistryWorld;
let scientist: string;
let manager: string;
let owner: string;
let viewer: string;

beforeAll(async () => {
  fx = await setupFixture();
  w = await setupRegistryWorld(fx);
  // Tokens act for the person who made them: each persona makes their own.
  ({ scientist, manager, owner, viewer } = await personaTokens(fx));
  await modelWithVersions(fx, w, "svc", 3);
}, 120_000);
afterAll(async () => {
  await fx.destroy();
});

const call = restClient(() => fx);
const paths = errorPaths;
const idsOf = (r: Reply): string[] => (r.body.items as { id: string }[]).map((i) => i.id);

describe(`approvals over REST (${testDriver()})`, { timeout: 60_000 }, () => {
  const model = "/projects/demo/models/svc";

  it("reads and sets the policy (owners only), naming bad fields", async () => {
    expect(await call(`${model}/approval-policy`, { token: manager })).toMatchObject({ status: 200, body: { custom: false, approverRole: "approver", requiredApprovals: 1 } });
    expect((await call(`${model}/approval-policy`, { token: viewer })).status).toBe(403);
    const denied = await call(`${model}/approval-policy`, { method: "PUT", token: scientist, json: { requiredApprovals: 1 } });
    expect(denied.status).toBe(403);
    expect(errorOf(denied).code).toBe("FORBIDDEN");
    const bad = await call(`${model}/approval-policy`, { method: "PUT", token: owner, json: { requiredApprovals: 0, gates: [{ metric: "test_accuracy", op: "~" }] } });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(expect.arrayContaining(["requiredApprovals", "gates.0.op"]));
    const set = await call(`${model}/approval-policy`, { method: "PUT", token: owner, json: { gates: [{ metric: "test_accuracy", op: ">=", value: 0.8 }], requireEvaluation: true } });
    expect(set).toMatchObject({ status: 200, body: { custom: true, requiredApprovals: 1, gates: [{ metric: "test_accuracy", op: ">=", value: 0.8 }], requireEvaluation: true } });
    expect((await call(`${model}/approval-policy`, { token: manager, method: "GET" })).body).toMatchObject({ custom: true });
  });

  it("creates a request (201) with frozen evidence; errors name the field", async () => {
    const created = await call(`${model}/versions/1/approval-requests`, { method: "POST", token: scientist, json: { target: "production", justification: "first release" } });
    expect(created).toMatchObject({ status: 201, body: { status: "pending", version: 1, target: "production", requestedBy: { name: "Dana Scientist" }, evidence: { gatesPassed: true, current: null } } });
    const id = created.body.id as string;
    expect(id).toMatch(/^apr_/);
    const dup = await call(`${model}/versions/1/approval-requests`, { method: "POST", token: scientist, json: { target: "production", justification: "again" } });
    expect(dup.status).toBe(409);
    expect(errorOf(dup)).toMatchObject({ code: "CONFLICT", details: [{ path: "version" }] });
    const noWhy = await call(`${model}/versions/2/approval-requests`, { method: "POST", token: scientist, json: { target: "production" } });
    expect(noWhy.status).toBe(400);
    expect(paths(noWhy)).toContain("justification");
    const unprotected = await call(`${model}/versions/2/approval-requests`, { method: "POST", token: scientist, json: { target: "staging", justification: "x" } });
    expect(unprotected.status).toBe(400);
    expect(paths(unprotected)).toContain("target");
    expect((await call(`${model}/versions/9/approval-requests`, { method: "POST", token: scientist, json: { target: "production", justification: "x" } })).status).toBe(404);
    expect((await call(`${model}/versions/2/approval-requests`, { method: "POST", token: manager, json: { target: "production", justification: "x" } })).status).toBe(403);
    expect((await call(`${model}/versions/2/approval-requests`, { method: "POST", json: { target: "production", justification: "x" } })).status).toBe(401);

    expect(await call(`/projects/demo/approval-requests/${id}`, { token: manager })).toMatchObject({ status: 200, body: { id, decisions: [] } });
    expect((await call(`/projects/demo/approval-requests/${id}`, { token: viewer })).status).toBe(403);
    const missing = await call("/projects/demo/approval-requests/apr_00000000000000000000000000", { token: manager });
    expect(missing.status).toBe(404);
    expect(paths(missing)).toContain("request");
    const badId = await call("/projects/demo/approval-requests/nope", { token: manager });
    expect(badId.status).toBe(400);
    expect(paths(badId)).toContain("request");
    expect(idsOf(await call("/projects/demo/approval-requests?status=pending", { token: manager }))).toEqual([id]);

    expect(idsOf(await call("/approvals/inbox", { token: manager }))).toEqual([id]);
    expect(idsOf(await call("/approvals/inbox", { token: scientist }))).toEqual([]);
    expect((await call("/approvals/inbox")).status).toBe(401);
  });

  it("decides (201) with a mandatory comment; the requester and other roles are refused; decided is 409", async () => {
    const [req] = (await call("/approvals/inbox", { token: manager })).body.items as { id: string }[];
    const url = `/projects/demo/approval-requests/${req?.id ?? ""}/decision`;
    const noComment = await call(url, { method: "POST", token: manager, json: { decision: "approve" } });
    expect(noComment.status).toBe(400);
    expect(paths(noComment)).toContain("comment");
    const badDecision = await call(url, { method: "POST", token: manager, json: { decision: "maybe", comment: "hm" } });
    expect(badDecision.status).toBe(400);
    expect(paths(badDecision)).toContain("decision");
    expect((await call(url, { method: "POST", token: scientist, json: { decision: "approve", comment: "mine" } })).status).toBe(403);
    const ok = await call(url, { method: "POST", token: manager, json: { decision: "approve", comment: "ship it" } });
    expect(ok).toMatchObject({ status: 201, body: { status: "approved", approvals: 1, decisions: [{ decision: "approve", comment: "ship it", decidedBy: { name: "Mara Manager" } }] } });
    expect((await call(`${model}/aliases/production`, { token: viewer })).body).toMatchObject({ version: 1 });
    const again = await call(url, { method: "POST", token: manager, json: { decision: "reject", comment: "changed my mind" } });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: "CONFLICT", details: [{ path: "request" }] });
  });

  it("refuses the requester on their own request (403 naming the request), even with the approver role", async () => {
    expect((await call(`${model}/approval-policy`, { method: "PUT", token: owner, json: { approverRole: "owner" } })).status).toBe(200);
    const created = await call(`${model}/versions/2/approval-requests`, { method: "POST", token: owner, json: { target: "production", justification: "my own" } });
    expect(created.status).toBe(201);
    const self = await call(`/projects/demo/approval-requests/${created.body.id as string}/decision`, { method: "POST", token: owner, json: { decision: "approve", comment: "lgtm" } });
    expect(self.status).toBe(403);
    expect(errorOf(self)).toMatchObject({ code: "FORBIDDEN", details: [{ path: "request" }] });
    expect(errorOf(self).message).toMatch(/requester can never approve/);
    // Withdrawing: only the requester, only while pending.
    const wd = `/projects/demo/approval-requests/${created.body.id as string}/withdraw`;
    expect((await call(wd, { method: "POST", token: scientist, json: {} })).status).toBe(403);
    expect((await call(wd, { method: "POST", token: owner, json: {} })).body).toMatchObject({ status: "withdrawn" });
    const twice = await call(wd, { method: "POST", token: owner, json: {} });
    expect(twice.status).toBe(409);
    expect(paths(twice)).toContain("request");
  });

  it("lists and marks notifications", async () => {
    const mine = await call("/notifications", { token: scientist });
    expect(mine.status).toBe(200);
    const items = mine.body.items as { kind: string; readAt: string | null; link: string }[];
    expect(items.some((n) => n.kind === "approval.approved" && n.readAt === null)).toBe(true);
    expect((await call("/notifications?unreadOnly=true", { token: scientist })).body.items).toHaveLength(items.length);
    expect(await call("/notifications/read", { method: "POST", token: scientist, json: { all: true } })).toMatchObject({ status: 200, body: { updated: items.length } });
    expect((await call("/notifications?unreadOnly=true", { token: scientist })).body.items).toEqual([]);
    expect((await call("/notifications?unreadOnly=false", { token: scientist })).body.items).toHaveLength(items.length);
    expect(((await call("/notifications", { token: manager })).body.items as { kind: string }[]).some((n) => n.kind === "approval.requested")).toBe(true);
    expect((await call("/notifications/read", { method: "POST", token: scientist, json: { ids: ["bad"] } })).status).toBe(400);
    expect((await call("/notifications")).status).toBe(401);
  });
});
