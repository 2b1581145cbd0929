/**
 * The embedded start as a newcomer meets it: one process owns the data folder, the CLI reaches
 * it, concurrent writes and the worker keep the audit chain intact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { PERSONAS, launchBrowser, runCli, signIn, startKeel, type KeelProcess } from "./harness";

let keel: KeelProcess;
let browser: Browser;
beforeAll(async () => {
  keel = await startKeel();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  await keel.stop();
});

describe("embedded Keel", () => {
  it("serves the sign-in page and health with a request id", async () => {
    const res = await fetch(`${keel.url}/sign-in`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const health = await fetch(`${keel.url}/api/v1/health`);
    expect(await health.json()).toMatchObject({ status: "ok", database: "ok" });
    const openapi = (await (await fetch(`${keel.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe("3.1.0");
    expect(Object.keys(openapi.paths)).toContain("/me");
  });

  it("refuses a second start on the same data folder with a clear message", async () => {
    const second = await startKeel({ dataDir: keel.dataDir, expectFailure: true });
    const code = await second.stop();
    expect(code).toBe(1);
    expect(second.output()).toMatch(/already in use by another Keel process/);
  });

  it("keel token create prints a token that authenticates /me, refused with 401 after revoke", async () => {
    const env = { KEEL_DATA_DIR: keel.dataDir };
    const created = await runCli(["token", "create", "--project", "demo", "--role", "owner", "--name", "ci"], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^keel_[\w-]+$/);
    const me = await fetch(`${keel.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ actor: { type: "token", name: "ci" }, project: "demo", role: "owner" });
    expect((await runCli(["token", "revoke", token], env)).code).toBe(0);
    const after = await fetch(`${keel.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("takes 20 concurrent writes while the worker runs jobs, and the audit chain verifies", async () => {
    const env = { KEEL_DATA_DIR: keel.dataDir };
    const token = (await runCli(["token", "create", "--project", "demo", "--role", "owner", "--name", "load"], env)).stdout.trim();
    // An admin session enqueues jobs while the token writes.
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, keel.url, PERSONAS.admin);

    const writes = Array.from({ length: 20 }, (_, i) =>
      fetch(`${keel.url}/api/v1/projects/demo/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `concurrent-${i}`, role: "viewer" }),
      }),
    );
    const jobs = Array.from({ length: 5 }, () => context.request.post(`${keel.url}/api/v1/system/jobs`, { data: { type: "noop", payload: { sleepMs: 100 } } }));
    const [writeResults, jobResults] = await Promise.all([Promise.all(writes), Promise.all(jobs)]);
    expect(writeResults.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(jobResults.map((r) => r.status())).toEqual(Array.from({ length: 5 }, () => 200));
    const ids = await Promise.all(jobResults.map(async (r) => ((await r.json()) as { id: string }).id));
    for (const id of ids) {
      await expect
        .poll(async () => ((await (await context.request.get(`${keel.url}/api/v1/system/jobs/${id}`)).json()) as { state: string }).state, { timeout: 30_000 })
        .toBe("completed");
    }
    await context.close();
    const verify = await runCli(["audit", "verify"], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^ok: \d+ events/);
  });
});
