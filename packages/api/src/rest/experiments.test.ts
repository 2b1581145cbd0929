/**
 * The experiments REST contract of API.md: experiments, training runs (202), external runs that log
 * params, tags and metric batches and finish, run reads with metrics, histories downsampled on
 * request, and the runs query with a filter — with a token, as a script would call it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueue, type PgBoss } from "../jobs/queue";
import { createToken } from "../services/tokens";
import { auditCount, setupFixture, type Fixture } from "../testing";
import { restClient } from "./test-client";

let fx: Fixture;
let boss: PgBoss;
let writer: string;
let viewer: string;
const CSV = readFileSync(path.resolve(import.meta.dirname, "../../../../test/fixtures/datasets/breast-cancer.csv"));

beforeAll(async () => {
  fx = await setupFixture();
  boss = await createQueue(fx.kdb, { supervise: false });
  writer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "ds", role: "data_scientist" })).token;
  viewer = (await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: "v", role: "viewer" })).token;
}, 60_000);
afterAll(async () => {
  await boss.stop({ graceful: false });
  await fx.destroy();
});

const call = restClient(() => fx);

describe("experiments over REST", { timeout: 60_000 }, () => {
  it("creates an experiment (201) and launches a training run (202, queued)", async () => {
    expect((await call("/projects/demo/experiments", { method: "POST", token: writer, json: { name: "rest-exp" } })).status).toBe(201);
    expect((await call("/projects/demo/datasets", { method: "POST", token: writer, json: { name: "bc" } })).status).toBeLessThan(300);
    const up = await call("/projects/demo/datasets/bc/versions", { method: "POST", token: writer, body: CSV, contentType: "text/csv" });
    expect(up.status).toBe(201);
    const dsv = String((up.body as { id?: string }).id ?? (up.body.version as { id: string } | undefined)?.id);
    const launched = await call("/projects/demo/experiments/rest-exp/runs", {
      method: "POST",
      token: writer,
      json: { datasetVersionId: dsv, target: "diagnosis", model: { family: "mlp", hyperparams: { hiddenLayers: [8] } }, split: { test: 0.25, validation: 0.1, seed: 7 } },
    });
    expect(launched).toMatchObject({ status: 202, body: { status: "queued" } });
    const run = await call(`/projects/demo/runs/${String(launched.body.id)}`, { token: viewer });
    expect(run.body).toMatchObject({ status: "queued", task: "binary", family: "mlp", datasetVersionId: dsv, seed: 7, evaluation: null, backend: null });
    // a bad request names the field and creates nothing
    const before = await auditCount(fx.kdb);
    const bad = await call("/projects/demo/experiments/rest-exp/runs", { method: "POST", token: writer, json: { datasetVersionId: dsv, target: "diagnosis", model: { family: "mlp", hyperparams: { dropout: 2 } } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/dropout/);
    const denied = await call("/projects/demo/experiments/rest-exp/runs", { method: "POST", token: viewer, json: { datasetVersionId: dsv, target: "diagnosis", model: { family: "logistic" } } });
    expect(denied.status).toBe(403);
    expect(await auditCount(fx.kdb)).toBe(before);
  });

  it("an external run logs params, tags and metric batches, then finishes; the history downsamples on request", async () => {
    const created = await call("/projects/demo/experiments/rest-exp/runs/external", { method: "POST", token: writer, json: { name: "notebook", params: { lr: 0.003 }, tags: { owner: "dana" } } });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const metrics = Array.from({ length: 10_000 }, (_, i) => ({ key: "loss", value: 1 / (1 + i), step: i, timestamp: 1_700_000_000_000 + i }));
    expect(await call(`/projects/demo/runs/${id}/log`, { method: "POST", token: writer, json: { params: { batch: 64 }, metrics } })).toMatchObject({ status: 200, body: { params: 1, metrics: 10_000 } });
    const tooMany = await call(`/projects/demo/runs/${id}/log`, { method: "POST", token: writer, json: { metrics: [...metrics, { key: "loss", value: 0, step: 10_000 }] } });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toMatch(/10,000/);
    const nan = await call(`/projects/demo/runs/${id}/log`, { method: "POST", token: writer, json: { metrics: [{ key: "loss", value: "x", step: 1 }] } });
    expect(nan.status).toBe(400);
    const history = await call(`/projects/demo/runs/${id}/metrics/loss?maxPoints=100`, { token: viewer });
    expect(history.body).toMatchObject({ key: "loss", total: 10_000, downsampled: true });
    expect((history.body.points as unknown[]).length).toBeLessThanOrEqual(100);
    const finished = await call(`/projects/demo/runs/${id}/finish`, { method: "POST", token: writer, json: { status: "succeeded" } });
    expect(finished.body).toMatchObject({ status: "succeeded", params: { lr: "0.003", batch: "64" }, tags: { owner: "dana" }, metrics: { loss: 1 / 10_000 } });
    const list = await call(`/projects/demo/runs?experiment=rest-exp&filter=${encodeURIComponent("params.lr < 0.01 and metrics.loss < 0.001")}&orderBy=${encodeURIComponent("metrics.loss asc")}`, { token: viewer });
    expect(list.status).toBe(200);
    expect((list.body.items as { id: string }[]).map((r) => r.id)).toEqual([id]);
    const badFilter = await call(`/projects/demo/runs?filter=${encodeURIComponent("params.lr << 1")}`, { token: viewer });
    expect(badFilter.status).toBe(400);
    expect(JSON.stringify(badFilter.body)).toMatch(/position/);
  });
});
