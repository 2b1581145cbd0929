/**
 * Experiments, as a data scientist and a viewer meet them in the browser: create an experiment,
 * launch a logistic run from the form and watch it train to the end (curves, backend,
 * evaluation); launch a long MLP, watch its curve grow live, cancel it, re-run it; compare runs;
 * filter the runs table with the filter in the address bar. A viewer sees no Launch button.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERSONAS, launchBrowser, screenshot, signIn, startKeel, type KeelProcess } from "./harness";

const EXPERIMENT = "cancer-e2e";
const DATASET = "breast-cancer";
const RUN_URL = /\/demo\/experiments\/cancer-e2e\/runs\/(run_[0-9a-z]{26})$/;

let keel: KeelProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
/** Run ids as the journey creates them. */
const runs: { logistic?: string; mlp?: string; mlpRerun?: string; logisticRerun?: string } = {};

async function open(p: Page, pathname: string): Promise<void> {
  await p.goto(`${keel.url}${pathname}`);
  await p.waitForLoadState("networkidle");
}

const statusOf = (p: Page) => p.getByRole("heading", { level: 1 }).getByTestId("run-status").getAttribute("data-status");
const runIdOf = (p: Page) => RUN_URL.exec(new URL(p.url()).pathname)?.[1] ?? "";
const curvePoints = async (p: Page) => Number((await p.getByTestId("loss-curve").getAttribute("data-points")) ?? 0);

/** Fills the launch form for the demo dataset with the target `diagnosis`. */
async function fillLaunchForm(p: Page, opts: { name: string; family: "logistic" | "mlp"; epochs?: number; earlyStopping?: boolean }): Promise<void> {
  await open(p, `/demo/experiments/${EXPERIMENT}/launch`);
  await p.locator("#launch-dataset").selectOption(DATASET);
  await p.locator('#launch-target option[value="diagnosis"]').waitFor({ state: "attached" });
  await p.locator("#launch-target").selectOption("diagnosis");
  expect(await p.locator("#launch-task").inputValue()).toBe("binary");
  await p.locator("#launch-family").selectOption(opts.family);
  await p.locator("#launch-name").fill(opts.name);
  if (opts.epochs !== undefined) await p.locator("#hp-epochs").fill(String(opts.epochs));
  if (opts.earlyStopping === false) await p.getByLabel("Early stopping").uncheck();
}

async function submitLaunch(p: Page): Promise<string> {
  await p.getByTestId("launch-submit").click();
  await p.waitForURL(RUN_URL, { timeout: 30_000 });
  return runIdOf(p);
}

beforeAll(async () => {
  keel = await startKeel();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  await signIn(page, keel.url, PERSONAS.data_scientist);
});
afterAll(async () => {
  await context.close();
  await browser.close();
  await keel.stop();
});

describe("experiments", () => {
  it("a data scientist creates an experiment (the list, the dialog, then the new experiment's empty page)", async () => {
    await open(page, "/demo/experiments");
    // The demo seed's own experiment is listed (its two runs train in the background meanwhile).
    await page.getByTestId("experiments-table").locator('tr[data-experiment="diagnosis"]').waitFor();
    await screenshot(page, "experiments-list");
    await page.getByTestId("new-experiment").first().click();
    await page.getByLabel("Name").fill(EXPERIMENT);
    await page.getByLabel("Description (optional)").fill("Malignant or benign, from 30 measurements of cell nuclei.");
    await page.getByRole("button", { name: "Create experiment" }).click();
    await page.waitForURL(`${keel.url}/demo/experiments/${EXPERIMENT}`);
    await page.getByRole("heading", { name: "No runs yet" }).waitFor();
    expect(await page.title()).toContain(EXPERIMENT);
  });

  it("the demo seed's two runs were trained by the worker inside the launcher", async () => {
    await open(page, "/demo/experiments/diagnosis");
    const statuses = () => page.getByTestId("runs-table").locator("tbody tr[data-run] [data-testid=run-status]").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    await expect.poll(statuses, { timeout: 90_000, interval: 1000 }).toEqual(["succeeded", "succeeded"]);
  });

  it("launches a logistic run from the form and watches it succeed: curves, backend, evaluation", async () => {
    await fillLaunchForm(page, { name: "logistic-baseline", family: "logistic" });
    await screenshot(page, "experiments-launch-form");
    runs.logistic = await submitLaunch(page);
    await expect.poll(() => statusOf(page), { timeout: 90_000, interval: 500 }).toBe("succeeded");
    // The learning curves drew lines, the backend is named, the evaluation is there.
    await page.locator('[data-testid="loss-curve"] svg path.recharts-curve').first().waitFor();
    expect(await page.locator('[data-testid="accuracy-curve"] svg path.recharts-curve').count()).toBeGreaterThan(0);
    expect(await page.getByTestId("run-backend").textContent()).toMatch(/^Trained on (wasm|cpu|tensorflow)/);
    const accuracy = Number(await page.getByTestId("metric-accuracy").locator("dd").textContent());
    expect(accuracy).toBeGreaterThan(0.85);
    await page.locator('[data-testid="roc-curve"] svg path.recharts-curve').first().waitFor();
    await page.getByTestId("confusion-matrix").waitFor();
    expect(await page.getByTestId("artifacts-table").locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("run-dataset").textContent()).toContain(`${DATASET} · version 1`);
    await page.getByTestId("run-logs").waitFor();
    // The tab is named after the run, and tags can be added and removed after it ended.
    expect(await page.title()).toContain("logistic-baseline");
    await page.locator("#tag-key").fill("stage");
    await page.locator("#tag-value").fill("candidate");
    await page.getByRole("button", { name: "Add tag" }).click();
    await expect.poll(() => page.getByTestId("run-tags").textContent()).toContain("stage= candidate");
    await page.getByRole("button", { name: "Remove tag stage" }).click();
    await expect.poll(() => page.getByTestId("run-tags").textContent()).not.toContain("stage");
    await screenshot(page, "experiments-run-succeeded");
  });

  it("launches a long MLP, sees its curve grow live, cancels it: it ends cancelled", async () => {
    await fillLaunchForm(page, { name: "mlp-long", family: "mlp", epochs: 300, earlyStopping: false });
    runs.mlp = await submitLaunch(page);
    await expect.poll(() => statusOf(page), { timeout: 60_000, interval: 300 }).toBe("running");
    await expect.poll(() => curvePoints(page), { timeout: 30_000, interval: 300 }).toBeGreaterThan(0);
    const first = await curvePoints(page);
    await expect.poll(() => curvePoints(page), { timeout: 15_000, interval: 300 }).toBeGreaterThan(first);
    await screenshot(page, "experiments-run-live");
    expect(await statusOf(page)).toBe("running");
    await page.getByTestId("cancel-run").click();
    await expect.poll(() => statusOf(page), { timeout: 15_000, interval: 300 }).toBe("cancelled");
    await expect.poll(async () => page.getByTestId("cancel-run").count()).toBe(0);
  });

  it("re-runs the cancelled MLP: a new run starts (then is cancelled); re-running the logistic run reproduces it", async () => {
    await page.getByTestId("rerun").click();
    await page.waitForURL((u) => RUN_URL.test(u.pathname) && !u.pathname.endsWith(runs.mlp ?? ""), { timeout: 30_000 });
    runs.mlpRerun = runIdOf(page);
    expect(runs.mlpRerun).not.toBe(runs.mlp);
    await expect.poll(() => statusOf(page), { timeout: 15_000 }).toMatch(/queued|running/);
    await page.getByText("A re-run of").waitFor();
    await page.getByTestId("cancel-run").click();
    await expect.poll(() => statusOf(page), { timeout: 20_000, interval: 300 }).toBe("cancelled");

    await open(page, `/demo/experiments/${EXPERIMENT}/runs/${runs.logistic ?? ""}`);
    await page.getByTestId("rerun").click();
    await page.waitForURL((u) => RUN_URL.test(u.pathname) && !u.pathname.endsWith(runs.logistic ?? ""), { timeout: 30_000 });
    runs.logisticRerun = runIdOf(page);
    await expect.poll(() => statusOf(page), { timeout: 90_000, interval: 500 }).toBe("succeeded");
    await expect.poll(() => page.getByTestId("reproduction").textContent(), { timeout: 10_000 }).toMatch(/dataset/);
    await screenshot(page, "experiments-rerun-reproduction");
  });

  it("the runs table: select runs and compare them (params diff switch, deltas), set a baseline", async () => {
    // The first logistic run becomes the experiment's baseline.
    await open(page, `/demo/experiments/${EXPERIMENT}/runs/${runs.logistic ?? ""}`);
    await page.getByTestId("set-baseline").click();
    await page.getByRole("heading", { level: 1 }).getByTestId("baseline-badge").waitFor();

    await open(page, `/demo/experiments/${EXPERIMENT}`);
    const table = page.getByTestId("runs-table");
    await table.locator(`tr[data-run="${runs.logistic ?? ""}"]`).waitFor();
    expect(await table.locator("tbody tr[data-run]").count()).toBe(4);
    expect(await table.locator(`tr[data-run="${runs.logistic ?? ""}"]`).getByTestId("baseline-badge").count()).toBe(1);
    await screenshot(page, "experiments-runs-table");
    for (const id of [runs.logistic, runs.mlp, runs.logisticRerun]) await table.locator(`tr[data-run="${id ?? ""}"] input[type="checkbox"]`).check();
    await page.getByTestId("compare-runs").click();
    await page.waitForURL(/\/compare\?runs=/);
    const params = page.getByTestId("compare-params").locator("tbody tr");
    await params.first().waitFor();
    const all = await params.count();
    await page.getByTestId("only-diffs").check();
    await expect.poll(() => params.count()).toBeLessThan(all);
    expect(await page.getByTestId("compare-params").locator("tbody tr:not([data-differs])").count()).toBe(0);
    expect(await page.getByTestId("metric-delta").count()).toBeGreaterThan(0);
    await page.getByTestId("compare-reference").getByText("the experiment's baseline").waitFor();
    await page.locator('[data-testid="compare-curves"] svg path.recharts-curve').first().waitFor();
    await screenshot(page, "experiments-compare");
  });

  it("filters and sorts the runs table; the view lives in the address bar, survives a reload and is saved by name", async () => {
    await open(page, `/demo/experiments/${EXPERIMENT}?cols=metrics.test_accuracy,params.family`);
    const table = page.getByTestId("runs-table");
    await table.locator("tbody tr[data-run]").first().waitFor();
    // A mistake in the filter is shown with the server's message.
    await page.locator("#runs-filter").fill("metrics.test_accuracy >>> 1");
    await page.getByRole("button", { name: "Apply filter" }).click();
    await page.getByTestId("filter-error").waitFor();
    // A good one narrows the table to the two succeeded runs.
    await page.locator("#runs-filter").fill("metrics.test_accuracy > 0.5 and status = 'succeeded'");
    await page.getByRole("button", { name: "Apply filter" }).click();
    await expect.poll(() => table.locator("tbody tr[data-run]").count()).toBe(2);
    await page.locator('[data-sort-key="metrics.test_accuracy"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get("order")).toBe("metrics.test_accuracy desc");
    expect(new URL(page.url()).searchParams.get("filter")).toBe("metrics.test_accuracy > 0.5 and status = 'succeeded'");
    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("#runs-filter").inputValue()).toBe("metrics.test_accuracy > 0.5 and status = 'succeeded'");
    expect(await table.locator("tbody tr[data-run]").count()).toBe(2);
    expect(await table.locator("thead").textContent()).toContain("test_accuracy");
    await screenshot(page, "experiments-runs-filtered");

    // Saved under a name, the view comes back from the dropdown on a bare address.
    await page.getByRole("button", { name: "Save view" }).click();
    await page.locator("#view-name").fill("accurate runs");
    await page.locator('button[form="save-view-form"]').click();
    await page.locator("#view-name").waitFor({ state: "detached" });
    await open(page, `/demo/experiments/${EXPERIMENT}`);
    await expect.poll(() => table.locator("tbody tr[data-run]").count()).toBe(4);
    await page.locator("#saved-views").selectOption({ label: "accurate runs" });
    await expect.poll(() => table.locator("tbody tr[data-run]").count()).toBe(2);
    expect(new URL(page.url()).searchParams.get("order")).toBe("metrics.test_accuracy desc");
    expect(await page.locator("#runs-filter").inputValue()).toBe("metrics.test_accuracy > 0.5 and status = 'succeeded'");
    // …and can be deleted again.
    await page.getByRole("button", { name: "Delete view “accurate runs”" }).click();
    await expect.poll(() => page.locator("#saved-views option").allTextContents()).not.toContain("accurate runs");
  });

  it("launches a grid sweep: its page lists the trials, marks the best and plots the metric against the parameter", async () => {
    await fillLaunchForm(page, { name: "lr-sweep", family: "logistic" });
    await page.getByTestId("sweep-toggle").check();
    await page.getByLabel("learningRate values").fill("0.01, 0.1");
    await page.locator("#sweep-trials").fill("");
    await page.locator("#sweep-parallelism").fill("2");
    await screenshot(page, "experiments-launch-sweep");
    await submitLaunch(page);
    await page.getByRole("heading", { level: 1 }).getByTestId("sweep-badge").waitFor();
    const trials = page.getByTestId("trials-table").locator("tbody tr");
    await expect.poll(() => trials.count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => statusOf(page), { timeout: 120_000, interval: 500 }).toBe("succeeded");
    await expect.poll(() => page.getByTestId("trials-table").locator('tbody tr[data-best="true"]').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('[data-testid="sweep-scatter"] svg .recharts-scatter-symbol').first().waitFor();
    await screenshot(page, "experiments-sweep");
  });

  it("a viewer sees the experiment and its runs but no Launch, Cancel or Re-run buttons", async () => {
    const viewer = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const vp = await viewer.newPage();
    vp.on("pageerror", (err) => pageErrors.push(`viewer ${vp.url()}: ${err.message}`));
    await signIn(vp, keel.url, PERSONAS.viewer);
    await open(vp, "/demo/experiments");
    await vp.getByTestId("experiments-table").locator(`tr[data-experiment="${EXPERIMENT}"]`).waitFor();
    expect(await vp.getByTestId("new-experiment").count()).toBe(0);
    await open(vp, `/demo/experiments/${EXPERIMENT}`);
    await vp.getByTestId("runs-table").locator("tbody tr[data-run]").first().waitFor();
    expect(await vp.getByTestId("launch-run").count()).toBe(0);
    await open(vp, `/demo/experiments/${EXPERIMENT}/runs/${runs.logistic ?? ""}`);
    await vp.getByTestId("run-backend").waitFor();
    expect(await vp.getByTestId("rerun").count()).toBe(0);
    expect(await vp.getByTestId("set-baseline").count()).toBe(0);
    await screenshot(vp, "experiments-viewer-run");
    await viewer.close();
  });

  it("no page of the journey threw in the browser (hydration included)", () => {
    expect(pageErrors).toEqual([]);
  });
});
