/**
 * Datasets, as a data scientist and a viewer meet them in the browser: create a dataset, upload a
 * CSV (file picker, drag and drop, cancel), the same bytes again, a bad file; the version page
 * (profile, histogram, quality, rows, download); rules, an override and the compare view. The REST
 * API, with a token, must store what the browser stored.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERSONAS, REPO_ROOT, launchBrowser, runCli, screenshot, signIn, startKeel, type KeelProcess } from "./harness";

const FIXTURE = path.join(REPO_ROOT, "test/fixtures/datasets/breast-cancer.csv");
/** The demo seed already holds `breast-cancer` (the same file, uploaded by Keel itself); the journey makes its own dataset. */
const SEEDED = "breast-cancer";
const NAME = "wdbc";
const ROWS = 569;
const COLUMNS = 31;

let keel: KeelProcess;
let browser: Browser;
let token: string;
let bytes: Buffer;
let sha: string;
/** The scientist's session, shared by the journey's steps (they build on each other). */
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const sha256 = (b: Buffer | Uint8Array) => createHash("sha256").update(b).digest("hex");
const api = (p: string) => `${keel.url}/api/v1/projects/demo${p}`;
const auth = () => ({ authorization: `Bearer ${token}` });

interface VersionBody {
  version: number;
  sha256: string;
  rowCount: number;
  columnCount: number;
  columns: { name: string; type: string }[];
  profile: { columns: { name: string; type: string; min: unknown; max: unknown }[] };
  quality: { status: string; checks: { ruleId: string; status: string }[] };
}

async function versionCount(name: string): Promise<number> {
  const res = await fetch(api(`/datasets/${name}/versions`), { headers: auth() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: unknown[] }).items.length;
}

async function getVersion(name: string, version: number): Promise<VersionBody> {
  const res = await fetch(api(`/datasets/${name}/versions/${version}`), { headers: auth() });
  expect(res.status).toBe(200);
  return (await res.json()) as VersionBody;
}

/** Opens a page and waits for the network to settle (React has hydrated it by then). */
async function open(p: Page, pathname: string): Promise<void> {
  await p.goto(`${keel.url}${pathname}`);
  await p.waitForLoadState("networkidle");
}
/** The upload area marks itself ready once React runs (before that, a chosen file would be lost). */
const uploadReady = (p: Page) => p.locator('[data-testid="upload-dropzone"][data-ready="true"]').waitFor();

/** Counts how far the upload progress bar got, from inside the page. */
async function watchProgress(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { __progress: number[] };
    w.__progress = [];
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]');
      const v = bar?.getAttribute("aria-valuenow");
      if (v !== null && v !== undefined) w.__progress.push(Number(v));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"] });
  });
}
const progressSeen = (p: Page) => p.evaluate(() => (window as unknown as { __progress: number[] }).__progress);

beforeAll(async () => {
  bytes = readFileSync(FIXTURE);
  sha = sha256(bytes);
  keel = await startKeel();
  browser = await launchBrowser();
  const created = await runCli(["token", "create", "--project", "demo", "--role", "data_scientist", "--name", "e2e-datasets"], { KEEL_DATA_DIR: keel.dataDir });
  expect(created.code, created.stderr).toBe(0);
  token = created.stdout.trim();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  // Hydration mismatches and other uncaught errors in the page fail the journey (see the last test).
  page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  await signIn(page, keel.url, PERSONAS.data_scientist);
});
afterAll(async () => {
  await context.close();
  await browser.close();
  await keel.stop();
});

describe("datasets", () => {
  it("a data scientist creates a dataset and uploads a CSV with a progress bar (cancel, then for real)", async () => {
    await open(page, "/demo/datasets");
    await page.getByTestId("datasets-table").locator(`tr[data-dataset="${SEEDED}"]`).waitFor();
    await page.getByRole("button", { name: "New dataset" }).click();
    await page.getByLabel("Name").fill(NAME);
    await page.getByLabel("Description (optional)").fill("Wisconsin diagnostic breast cancer: 30 features of cell nuclei and the diagnosis.");
    await page.getByRole("button", { name: "Create dataset" }).click();
    await page.waitForURL(`${keel.url}/demo/datasets/${NAME}`);
    await page.getByRole("heading", { name: "No versions yet" }).waitFor();
    await uploadReady(page);

    // A slow link: the bar moves, and Cancel aborts the request; nothing is stored.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 24 * 1024 });
    await watchProgress(page);
    await page.getByTestId("upload-input").setInputFiles(FIXTURE);
    await page.getByRole("progressbar").waitFor();
    await expect.poll(async () => (await progressSeen(page)).some((v) => v > 0 && v < 100), { timeout: 15_000 }).toBe(true);
    await screenshot(page, "datasets-upload-progress");
    await page.getByRole("button", { name: "Cancel upload" }).click();
    await page.getByText("Upload cancelled").waitFor();
    expect(await versionCount(NAME)).toBe(0);

    // Again, at a speed where the bar still shows, to the end.
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await watchProgress(page);
    await page.getByTestId("upload-input").setInputFiles(FIXTURE);
    await page.getByText("Version 1 created").waitFor({ timeout: 60_000 });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const seen = await progressSeen(page);
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
    expect(await page.getByTestId("upload-result").textContent()).toContain(`${ROWS} rows × ${COLUMNS} columns`);
    const v1 = page.getByTestId("versions-timeline").locator('[data-version="1"]');
    await v1.waitFor();
    expect(await v1.textContent()).toContain(`${ROWS} rows × ${COLUMNS} columns`);
    expect(await v1.getByTestId("version-sha").textContent()).toBe(sha.slice(0, 12));
    expect(await versionCount(NAME)).toBe(1);
  });

  it("the same bytes again (dropped on the page) are already version 1: nothing new is stored", async () => {
    await page.evaluate(
      ({ b64, name }) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bin], name, { type: "text/csv" }));
        const zone = document.querySelector('[data-testid="upload-dropzone"]');
        if (!zone) throw new Error("no drop zone");
        for (const type of ["dragenter", "dragover", "drop"]) zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
      },
      { b64: bytes.toString("base64"), name: "breast-cancer.csv" },
    );
    await page.getByText("These bytes are already version 1 — nothing new was stored").waitFor({ timeout: 60_000 });
    expect(await versionCount(NAME)).toBe(1);
    expect(await page.getByTestId("versions-timeline").locator("li[data-version]").count()).toBe(1);
  });

  it("the REST API with a token: the same file → 200 and the same sha256; in a new dataset → the same profile", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "text/csv" }), "breast-cancer.csv");
    const again = await fetch(api(`/datasets/${NAME}/versions`), { method: "POST", headers: auth(), body: form });
    expect(again.status).toBe(200);
    const againBody = (await again.json()) as VersionBody;
    expect(againBody).toMatchObject({ version: 1, sha256: sha, rowCount: ROWS, columnCount: COLUMNS });

    const browserVersion = await getVersion(NAME, 1);
    expect(browserVersion.profile).toEqual(againBody.profile);
    // Keel's seed stored the same file through the service directly: the same bytes, the same profile.
    const seeded = await getVersion(SEEDED, 1);
    expect(seeded.sha256).toBe(sha);
    expect(seeded.profile).toEqual(browserVersion.profile);
    // A fresh upload through REST (a raw body this time) profiles the bytes again: the same result.
    const ds = await fetch(api("/datasets"), { method: "POST", headers: { ...auth(), "content-type": "application/json" }, body: JSON.stringify({ name: `${NAME}-rest` }) });
    expect(ds.status).toBe(200);
    const fresh = await fetch(api(`/datasets/${NAME}-rest/versions?filename=breast-cancer.csv`), {
      method: "POST",
      headers: { ...auth(), "content-type": "text/csv" },
      body: new Uint8Array(bytes),
    });
    expect(fresh.status).toBe(201);
    const freshBody = (await fresh.json()) as VersionBody;
    expect(freshBody.sha256).toBe(sha);
    expect(freshBody.columns).toEqual(browserVersion.columns);
    expect(freshBody.profile).toEqual(browserVersion.profile);
    const restGet = await getVersion(`${NAME}-rest`, 1);
    expect(restGet.profile).toEqual(browserVersion.profile);
  });

  it("the version page shows the summary, schema, a histogram, the quality report, paged rows and a download of the same bytes", async () => {
    await open(page, `/demo/datasets/${NAME}/versions/1`);
    expect(await page.getByTestId("version-sha256").textContent()).toBe(sha);
    expect(await page.getByTestId("version-rows").textContent()).toBe(String(ROWS));
    expect(await page.getByTestId("version-columns").textContent()).toBe(String(COLUMNS));
    expect(await page.getByTestId("schema-table").locator("tbody tr").count()).toBe(COLUMNS);
    expect(await page.getByTestId("column-profile").count()).toBe(COLUMNS);
    expect(await page.getByText("std (sample, n−1)").count()).toBeGreaterThan(0);
    const bars = page.locator('[data-testid^="histogram-"] svg .recharts-bar-rectangle');
    await bars.first().waitFor();
    expect(await bars.count()).toBeGreaterThan(10);
    await page.getByTestId("no-missing").waitFor();
    await page.getByRole("heading", { name: "Quality report" }).waitFor();
    await page.getByTestId("quality-empty").waitFor();
    await page.getByText("No training run has used this version yet.").waitFor();

    const range = page.getByTestId("rows-range");
    await expect.poll(() => range.textContent()).toBe(`rows 1–50 of ${ROWS}`);
    const firstCell = page.getByTestId("rows-preview").locator("tbody tr").first().locator("td").first();
    expect(await firstCell.textContent()).toBe("1");
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => range.textContent()).toBe(`rows 51–100 of ${ROWS}`);
    await expect.poll(() => firstCell.textContent()).toBe("51");
    await page.getByRole("button", { name: "Previous" }).click();
    await expect.poll(() => range.textContent()).toBe(`rows 1–50 of ${ROWS}`);

    const href = await page.getByTestId("download").getAttribute("href");
    expect(href).toBe(`/api/v1/projects/demo/datasets/${NAME}/versions/1/download`);
    const download = await context.request.get(`${keel.url}${href ?? ""}`);
    expect(download.status()).toBe(200);
    expect(sha256(await download.body())).toBe(sha);
    await screenshot(page, "datasets-version");
  });

  it("a ragged CSV is refused with the server's message naming the row, and creates no version", async () => {
    await open(page, `/demo/datasets/${NAME}`);
    await uploadReady(page);
    const ragged = Buffer.from("id,age,label\n1,34,a\n2,51\n3,29,b\n");
    await page.getByTestId("upload-input").setInputFiles({ name: "ragged.csv", mimeType: "text/csv", buffer: ragged });
    const alert = page.getByRole("alert").filter({ hasText: "was not stored" });
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toMatch(/row/i);
    expect(await page.getByTestId("upload-error-details").textContent()).toContain("Row 2");
    expect(await versionCount(NAME)).toBe(1);
    await screenshot(page, "datasets-upload-error");
  });

  it("rules set in the editor check the next version; a failing version is overridden with a reason; the compare view shows the shift", async () => {
    const lines = bytes.toString("utf8").trimEnd().split(/\r?\n/);
    const header = (lines[0] ?? "").split(",").map((h) => h.replace(/^"|"$/g, ""));
    const feature = header[0] ?? "";
    const values = lines.slice(1).map((l) => Number(l.split(",")[0])).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)] ?? 0;

    await open(page, `/demo/datasets/${NAME}`);
    const form = page.getByTestId("add-rule-form");
    await form.getByLabel("Check").selectOption("range");
    await form.getByLabel("Column").selectOption(feature);
    await form.getByLabel("Max (inclusive)").fill(String(Math.round(median * 120) / 100));
    await form.getByRole("button", { name: "Add rule" }).click();
    await form.getByLabel("Check").selectOption("min_rows");
    await form.getByLabel("Minimum rows").fill("100");
    await form.getByRole("button", { name: "Add rule" }).click();
    expect(await page.getByTestId("quality-rules").locator("li").count()).toBe(2);
    await page.getByRole("button", { name: "Save rules" }).click();
    await page.getByText("Saved 2 rules. They apply to versions uploaded from now on.").waitFor();

    // Version 2: 500 rows, the first feature scaled by 1.3, 20 values of the second one missing, the second-to-last column dropped.
    const drop = header.length - 2;
    const v2 = lines
      .slice(0, 501)
      .map((l, i) => {
        const cells = l.split(",");
        if (i > 0) cells[0] = String(Number(cells[0]) * 1.3);
        if (i > 0 && i <= 20) cells[1] = "";
        cells.splice(drop, 1);
        return cells.join(",");
      })
      .join("\n");
    const up = await fetch(api(`/datasets/${NAME}/versions?filename=breast-cancer-v2.csv`), { method: "POST", headers: { ...auth(), "content-type": "text/csv" }, body: v2 });
    expect(up.status).toBe(201);
    const v2Body = (await up.json()) as VersionBody;
    expect(v2Body).toMatchObject({ version: 2, rowCount: 500, columnCount: COLUMNS - 1, quality: { status: "fail" } });

    await open(page, `/demo/datasets/${NAME}/versions/2`);
    await page.locator('[data-testid="missing-chart"] svg .recharts-bar-rectangle').first().waitFor();
    await page.getByText("Training on this version is refused until a data scientist overrides with a reason").waitFor();
    expect(await page.getByTestId("quality-table").locator("tbody tr").count()).toBe(2);
    const override = page.getByTestId("override-form");
    await override.getByLabel("Reason").fill("too short");
    await override.getByRole("button", { name: "Record override" }).click();
    await expect.poll(() => override.locator("#override-error").textContent()).toMatch(/at least 10 characters/);
    await override.getByLabel("Reason").fill("The scaled feature is a deliberate unit change for this e2e test.");
    await override.getByRole("button", { name: "Record override" }).click();
    await page.getByTestId("overrides").getByText("deliberate unit change").waitFor();
    await page.getByText("overridden", { exact: true }).first().waitFor();

    await open(page, `/demo/datasets/${NAME}`);
    const v2Item = page.getByTestId("versions-timeline").locator('[data-version="2"]');
    await v2Item.getByTestId("schema-changes").waitFor();
    expect(await v2Item.textContent()).toContain("parent v1");
    expect(await v2Item.getByTestId("schema-changes").textContent()).toContain(header[drop] ?? "?");
    await screenshot(page, "datasets-dataset");

    await open(page, `/demo/datasets/${NAME}/compare?base=1&target=2`);
    await page.getByTestId("psi-table").waitFor();
    expect(await page.getByTestId("row-delta").textContent()).toContain(`−${ROWS - 500}`);
    const row = page.getByTestId("psi-table").locator(`tr[data-column="${feature}"]`);
    expect(await row.textContent()).toMatch(/major|moderate/);
    await page.locator('[data-testid^="bins-"] svg .recharts-bar-rectangle').first().waitFor();
    expect(await page.getByTestId("schema-changes").textContent()).toContain(header[drop] ?? "?");
    await screenshot(page, "datasets-compare");
  });

  it("the list searches and sorts through the URL", async () => {
    await open(page, "/demo/datasets");
    const table = page.getByTestId("datasets-table");
    await expect.poll(() => table.locator("tbody tr[data-dataset]").count()).toBe(3);
    await page.getByLabel("Search datasets").fill("rest");
    await expect.poll(() => page.url()).toContain("search=rest");
    await expect.poll(() => table.locator("tbody tr[data-dataset]").count()).toBe(1);
    await page.getByLabel("Search datasets").fill("");
    await page.getByLabel("Sort").selectOption("name");
    await expect.poll(() => page.url()).toContain("sort=name");
    await expect.poll(() => table.locator("tbody tr[data-dataset]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-dataset")))).toEqual([
      SEEDED,
      NAME,
      `${NAME}-rest`,
    ]);
    await page.reload();
    expect(await page.getByLabel("Sort").inputValue()).toBe("name");
    const v2Row = table.locator(`tr[data-dataset="${NAME}"]`);
    expect(await v2Row.textContent()).toContain("v2");
    await screenshot(page, "datasets-list");

    // Keyset pages of 25: more datasets than that show a "Load more" that fetches the next page.
    for (let i = 1; i <= 25; i++) {
      const res = await fetch(api("/datasets"), {
        method: "POST",
        headers: { ...auth(), "content-type": "application/json" },
        body: JSON.stringify({ name: `extra-${String(i).padStart(2, "0")}` }),
      });
      expect(res.status).toBe(200);
    }
    await open(page, "/demo/datasets?sort=name");
    await expect.poll(() => table.locator("tbody tr[data-dataset]").count()).toBe(25);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => table.locator("tbody tr[data-dataset]").count()).toBe(28);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    const names = await table.locator("tbody tr[data-dataset]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-dataset") ?? ""));
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(28);
  });

  it("a viewer sees the dataset but no upload area, no rule editor and no override form", async () => {
    const viewer = await browser.newContext();
    const vp = await viewer.newPage();
    vp.on("pageerror", (err) => pageErrors.push(`viewer ${vp.url()}: ${err.message}`));
    await signIn(vp, keel.url, PERSONAS.viewer);
    await vp.goto(`${keel.url}/demo/datasets`);
    await vp.getByTestId("datasets-table").waitFor();
    expect(await vp.getByRole("button", { name: "New dataset" }).count()).toBe(0);
    await vp.goto(`${keel.url}/demo/datasets/${NAME}`);
    await vp.getByTestId("versions-timeline").locator('[data-version="1"]').waitFor();
    expect(await vp.getByTestId("upload-dropzone").count()).toBe(0);
    expect(await vp.getByTestId("add-rule-form").count()).toBe(0);
    expect(await vp.getByTestId("quality-rules").locator("li").count()).toBe(2);
    await vp.goto(`${keel.url}/demo/datasets/${NAME}/versions/2`);
    await vp.getByTestId("overrides").waitFor();
    expect(await vp.getByTestId("override-form").count()).toBe(0);
    // The server refuses what the page hides.
    const refused = await viewer.request.post(api(`/datasets/${NAME}/versions`), { multipart: { file: { name: "x.csv", mimeType: "text/csv", buffer: bytes } } });
    expect(refused.status()).toBe(403);
    await viewer.close();
  });

  it("a 20 MB upload streams through the launcher whole (no 10 MB cut by Next's proxy) and is profiled on every row", async () => {
    const header = "a,b,c,d,e,f,g,h\n";
    const rows = 450_000;
    const lines: string[] = [header];
    for (let i = 0; i < rows; i++) lines.push(`${i},${i * 0.5},${i % 7},${(i * 7919) % 104729},x${i % 13},${i % 2 === 0},${i * 3},${-i}\n`);
    const big = Buffer.from(lines.join(""));
    expect(big.length).toBeGreaterThan(15 * 1024 * 1024);
    const created = await fetch(api("/datasets"), { method: "POST", headers: { ...auth(), "content-type": "application/json" }, body: JSON.stringify({ name: "big-upload" }) });
    expect(created.status).toBe(200);
    const res = await fetch(api("/datasets/big-upload/versions"), { method: "POST", headers: { ...auth(), "content-type": "text/csv" }, body: big });
    expect(res.status).toBe(201);
    const v = (await res.json()) as VersionBody;
    expect(v).toMatchObject({ rowCount: rows, columnCount: 8, sha256: sha256(big) });
  });

  it("no page of the journey threw in the browser (hydration included)", () => {
    expect(pageErrors).toEqual([]);
  });
});
