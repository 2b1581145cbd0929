import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../context";
import { KeelError } from "../../errors";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import {
  assertTrainableVersion,
  compareDatasetVersions,
  createDataset,
  downloadDatasetVersion,
  getDataset,
  getDatasetVersion,
  getVersionRows,
  listDatasets,
  listDatasetVersions,
  overrideVersionQuality,
  setQualityRules,
  updateDataset,
  uploadDatasetVersion,
} from "./index";

let fx: Fixture;
let ds: Actor;
beforeAll(async () => {
  fx = await setupFixture();
  ds = fx.actors.data_scientist;
});
afterAll(async () => {
  await fx.destroy();
});

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function upload(dataset: string, content: Buffer | string, extra: { filename?: string; contentType?: string; actor?: Actor; maxUploadBytes?: number } = {}) {
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  const ctx = fx.ctx(extra.actor ?? ds);
  if (extra.maxUploadBytes !== undefined) ctx.limits = { maxUploadBytes: extra.maxUploadBytes };
  return uploadDatasetVersion(ctx, {
    project: "demo",
    dataset,
    body: Readable.from([bytes]),
    filename: extra.filename ?? "data.csv",
    contentType: extra.contentType ?? "text/csv",
  });
}

/** Every file under the artifact store (blobs and staging), with sizes. */
function storeListing(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${path.relative(fx.dataDir, p)}:${statSync(p).size}`);
    }
  };
  walk(fx.dataDir);
  return out.sort();
}

async function versionCount(): Promise<number> {
  const { rows } = await fx.kdb.query<{ n: number }>("select count(*)::int as n from dataset_versions");
  return rows[0]?.n ?? 0;
}

function csv(rows: (string | number)[][]): string {
  return rows.map((r) => r.join(",")).join("\n") + "\n";
}

const people = csv([
  ["id", "age", "income", "city", "member"],
  ...Array.from({ length: 40 }, (_, i) => [i + 1, 20 + (i % 30), (1000 + i * 37.5).toFixed(2), ["Oslo", "Lima", "Pune"][i % 3] ?? "", i % 2 ? "true" : "false"]),
]);

describe("datasets", () => {
  it("creates a dataset once per name (case-insensitive), audited; viewers cannot", async () => {
    const before = await auditCount(fx.kdb);
    const d = await createDataset(fx.ctx(ds), { project: "demo", name: "people", description: "Synthetic people" });
    expect(d).toMatchObject({ name: "people", versionCount: 0, latestVersion: null, qualityRules: [] });
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    await expect(createDataset(fx.ctx(ds), { project: "demo", name: "People" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createDataset(fx.ctx(fx.actors.viewer), { project: "demo", name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createDataset(fx.ctx(ds), { project: "demo", name: "../etc" })).rejects.toThrow(/letters, digits/);
    expect(await auditCount(fx.kdb)).toBe(before + 1);
  });

  it("uploads a CSV as version 1 identified by the sha256 of its bytes; the same bytes again create nothing", async () => {
    const beforeAudit = await auditCount(fx.kdb);
    const first = await upload("people", people);
    expect(first.created).toBe(true);
    expect(first.version).toMatchObject({ version: 1, sha256: sha(people), rowCount: 40, columnCount: 5, format: "csv", source: "upload", parentVersion: null });
    expect(first.version.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "integer"],
      ["age", "integer"],
      ["income", "numeric"],
      ["city", "categorical"],
      ["member", "boolean"],
    ]);
    expect(await fx.artifacts.has(sha(people))).toBe(true);
    expect(await auditCount(fx.kdb)).toBe(beforeAudit + 1);

    const again = await upload("people", people, { filename: "renamed.csv" });
    expect(again.created).toBe(false);
    expect(again.version.id).toBe(first.version.id);
    expect(again.version.profile).toEqual(first.version.profile);
    expect(await auditCount(fx.kdb)).toBe(beforeAudit + 1);
    expect(await listDatasetVersions(fx.ctx(fx.actors.viewer), { project: "demo", dataset: "people" })).toHaveLength(1);
    expect(storeListing().filter((f) => f.includes(".staging"))).toEqual([]);
  });

  it("numbers the next version after its parent and shows the schema change", async () => {
    const changed = people.replace("id,age,income,city,member", "id,age,income,town,member");
    const v2 = await upload("people", changed);
    expect(v2.version).toMatchObject({ version: 2, parentVersion: 1 });
    expect(v2.version.schemaChanges.against).toBe(1);
    expect(v2.version.schemaChanges.added.map((c) => c.name)).toEqual(["town"]);
    expect(v2.version.schemaChanges.removed.map((c) => c.name)).toEqual(["city"]);
    const latest = await getDatasetVersion(fx.ctx(fx.actors.auditor), { project: "demo", dataset: "people", version: "latest" });
    expect(latest.version).toBe(2);
    const dataset = await getDataset(fx.ctx(fx.actors.viewer), { project: "demo", dataset: "PEOPLE" });
    expect(dataset).toMatchObject({ versionCount: 2, latestVersion: { version: 2 } });
  });

  it("serves rows by page and the exact bytes for download", async () => {
    const page = await getVersionRows(fx.ctx(fx.actors.viewer), { project: "demo", dataset: "people", version: 1, offset: 10, limit: 5 });
    expect(page).toMatchObject({ columns: ["id", "age", "income", "city", "member"], offset: 10, limit: 5, total: 40 });
    expect(page.rows.map((r) => r[0])).toEqual(["11", "12", "13", "14", "15"]);
    const past = await getVersionRows(fx.ctx(ds), { project: "demo", dataset: "people", version: 1, offset: 40, limit: 5 });
    expect(past.rows).toEqual([]);
    const file = await downloadDatasetVersion(fx.ctx(fx.actors.viewer), { project: "demo", dataset: "people", version: 1 });
    const chunks: Buffer[] = [];
    for await (const c of file.stream) chunks.push(Buffer.from(c as Uint8Array));
    expect(sha(Buffer.concat(chunks))).toBe(sha(people));
    expect(file.filename).toBe("people-v1.csv");
  });

  it("compares two versions with PSI on the reference bins", async () => {
    const shifted = csv([
      ["id", "age", "income", "city", "member"],
      ...Array.from({ length: 40 }, (_, i) => [i + 1, 50 + (i % 30), (1000 + i * 37.5).toFixed(2), "Oslo", "true"]),
    ]);
    await upload("people", shifted);
    const cmp = await compareDatasetVersions(fx.ctx(fx.actors.viewer), { project: "demo", dataset: "people", base: 1, target: 3 });
    expect(cmp.rowCount).toEqual({ reference: 40, current: 40, delta: 0 });
    const byName = new Map(cmp.columns.map((c) => [c.name, c]));
    expect(byName.get("income")?.psi).toBeCloseTo(0, 9);
    expect(byName.get("age")?.level).toBe("major");
    expect(byName.get("city")?.method).toBe("psi_categorical");
    expect(byName.get("city")?.level).toBe("major");
  });

  it("lists with search, sort and keyset pages", async () => {
    for (const name of ["alpha", "beta", "gamma-set", "delta"]) await createDataset(fx.ctx(ds), { project: "demo", name, description: name === "delta" ? "has gamma inside" : "" });
    const search = await listDatasets(fx.ctx(fx.actors.viewer), { project: "demo", search: "gamma" });
    expect(search.items.map((d) => d.name).sort()).toEqual(["delta", "gamma-set"]);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDatasets(fx.ctx(fx.actors.viewer), { project: "demo", sort: "name", limit: 2, cursor });
      names.push(...page.items.map((d) => d.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(["alpha", "beta", "delta", "gamma-set", "people"]);
    const updated = await listDatasets(fx.ctx(fx.actors.viewer), { project: "demo", sort: "updated", limit: 100 });
    expect(updated.items).toHaveLength(5);
    await expect(listDatasets(fx.ctx(ds), { project: "demo", cursor: "nonsense" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const u = await updateDataset(fx.ctx(ds), { project: "demo", dataset: "alpha", description: "first" });
    expect(u.description).toBe("first");
  });
});

describe("bad input changes nothing", () => {
  const bad: [string, Buffer | string, RegExp, { contentType?: string; filename?: string }?][] = [
    ["an empty file", "", /empty/i],
    ["a file of blank lines", "\n\n  \n", /empty/i],
    ["a header only", "a,b,c\n", /header/i],
    ["ragged rows", csv([["a", "b", "c"], [1, 2, 3], [4, 5], [7, 8, 9], [1, 2, 3, 4]]), /rows? 2\b.*|row 2/i],
    ["an unknown delimiter", "a:b:c\n1:2:3\n4:5:6\n", /separated by ':'/],
    ["duplicate column names", "a,b,a\n1,2,3\n", /'a'/],
    ["an empty column name", "a,,c\n1,2,3\n", /column 2/i],
    ["invalid UTF-8 (Latin-1 bytes)", Buffer.concat([Buffer.from("name,city\nx,"), Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]), Buffer.from("\n")]), /UTF-8/],
    ["a Parquet file that is not Parquet", "PAR1 this is not parquet", /not a Parquet file/i, { contentType: "application/vnd.apache.parquet", filename: "x.parquet" }],
    ["a JSON Lines file with a broken line", '{"a":1}\n{"a":2\n{"a":3}\n', /row 2|line 2/i, { contentType: "application/x-ndjson", filename: "x.jsonl" }],
  ];

  it.each(bad)("refuses %s with a clear message", async (_label, content, message, opts) => {
    await createDataset(fx.ctx(ds), { project: "demo", name: "bad-input" }).catch(() => undefined);
    const before = { audit: await auditCount(fx.kdb), versions: await versionCount(), store: storeListing() };
    const err = await upload("bad-input", content, opts).then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).code).toBe("UNPROCESSABLE_CONTENT");
    expect((err as KeelError).message).toMatch(message);
    expect({ audit: await auditCount(fx.kdb), versions: await versionCount(), store: storeListing() }).toEqual(before);
  });

  it("refuses a file over the size limit with 413, storing nothing", async () => {
    const before = { audit: await auditCount(fx.kdb), versions: await versionCount(), store: storeListing() };
    await expect(upload("bad-input", people, { maxUploadBytes: 100 })).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: expect.stringMatching(/100 bytes/) as string });
    // exactly at the limit passes
    const atLimit = await upload("bad-input", "a,b\n1,2\n", { maxUploadBytes: 8 });
    expect(atLimit.created).toBe(true);
    expect(await versionCount()).toBe(before.versions + 1);
  });
});

describe("quality rules and the training gate", () => {
  it("checks every new version against the dataset's rules and gates training on failures", async () => {
    await createDataset(fx.ctx(ds), { project: "demo", name: "loans" });
    await expect(
      setQualityRules(fx.ctx(ds), { project: "demo", dataset: "loans", rules: [{ id: "r", kind: "regex", column: "a", pattern: "(", severity: "fail" }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      setQualityRules(fx.ctx(fx.actors.approver), { project: "demo", dataset: "loans", rules: [] }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const withRules = await setQualityRules(fx.ctx(ds), {
      project: "demo",
      dataset: "loans",
      rules: [
        { id: "amount-range", kind: "range", column: "amount", min: 0, max: 1000, severity: "fail" },
        { id: "grade-known", kind: "allowed_values", column: "grade", values: ["A", "B", "C"], severity: "warn" },
        { id: "enough-rows", kind: "min_rows", min: 3, severity: "fail" },
      ],
    });
    expect(withRules.qualityRules).toHaveLength(3);

    const good = await upload("loans", csv([["amount", "grade"], [10, "A"], [20, "B"], [30, "C"]]));
    expect(good.version.quality.status).toBe("pass");
    expect((await assertTrainableVersion(fx.ctx(ds), good.version.id)).id).toBe(good.version.id);

    const failing = await upload("loans", csv([["amount", "grade"], [10, "A"], [-5, "B"], [30, "Z"], [5000, "C"]]));
    expect(failing.version.quality.status).toBe("fail");
    const range = failing.version.quality.checks.find((c) => c.ruleId === "amount-range");
    expect(range).toMatchObject({ status: "fail", failing: 2, exampleRows: [2, 4] });
    expect(failing.version.quality.checks.find((c) => c.ruleId === "grade-known")).toMatchObject({ status: "warn", failing: 1, exampleRows: [3] });
    expect(failing.version.qualityStatus).toBe("fail");
    await expect(assertTrainableVersion(fx.ctx(ds), failing.version.id)).rejects.toMatchObject({ code: "CONFLICT" });

    const ref = { project: "demo", dataset: "loans", version: failing.version.version };
    await expect(overrideVersionQuality(fx.ctx(fx.actors.viewer), { ...ref, reason: "I want to anyway, really" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(overrideVersionQuality(fx.ctx(ds), { ...ref, reason: "ok" })).rejects.toThrow(/at least 10 characters/);
    await expect(overrideVersionQuality(fx.ctx(ds), { ...ref, version: good.version.version, reason: "no need for this one" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const before = await auditCount(fx.kdb);
    const overridden = await overrideVersionQuality(fx.ctx(ds), { ...ref, reason: "Outliers are known refunds; the model clips amounts." });
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    expect(overridden.qualityOverridden).toBe(true);
    expect(overridden.overrides[0]).toMatchObject({ reason: "Outliers are known refunds; the model clips amounts.", createdBy: { id: ds.id } });
    expect(overridden.qualityStatus).toBe("fail");
    expect((await assertTrainableVersion(fx.ctx(ds), failing.version.id)).id).toBe(failing.version.id);
  });

  it("refuses to change a stored version at the database level", async () => {
    await expect(fx.kdb.query("update dataset_versions set row_count = 0")).rejects.toThrow(/immutable/);
  });

  it("numbers concurrent uploads of different files without gaps or duplicates", async () => {
    await createDataset(fx.ctx(ds), { project: "demo", name: "burst" });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => upload("burst", csv([["x", "y"], [i, i * 2], [i + 1, 0]]))));
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.version.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("the committed public fixture", () => {
  const fixture = path.resolve(__dirname, "../../../../../test/fixtures/datasets/breast-cancer.csv");
  it("profiles the breast cancer data: 569 rows × 31 columns, 30 numeric", async () => {
    await createDataset(fx.ctx(ds), { project: "demo", name: "breast-cancer" });
    const bytes = readFileSync(fixture);
    const res = await upload("breast-cancer", bytes, { filename: "breast-cancer.csv" });
    expect(res.version).toMatchObject({ rowCount: 569, columnCount: 31, sha256: sha(bytes) });
    expect(res.version.columns.filter((c) => c.type === "numeric")).toHaveLength(30);
    expect(res.version.columns.find((c) => c.name === "diagnosis")?.type).toBe("categorical");
  });
});
