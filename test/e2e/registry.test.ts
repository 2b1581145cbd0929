/**
 * The governed path from a good run to a model answering requests, as the people involved meet it
 * in the browser: the data scientist registers a version and requests production; the same user
 * cannot approve it (the page offers no decision, the API refuses); the approver reads the evidence
 * in the inbox and approves with a comment; the deployment serves the new version from the
 * "try it" form; one rollback returns the previous version.
 *
 * Version 1 reaches production through the REST API first (same rules), so that the journey's
 * version 2 has a production version to be compared with and rolled back to.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERSONAS, launchBrowser, screenshot, signIn, startKeel, type KeelProcess } from "./harness";

const MODEL = "cancer-classifier";
const DEPLOYMENT = "cancer-prod";

let keel: KeelProcess;
let browser: Browser;
let scientist: { context: BrowserContext; page: Page };
let approver: { context: BrowserContext; page: Page };
const pageErrors: string[] = [];
/** The demo experiment's two succeeded runs, oldest first. */
let runIds: string[] = [];
let requestId = "";

async function persona(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`${email} ${page.url()}: ${err.message}`));
  await signIn(page, keel.url, email);
  return { context, page };
}

async function open(p: Page, pathname: string): Promise<void> {
  await p.goto(`${keel.url}${pathname}`);
  await p.waitForLoadState("networkidle");
}

/** A REST call with the browser's session cookie (the portal's REST API accepts it, as the CLI's token). */
async function api(request: APIRequestContext, method: "GET" | "POST" | "PUT", path: string, data?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request.fetch(`${keel.url}/api/v1${path}`, { method, data, headers: { origin: keel.url } });
  const text = await res.text();
  return { status: res.status(), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const statusOfRequest = (p: Page) => p.getByTestId("request-status").getAttribute("data-status");
/**
 * Sends the try-it form and reads which version answered. The prediction server re-reads a
 * deployment's traffic at most once a second, so a change shows within a few sends.
 */
async function answeringVersion(p: Page): Promise<string | null> {
  const result = p.getByTestId("try-it-result");
  const before = (await result.count()) > 0 ? await result.getAttribute("data-request-id") : null;
  await p.getByTestId("try-it-submit").click();
  const error = p.getByTestId("try-it-error");
  await expect.poll(async () => ((await error.count()) > 0 ? "error" : (await result.count()) > 0 ? result.getAttribute("data-request-id") : null), { timeout: 10_000 }).not.toBe(before);
  if ((await error.count()) > 0) throw new Error(`try it failed: ${(await error.textContent()) ?? ""}`);
  return result.getAttribute("data-model-version");
}

beforeAll(async () => {
  keel = await startKeel();
  browser = await launchBrowser();
  scientist = await persona(PERSONAS.data_scientist);
  approver = await persona(PERSONAS.approver);
});
afterAll(async () => {
  if (process.env.KEEL_E2E_DEBUG) {
    console.log(keel.output());
    console.log(await (await fetch(`${keel.url}/api/v1/serve/metrics`)).text());
  }
  await scientist.context.close();
  await approver.context.close();
  await browser.close();
  await keel.stop();
});

describe("registry, approvals, deployments and serving", () => {
  it("the demo runs train; version 1 reaches production through the API and a deployment serves it", async () => {
    const req = scientist.page.request;
    await expect
      .poll(
        async () => {
          const { body } = await api(req, "GET", "/projects/demo/runs?experiment=diagnosis&orderBy=created_at%20asc");
          const items = (body.items ?? []) as { id: string; status: string }[];
          runIds = items.filter((r) => r.status === "succeeded").map((r) => r.id);
          return runIds.length;
        },
        { timeout: 120_000, interval: 1000 },
      )
      .toBe(2);
    expect((await api(req, "POST", "/projects/demo/models", { name: MODEL, description: "Malignant or benign from 30 cell-nucleus measurements." })).status).toBe(201);
    expect((await api(req, "POST", `/projects/demo/models/${MODEL}/versions`, { runId: runIds[0] })).body).toMatchObject({ version: 1 });
    const asked = await api(req, "POST", `/projects/demo/models/${MODEL}/versions/1/approval-requests`, { target: "production", justification: "First model for the diagnosis service." });
    expect(asked).toMatchObject({ status: 201, body: { status: "pending" } });
    const decided = await api(approver.page.request, "POST", `/projects/demo/approval-requests/${String(asked.body.id)}/decision`, { decision: "approve", comment: "Baseline accepted." });
    expect(decided).toMatchObject({ status: 201, body: { status: "approved" } });
    const deployed = await api(req, "POST", "/projects/demo/deployments", { name: DEPLOYMENT, model: MODEL, environment: "production", traffic: [{ version: 1, percent: 100 }] });
    expect(deployed.status).toBe(201);
  });

  it("the data scientist registers version 2 in the browser and requests production", async () => {
    const { page } = scientist;
    await open(page, "/demo/models");
    await page.getByTestId("model-row").filter({ hasText: MODEL }).getByRole("link", { name: MODEL }).click();
    await page.waitForURL(`${keel.url}/demo/models/${MODEL}`);
    await page.locator('[data-testid=alias-badge][data-alias="production"]').first().waitFor();
    await screenshot(page, "registry-model");
    await page.getByTestId("register-version").click();
    await page.getByTestId("register-version-run").selectOption(runIds[1] ?? "");
    await page.getByTestId("register-version-submit").click();
    // Registering opens the new version's page.
    await page.waitForURL(`${keel.url}/demo/models/${MODEL}/versions/2`, { timeout: 30_000 });
    await page.getByTestId("lineage-graph").waitFor();
    expect(await page.getByTestId("lineage-graph").textContent()).toContain("breast-cancer");
    await screenshot(page, "registry-version");
    await page.getByTestId("request-promotion").click();
    await page.getByTestId("promotion-justification").fill("Version 2 was trained on the same data with a second seed; it matches production.");
    await page.getByTestId("promotion-submit").click();
    await page.waitForURL(/\/demo\/approvals\/(apr_[0-9a-z]+)$/, { timeout: 30_000 });
    requestId = /\/approvals\/(apr_[0-9a-z]+)$/.exec(page.url())?.[1] ?? "";
    expect(requestId).not.toBe("");
    expect(await statusOfRequest(page)).toBe("pending");
  });

  it("the requester cannot approve their own request: the page offers no decision and the API refuses", async () => {
    const { page } = scientist;
    await page.getByTestId("self-approval-notice").waitFor();
    expect(await page.getByTestId("decision-approve").count()).toBe(0);
    await screenshot(page, "approvals-own-request");
    const refused = await api(page.request, "POST", `/projects/demo/approval-requests/${requestId}/decision`, { decision: "approve", comment: "Looks good to me." });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/cannot approve/i);
    await open(page, `/demo/approvals/${requestId}`);
    expect(await statusOfRequest(page)).toBe("pending");
  });

  it("the approver finds it in the inbox, reads the evidence and approves with a comment", async () => {
    const { page } = approver;
    await open(page, "/demo/approvals");
    const row = page.locator(`[data-testid=inbox-row][data-request-id="${requestId}"]`);
    await row.waitFor();
    await screenshot(page, "approvals-inbox");
    await row.getByRole("link").first().click();
    await page.waitForURL(`${keel.url}/demo/approvals/${requestId}`);
    // The candidate's metrics beside the production version's (version 1), and the gates.
    const metrics = page.getByTestId("evidence-metrics");
    await metrics.waitFor();
    expect(await metrics.textContent()).toMatch(/accuracy/i);
    expect(await metrics.textContent()).toMatch(/v1|version 1/i);
    await page.getByTestId("evidence-gates").waitFor();
    // The comment is mandatory.
    await page.getByTestId("decision-approve").click();
    expect(await statusOfRequest(page)).toBe("pending");
    await page.getByTestId("decision-comment").fill("Metrics hold against production; lineage checked.");
    await screenshot(page, "approvals-evidence");
    await page.getByTestId("decision-approve").click();
    await expect.poll(() => statusOfRequest(page), { timeout: 15_000 }).toBe("approved");
    await page.getByText("Metrics hold against production; lineage checked.").first().waitFor();

    await open(page, `/demo/models/${MODEL}`);
    await expect
      .poll(() => page.locator('[data-testid=version-row][data-version="2"] [data-testid=alias-badge]').evaluateAll((els) => els.map((e) => e.getAttribute("data-alias"))))
      .toContain("production");
  });

  it("the deployment serves the approved version: the try-it form answers from version 2", async () => {
    const { page } = scientist;
    await open(page, `/demo/deployments/${DEPLOYMENT}`);
    await expect.poll(() => answeringVersion(page), { timeout: 15_000, interval: 300 }).toBe("1");

    await page.getByTestId("promote-version").selectOption("2");
    await page.getByTestId("promote-button").click();
    await page.locator('[data-testid=traffic-route][data-version="2"][data-percent="100"]').waitFor();
    await expect.poll(() => answeringVersion(page), { timeout: 15_000, interval: 300 }).toBe("2");
    await screenshot(page, "deployments-serving-v2");
  });

  it("one rollback returns the previous version", async () => {
    const { page } = scientist;
    await page.getByTestId("rollback-button").click();
    await page.getByTestId("rollback-confirm").click();
    await page.locator('[data-testid=traffic-route][data-version="1"][data-percent="100"]').waitFor();
    await expect.poll(() => answeringVersion(page), { timeout: 15_000, interval: 300 }).toBe("1");
    expect(await page.getByTestId("revision-row").count()).toBe(3);
    await screenshot(page, "deployments-rolled-back");
  });

  it("a viewer sees the registry and the deployment but no write action, and no approvals", async () => {
    const viewer = await persona(PERSONAS.viewer);
    try {
      const { page } = viewer;
      await open(page, `/demo/models/${MODEL}`);
      await page.locator('[data-testid=version-row][data-version="2"]').waitFor();
      expect(await page.getByTestId("register-version").count()).toBe(0);
      // Version 1 serves again after the rollback: its lineage ends at the deployment.
      await open(page, `/demo/models/${MODEL}/versions/1`);
      await page.getByTestId("lineage-graph").waitFor();
      expect(await page.getByTestId("lineage-graph").textContent()).toContain(DEPLOYMENT);
      expect(await page.getByTestId("request-promotion").count()).toBe(0);
      expect(await page.getByTestId("batch-score-form").count()).toBe(0);
      await open(page, `/demo/deployments/${DEPLOYMENT}`);
      await page.locator('[data-testid=traffic-route][data-version="1"]').waitFor();
      for (const id of ["rollback-button", "promote-button", "traffic-save"]) expect(await page.getByTestId(id).count()).toBe(0);
      const refused = await api(page.request, "POST", `/projects/demo/deployments/${DEPLOYMENT}/rollback`, { comment: "viewer" });
      expect(refused.status).toBe(403);
      await open(page, "/demo/approvals");
      expect(await page.getByTestId("inbox-row").count()).toBe(0);
      await page.getByText(/approval\.read|not allowed|cannot/i).first().waitFor();
    } finally {
      await viewer.context.close();
    }
  });

  it("no page threw", () => {
    expect(pageErrors).toEqual([]);
  });
});
