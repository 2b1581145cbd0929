import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueue, type PgBoss } from "../../jobs/queue";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import { uploadDatasetVersion } from "../datasets/versions";
import { createDataset } from "../datasets/datasets";
import {
  cancelRun,
  compareRuns,
  createExperiment,
  createExternalRun,
  finishRun,
  getMetricHistory,
  getRun,
  launchRun,
  listRuns,
  logRun,
  launchSweep,
  medianStopDecision,
  deleteView,
  listViews,
  saveView,
  setBaseline,
  writeMetricPoints,
} from "./index";
import { testDriver } from "@keel/db/testing";

const CSV = readFileSync(path.resolve(import.meta.dirname, "../../../../../test/fixtures/datasets/breast-cancer.csv"));

describe(`experiments and runs on ${testDriver()}`, { timeout: 60_000 }, () => {
  let fx: Fixture;
  let boss: PgBoss;
  let dsv: string;

  beforeAll(async () => {
    fx = await setupFixture();
    boss = await createQueue(fx.kdb, { supervise: false });
    const ds = fx.ctx(fx.actors.data_scientist);
    await createDataset(ds, { project: "demo", name: "breast-cancer" });
    const up = await uploadDatasetVersion(ds, { project: "demo", dataset: "breast-cancer", body: Readable.from([CSV]), filename: "bc.csv", contentType: "text/csv" });
    dsv = up.version.id;
    await createExperiment(ds, { project: "demo", name: "bc" });
  }, 120_000);

  afterAll(async () => {
    await boss.stop({ graceful: false });
    await fx.destroy();
  });

  it("launches a queued training run with its receipt, params and job, audited", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = await auditCount(fx.kdb);
    const launched = await launchRun(ds, { project: "demo", experiment: "bc", datasetVersionId: dsv, target: "diagnosis", model: { family: "logistic", hyperparams: { epochs: 5 } } });
    expect(launched).toMatchObject({ status: "queued", number: 1 });
    const run = await getRun(ds, { project: "demo", run: launched.id });
    expect(run).toMatchObject({ task: "binary", family: "logistic", target: "diagnosis", status: "queued", params: { family: "logistic", epochs: "5", task: "binary" } });
    expect(run.features).toHaveLength(30);
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    const { rows } = await fx.kdb.query<{ n: number }>("select count(*)::int as n from pgboss.job where name = 'train' and data->>'runId' = $1", [launched.id]);
    expect(rows[0]?.n).toBe(1);
  });

  it("refuses a bad launch with the field named, and writes nothing", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = await auditCount(fx.kdb);
    const base = { project: "demo", experiment: "bc", datasetVersionId: dsv, target: "diagnosis" };
    await expect(launchRun(ds, { ...base, target: "nope", model: { family: "logistic" } })).rejects.toThrow(/target: the dataset has no column 'nope'/);
    await expect(launchRun(ds, { ...base, model: { family: "linear" } })).rejects.toThrow(/model.family: linear does not fit a binary task/);
    await expect(launchRun(ds, { ...base, model: { family: "logistic", hyperparams: { hiddenLayers: [3] } } })).rejects.toThrow(/model.hyperparams: hiddenLayers/);
    await expect(launchRun(ds, { ...base, features: ["diagnosis"], model: { family: "logistic" } })).rejects.toThrow(/features\[0\]/);
    await expect(launchRun(fx.ctx(fx.actors.viewer), { ...base, model: { family: "logistic" } })).rejects.toThrow(/cannot/);
    expect(await auditCount(fx.kdb)).toBe(before);
  });

  it("external runs log batches, downsample histories and finish", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const ext = await createExternalRun(ds, { project: "demo", experiment: "bc", name: "from-notebook", params: { lr: 0.001, optimizer: "adam" }, tags: { team: "vision" } });
    const points = Array.from({ length: 10_000 }, (_, i) => ({ key: "loss", value: Math.exp(-i / 2000) + (i % 7) / 100, step: i }));
    expect(await logRun(ds, { project: "demo", run: ext.id, metrics: points })).toEqual({ params: 0, tags: 0, metrics: 10_000 });
    await logRun(ds, { project: "demo", run: ext.id, metrics: [{ key: "auc", value: 0.93, step: 0 }] });
    const full = await getMetricHistory(ds, { project: "demo", run: ext.id, key: "loss" });
    expect(full).toMatchObject({ total: 10_000, downsampled: false });
    expect(full.points).toHaveLength(10_000);
    const small = await getMetricHistory(ds, { project: "demo", run: ext.id, key: "loss", maxPoints: 500 });
    expect(small.downsampled).toBe(true);
    expect(small.points.length).toBeLessThanOrEqual(500);
    expect(small.points[0]?.step).toBe(0);
    expect(small.points.at(-1)?.step).toBe(9999);
    const max = Math.max(...points.map((p) => p.value));
    expect(Math.max(...small.points.map((p) => p.value))).toBe(max);
    // a param cannot change; a bad batch writes nothing
    await expect(logRun(ds, { project: "demo", run: ext.id, params: { lr: 0.01 }, metrics: [{ key: "x", value: 1, step: 1 }] })).rejects.toThrow(/Parameter 'lr' was already logged/);
    expect((await getRun(ds, { project: "demo", run: ext.id })).metrics.x).toBeUndefined();
    const done = await finishRun(ds, { project: "demo", run: ext.id, status: "succeeded" });
    expect(done.status).toBe("succeeded");
    await expect(logRun(ds, { project: "demo", run: ext.id, metrics: [{ key: "x", value: 1, step: 1 }] })).rejects.toThrow(/has ended/);
    await expect(fx.kdb.query("update runs set name = 'x' where id = $1", [ext.id])).rejects.toThrow(/can no longer change/);
    // metrics has no foreign key: deleting a run (as a project's deletion does) removes its points by trigger
    await fx.kdb.query("delete from runs where id = $1", [ext.id]);
    const left = await fx.kdb.query<{ n: number }>("select count(*)::int as n from metrics where run_id = $1", [ext.id]);
    expect(left.rows[0]?.n).toBe(0);
  });

  it("filters, sorts and pages the runs table on params and metrics", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createExperiment(ds, { project: "demo", name: "grid" });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await createExternalRun(ds, { project: "demo", experiment: "grid", params: { lr: 10 ** -(1 + (i % 4)), layers: i % 3 } });
      await logRun(ds, { project: "demo", run: r.id, metrics: [{ key: "auc", value: 0.8 + i / 100, step: 0 }] });
      ids.push(r.id);
    }
    const page1 = await listRuns(ds, { project: "demo", experiment: "grid", filter: "params.lr < 0.01 and metrics.auc > 0.8", orderBy: "metrics.auc desc", limit: 3 });
    expect(page1.total).toBe(6);
    expect(page1.items.map((r) => Math.round((r.metrics.auc ?? 0) * 100) / 100)).toEqual([0.91, 0.9, 0.87]);
    const page2 = await listRuns(ds, { project: "demo", experiment: "grid", filter: "params.lr < 0.01 and metrics.auc > 0.8", orderBy: "metrics.auc desc", limit: 3, cursor: page1.nextCursor ?? "" });
    expect(page2.items.map((r) => Math.round((r.metrics.auc ?? 0) * 100) / 100)).toEqual([0.86, 0.83, 0.82]);
    expect(page2.nextCursor).toBeNull();
    await expect(listRuns(ds, { project: "demo", filter: "params.lr <" })).rejects.toThrow(/filter: .*position/);
    const cmp = await compareRuns(ds, { project: "demo", runs: [ids[0] ?? "", ids[1] ?? ""] });
    expect(cmp.params.find((p) => p.key === "lr")?.differs).toBe(true);
    expect(cmp.metrics.find((m) => m.key === "auc")).toMatchObject({ goal: "maximize", better: [null, true] });
    await setBaseline(ds, { project: "demo", experiment: "grid", run: ids[1] ?? "" });
    const cmp2 = await compareRuns(ds, { project: "demo", runs: [ids[0] ?? "", ids[1] ?? ""] });
    expect(cmp2).toMatchObject({ baselineRunId: ids[1], baselineIsExperimentBaseline: true });
    expect(cmp2.metrics.find((m) => m.key === "auc")?.better).toEqual([false, null]);
  });

  it("cancels a queued run at once", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const launched = await launchRun(ds, { project: "demo", experiment: "bc", datasetVersionId: dsv, target: "diagnosis", model: { family: "mlp" } });
    const run = await cancelRun(ds, { project: "demo", run: launched.id });
    expect(run.status).toBe("cancelled");
    const { rows } = await fx.kdb.query<{ state: string }>("select state::text from pgboss.job where data->>'runId' = $1", [launched.id]);
    expect(rows[0]?.state).toBe("cancelled");
  });

  it("stops a sweep trial whose validation loss is worse than the median of its siblings", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const sweep = await launchSweep(ds, {
      project: "demo",
      experiment: "bc",
      datasetVersionId: dsv,
      target: "diagnosis",
      model: { family: "logistic" },
      search: { method: "grid", space: { learningRate: [0.001, 0.01, 0.1, 1] }, parallelism: 1, metric: "test_roc_auc", goal: "maximize", earlyTermination: { rule: "median", graceEpochs: 3, minTrials: 2 } },
    });
    const trials = await listRuns(ds, { project: "demo", parent: sweep.id, orderBy: "attributes.created_at asc" });
    expect(trials.total).toBe(4);
    const [a, b, c, d] = trials.items.map((t) => t.id);
    const now = new Date();
    const curve = (vals: number[]) => vals.map((value, i) => ({ key: "val_loss", value, step: i + 1, timestamp: now }));
    await fx.kdb.db.transaction(async (tx) => {
      await writeMetricPoints(tx, a ?? "", 1, curve([0.5, 0.4, 0.3, 0.25]));
      await writeMetricPoints(tx, b ?? "", 1, curve([0.5, 0.35, 0.3, 0.2]));
      await writeMetricPoints(tx, c ?? "", 1, curve([0.6, 0.5, 0.45, 0.4]));
    });
    // before the grace period: never
    expect(await medianStopDecision(fx.kdb.db, d ?? "", [0.9, 0.9])).toMatchObject({ stop: false });
    // far worse than the median of the others after 3 epochs: stop, and say why
    const stop = await medianStopDecision(fx.kdb.db, d ?? "", [0.9, 0.9, 0.9]);
    expect(stop).toMatchObject({ stop: true });
    expect(stop?.reason).toMatch(/val_loss/);
    // as good as the others: go on
    expect(await medianStopDecision(fx.kdb.db, d ?? "", [0.5, 0.35, 0.2])).toMatchObject({ stop: false });
    // a run outside a sweep has no rule
    const single = await launchRun(ds, { project: "demo", experiment: "bc", datasetVersionId: dsv, target: "diagnosis", model: { family: "logistic" } });
    expect(await medianStopDecision(fx.kdb.db, single.id, [1, 1, 1, 1])).toBeNull();
  });

  it("saves views by name (replacing one of the same name), refuses a bad filter, deletes them, audited", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = await auditCount(fx.kdb);
    const state = { columns: ["params.lr", "metrics.auc"], filter: "metrics.auc > 0.85", orderBy: "metrics.auc desc" };
    const v1 = await saveView(ds, { project: "demo", experiment: "grid", name: "best", state });
    const v2 = await saveView(ds, { project: "demo", experiment: "grid", name: "best", state: { ...state, filter: "metrics.auc > 0.9" } });
    expect(v2.id).not.toBe(v1.id);
    expect(await listViews(ds, { project: "demo", experiment: "grid" })).toMatchObject([{ name: "best", experiment: "grid", state: { filter: "metrics.auc > 0.9" } }]);
    expect(await listViews(ds, { project: "demo" })).toEqual([]);
    await expect(saveView(ds, { project: "demo", experiment: "grid", name: "bad", state: { ...state, filter: "metrics.auc >" } })).rejects.toThrow(/state.filter: .*position/);
    await expect(saveView(fx.ctx(fx.actors.viewer), { project: "demo", experiment: "grid", name: "v", state })).rejects.toThrow(/cannot/);
    await deleteView(ds, { project: "demo", id: v2.id });
    expect(await listViews(ds, { project: "demo", experiment: "grid" })).toEqual([]);
    await expect(deleteView(ds, { project: "demo", id: v2.id })).rejects.toThrow(/No saved view/);
    expect(await auditCount(fx.kdb)).toBe(before + 3);
  });

  it("plans a seeded random sweep within its space, and names a bad space's parameter", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const base = { project: "demo", experiment: "bc", datasetVersionId: dsv, target: "diagnosis", model: { family: "mlp" as const } };
    const search = {
      method: "random" as const,
      space: { learningRate: { type: "loguniform" as const, min: 1e-4, max: 1e-1 }, hiddenLayers: [[16], [32, 16]], dropout: { type: "uniform" as const, min: 0, max: 0.5 } },
      trials: 5,
      parallelism: 2,
      metric: "test_roc_auc",
      goal: "maximize" as const,
      seed: 7,
    };
    const plan = async () => {
      const s = await launchSweep(ds, { ...base, search });
      const trials = await listRuns(ds, { project: "demo", parent: s.id, orderBy: "attributes.created_at asc" });
      return trials.items.map((t) => [t.params.learningRate, t.params.hiddenLayers, t.params.dropout]);
    };
    const first = await plan();
    expect(first).toHaveLength(5);
    for (const [lr, layers, dropout] of first) {
      expect(Number(lr)).toBeGreaterThanOrEqual(1e-4);
      expect(Number(lr)).toBeLessThanOrEqual(1e-1);
      expect(["[16]", "[32,16]"]).toContain(layers);
      expect(Number(dropout)).toBeLessThanOrEqual(0.5);
    }
    // the same seed plans the same trials
    expect(await plan()).toEqual(first);
    await expect(launchSweep(ds, { ...base, search: { ...search, space: { momentum: [0.9] } } })).rejects.toThrow(/search.space.momentum: not a hyperparameter/);
    await expect(launchSweep(ds, { ...base, search: { ...search, trials: undefined } })).rejects.toThrow(/search.trials/);
  });
});
