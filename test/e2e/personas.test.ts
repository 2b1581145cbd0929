/** Browser journeys: each persona signs in, sees the navigation its role allows, and signs out. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { PERSONAS, launchBrowser, screenshot, signIn, startKeel, type KeelProcess } from "./harness";

const ALL = ["Datasets", "Experiments", "Models", "Approvals", "Deployments", "Monitoring", "Audit", "Settings"];
const EXPECTED_NAV: Record<keyof typeof PERSONAS, string[]> = {
  admin: ALL,
  data_scientist: ALL.filter((s) => s !== "Audit"),
  approver: ALL.filter((s) => s !== "Audit"),
  auditor: ALL,
  viewer: ["Datasets", "Experiments", "Models", "Deployments", "Monitoring"],
};

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

describe("personas", () => {
  for (const persona of Object.keys(PERSONAS) as (keyof typeof PERSONAS)[]) {
    it(`${persona} signs in, sees the demo project and exactly the sections the role allows`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, keel.url, PERSONAS[persona]);
      await expect.poll(() => page.title()).toMatch(/Keel/);
      await expect.poll(() => page.getByTestId("project-switcher").textContent()).toMatch(/demo|Demo/);
      const nav = await page.getByTestId("nav").getByRole("link").allTextContents();
      expect(nav.map((t) => t.trim())).toEqual(EXPECTED_NAV[persona]);
      await screenshot(page, `persona-${persona}`);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/sign-in/);
      await page.goto(`${keel.url}/demo`);
      await page.waitForURL(/\/sign-in/);
      await context.close();
    });
  }

  it("refuses project settings to a viewer, in the page and in the API", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, keel.url, PERSONAS.viewer);
    await page.goto(`${keel.url}/demo/settings`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/Your role \(viewer\) cannot open project settings/);
    expect(await page.getByTestId("members-table").count()).toBe(0);
    await screenshot(page, "viewer-settings-refused");
    // The same session through the REST API and tRPC.
    const rest = await context.request.get(`${keel.url}/api/v1/projects/demo/members`);
    expect(rest.status()).toBe(403);
    expect(((await rest.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    const trpc = await context.request.get(`${keel.url}/api/trpc/members.list?input=${encodeURIComponent(JSON.stringify({ json: { project: "demo" } }))}`);
    expect(trpc.status()).toBe(403);
    await context.close();
  });

  it("lets the owner add a member, change the role and create a token shown once", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, keel.url, PERSONAS.admin);
    await page.goto(`${keel.url}/demo/settings`);
    const members = page.getByTestId("members-table");
    await members.waitFor();
    expect(await members.textContent()).toContain("viewer@keel.local");
    await page.getByRole("combobox", { name: "Role for viewer@keel.local" }).selectOption("auditor");
    await expect.poll(async (): Promise<unknown> => (await context.request.get(`${keel.url}/api/v1/projects/demo/members`)).json()).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ email: "viewer@keel.local", role: "auditor" })]) as unknown,
    });
    const form = page.getByTestId("create-token-form");
    await form.getByLabel("Name").fill("e2e-ci");
    await form.getByRole("button", { name: /Create/ }).click();
    const box = page.getByTestId("new-token-value");
    await box.waitFor();
    const token = (await box.inputValue()).trim();
    expect(token).toMatch(/^keel_/);
    await screenshot(page, "owner-settings-new-token");
    const me = await fetch(`${keel.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    await context.close();
  });
});
