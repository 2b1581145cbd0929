import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset } from "../services/datasets/index";
import { createToken } from "../services/tokens";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { RAW_ROUTES } from "./datasets";
import { handleRestRequest, openApiDocument } from "./index";
import { can, PROJECT_ROLES } from "@keel/auth";

let fx: Fixture;
let writer: string;
let viewer: string;
beforeAll(async () => {
  fx = await setupFixture();
  writer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "ds", role: "data_scientist" })).token;
  viewer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "v", role: "viewer" })).token;
  await createDataset(fx.ctx(fx.actors.data_scientist), { project: "demo", name: "iris" });
});
afterAll(async () => {
  await fx.destroy();
});

const BASE = "http://keel.test/api/v1";
function call(p: string, init: RequestInit & { token?: string } = {}, limits?: { maxUploadBytes: number }): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  return handleRestRequest(new Request(`${BASE}${p}`, { ...init, headers, duplex: "half" }), {
    db: fx.kdb.db,
    driver: fx.kdb.driver,
    artifacts: fx.artifacts,
    limits,
  });
}

const iris = "sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.3,3.3,virginica\n5.8,2.7,virginica\n";
const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

function multipart(content: string, filename = "iris.csv"): FormData {
  const form = new FormData();
  form.append("file", new Blob([content], { type: "text/csv" }), filename);
  return form;
}

function blobCount(): number {
  const root = path.join(fx.dataDir, "artifacts", "sha256");
  try {
    return readdirSync(root).flatMap((d) => readdirSync(path.join(root, d))).length;
  } catch {
    return 0;
  }
}

interface VersionBody {
  id: string;
  version: number;
  sha256: string;
  rowCount: number;
  columns: { name: string; type: string; nullable: boolean }[];
  quality: { status: string; checks: unknown[] };
  profile: { columns: unknown[] };
}

describe("REST dataset upload and download", () => {
  it("takes a multipart upload (201), then the same bytes as a raw body (200, same version)", async () => {
    const res = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: writer, body: multipart(iris) });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("location")).toBe("/api/v1/projects/demo/datasets/iris/versions/1");
    const body = (await res.json()) as VersionBody;
    expect(body).toMatchObject({ version: 1, sha256: sha(iris), rowCount: 4, quality: { status: "pass", checks: [] } });
    expect(body.columns).toEqual([
      { name: "sepal_length", type: "numeric", nullable: false },
      { name: "sepal_width", type: "numeric", nullable: false },
      { name: "species", type: "categorical", nullable: false },
    ]);

    const again = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: writer, body: iris, headers: { "content-type": "text/csv" } });
    expect(again.status).toBe(200);
    const same = (await again.json()) as VersionBody;
    expect(same.id).toBe(body.id);

    const got = await call("/projects/demo/datasets/iris/versions/1", { token: viewer });
    expect(got.status).toBe(200);
    const full = (await got.json()) as VersionBody;
    expect(full.profile).toEqual(body.profile);
    expect(full.profile.columns).toHaveLength(3);

    const rows = await call("/projects/demo/datasets/iris/versions/1/rows?offset=2&limit=1", { token: viewer });
    expect(await rows.json()).toMatchObject({ rows: [["6.3", "3.3", "virginica"]], total: 4 });

    const dl = await call("/projects/demo/datasets/iris/versions/latest/download", { token: viewer });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-disposition")).toBe('attachment; filename="iris-v1.csv"');
    expect(sha(Buffer.from(await dl.arrayBuffer()))).toBe(sha(iris));
  });

  it("refuses viewers, anonymous callers, unknown media types and oversized bodies", async () => {
    const before = { audit: await auditCount(fx.kdb), blobs: blobCount() };
    const v = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: viewer, body: multipart("a,b\n1,2\n") });
    expect(v.status).toBe(403);
    const anon = await call("/projects/demo/datasets/iris/versions", { method: "POST", body: multipart("a,b\n1,2\n") });
    expect(anon.status).toBe(401);
    const plain = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: writer, body: "a,b\n1,2\n", headers: { "content-type": "text/plain" } });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: { message: string } }).error.message).toMatch(/multipart\/form-data/);
    const big = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: writer, body: multipart(iris) }, { maxUploadBytes: 50 });
    expect(big.status).toBe(413);
    const bigRaw = await call(
      "/projects/demo/datasets/iris/versions",
      { method: "POST", token: writer, body: iris, headers: { "content-type": "text/csv" } },
      { maxUploadBytes: 50 },
    );
    expect(bigRaw.status).toBe(413);
    const ragged = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: writer, body: multipart("a,b\n1,2\n3\n") });
    expect(ragged.status).toBe(422);
    expect(((await ragged.json()) as { error: { message: string; details: { path?: string }[] } }).error).toMatchObject({
      message: expect.stringMatching(/row 2/i) as string,
      details: expect.arrayContaining([{ path: "rows[2]", message: "ragged_rows" }]) as unknown,
    });
    const noFile = new FormData();
    noFile.append("other", "x");
    const missing = await call("/projects/demo/datasets/iris/versions", { method: "POST", token: writer, body: noFile });
    expect(missing.status).toBe(400);
    expect({ audit: await auditCount(fx.kdb), blobs: blobCount() }).toEqual(before);
  });

  // The inputs that broke MLflow's artifact handling (shared/reference/security-and-reliability.md).
  const traversal = [
    "..%2f..%2fetc",
    "%2e%2e%2f%2e%2e%2fetc",
    "%252e%252e%252fetc",
    "..%5c..%5cwindows",
    "..",
    "%2e%2e",
    "x%00.csv",
    "C%3A%5Cx",
    "%2fetc%2fpasswd",
    "..%3b",
    "a%23%2f..%2f..",
  ];

  it.each(traversal)("refuses the dataset path segment %s on upload and download, touching nothing", async (segment) => {
    const before = { audit: await auditCount(fx.kdb), blobs: blobCount() };
    const up = await call(`/projects/demo/datasets/${segment}/versions`, { method: "POST", token: writer, body: multipart(iris) });
    expect([400, 404]).toContain(up.status);
    const down = await call(`/projects/demo/datasets/${segment}/versions/1/download`, { token: writer });
    expect([400, 404]).toContain(down.status);
    const body = (await down.json()) as { error: { message: string } };
    expect(body.error.message).not.toMatch(/\/tmp|\/etc|artifacts|sha256\//);
    const ver = await call(`/projects/demo/datasets/iris/versions/${segment}/download`, { token: writer });
    expect([400, 404]).toContain(ver.status);
    const rows = await call(`/projects/demo/datasets/iris/versions/${segment}/rows`, { token: writer });
    expect([400, 404]).toContain(rows.status);
    for (const q of [`base=${segment}&target=1`, `base=1&target=${segment}`]) {
      const cmp = await call(`/projects/demo/datasets/iris/compare?${q}`, { token: writer });
      expect([400, 404]).toContain(cmp.status);
    }
    const compareDataset = await call(`/projects/demo/datasets/${segment}/compare?base=1&target=1`, { token: writer });
    expect([400, 404]).toContain(compareDataset.status);
    expect({ audit: await auditCount(fx.kdb), blobs: blobCount() }).toEqual(before);
  });

  it("walks every byte-streaming route × every token role against the permission matrix", async () => {
    for (const route of RAW_ROUTES) {
      const p = route.path.replace("{project}", "demo").replace("{dataset}", "iris").replace("{version}", "1");
      const init = (token?: string): RequestInit & { token?: string } =>
        route.method === "POST" ? { method: "POST", token, body: multipart(iris) } : { method: "GET", token };
      expect((await call(p, init())).status).toBe(401);
      for (const role of PROJECT_ROLES) {
        const token = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: `walk-${role}`, role })).token;
        const res = await call(p, init(token));
        const allowed = can({ authenticated: true, isAdmin: false, projectRole: role }, route.permission);
        if (allowed) expect(res.status, `${route.method} ${route.path} as ${role}`).toBeLessThan(300);
        else expect(res.status, `${route.method} ${route.path} as ${role}`).toBe(403);
      }
    }
  });

  it("publishes the upload and download routes in the OpenAPI document", () => {
    const doc = openApiDocument("http://keel.test");
    const paths = doc.paths as Record<string, Record<string, { "x-keel-permission"?: string }>>;
    expect(paths["/projects/{project}/datasets/{dataset}/versions"]?.post?.["x-keel-permission"]).toBe("dataset.write");
    expect(paths["/projects/{project}/datasets/{dataset}/versions"]?.get).toBeDefined();
    expect(paths["/projects/{project}/datasets/{dataset}/versions/{version}/download"]?.get?.["x-keel-permission"]).toBe("dataset.read");
  });
});
