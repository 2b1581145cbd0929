import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTraffic } from "@keel/api/services/deployments";
import { setupFixture, type Fixture } from "@keel/api/testing";
import { and, count, eq, schema } from "@keel/db";
import { predictBatch } from "@keel/ml/models";
import { transform } from "@keel/ml/pipeline";
import { buildServeApp, type ServeApp, type ServeOptions } from "./app";
import { sampleRows, setupServingWorld, type TrainedRun, type ServingWorld } from "./test-world";

let fx: Fixture;
let world: ServingWorld;
let clfV1: TrainedRun;
let clfV2: TrainedRun;
let reg: TrainedRun;
let dsToken: string;
let viewerToken: string;
const opened: ServeApp[] = [];

/** A seeded random source (mulberry32) for traffic splits. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function app(extra: Partial<ServeOptions> = {}): ServeApp {
  const a = buildServeApp({ db: fx.kdb.db, artifacts: fx.artifacts, random: seededRandom(1), ...extra });
  opened.push(a);
  return a;
}

const url = (deployment: string, what: "predict" | "feedback" = "predict") => `/api/v1/projects/demo/deployments/${deployment}/${what}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface PredictBody {
  predictions: (string | number | boolean)[];
  probabilities?: number[][];
  modelVersion: number;
  requestId: string;
}

async function logRows(deployment: string, mode?: "live" | "shadow"): Promise<number> {
  const [d] = await fx.kdb.db.select({ id: schema.deployments.id }).from(schema.deployments).where(eq(schema.deployments.name, deployment));
  if (!d) throw new Error(`no deployment ${deployment}`);
  const log = schema.predictionLog;
  const [row] = await fx.kdb.db
    .select({ n: count() })
    .from(log)
    .where(mode ? and(eq(log.deploymentId, d.id), eq(log.mode, mode)) : eq(log.deploymentId, d.id));
  return row?.n ?? 0;
}

/** The run's own computation on `rows`: its fitted pipeline and its trained (in-memory) model. */
function runPredictions(run: TrainedRun, rows: Record<string, string | number>[]): number[] | number[][] {
  const x = transform(run.result.pipeline, rows);
  return predictBatch(run.result.model, x.values, x.rows, x.outputColumns.length, run.result.task);
}

beforeAll(async () => {
  fx = await setupFixture();
  world = await setupServingWorld(() => fx.ctx(fx.actors.data_scientist), fx.kdb.db, fx.artifacts);
  clfV1 = await world.train({ target: "label", family: "mlp", epochs: 15, seed: 42 });
  clfV2 = await world.train({ target: "label", family: "logistic", epochs: 10, seed: 7 });
  reg = await world.train({ target: "amount", family: "linear", epochs: 30 });
  expect(await world.register("clf", clfV1.runId)).toBe(1);
  expect(await world.register("clf", clfV2.runId)).toBe(2);
  expect(await world.register("reg", reg.runId)).toBe(1);
  await world.deploy("clf-main", "clf", [{ version: 1 }]);
  await world.deploy("reg-main", "reg", [{ version: 1 }]);
  dsToken = await world.token("data_scientist");
  viewerToken = await world.token("viewer");
}, 300_000);

afterAll(async () => {
  for (const a of opened) await a.close();
  clfV1.result.model.dispose();
  clfV2.result.model.dispose();
  reg.result.model.dispose();
  await fx.destroy();
});

describe("predict over REST equals the run's own predictions (acceptance 3)", () => {
  it("classifier: labels and per-row probabilities in label order, both request formats, every row logged", async () => {
    const a = app();
    const rows = sampleRows(40);
    const res = await a.inject({ method: "POST", url: url("clf-main"), headers: bearer(dsToken), payload: { instances: rows } });
    expect(res.statusCode).toBe(200);
    const body = res.json<PredictBody>();
    expect(body.modelVersion).toBe(1);
    expect(body.requestId).toBe(res.headers["x-request-id"]);
    const own = runPredictions(clfV1, rows) as number[][];
    const labels = clfV1.result.labels;
    expect(labels).toEqual(["no", "yes"]);
    expect(body.probabilities).toHaveLength(rows.length);
    body.probabilities?.forEach((p, i) => {
      const mine = own[i] ?? [];
      expect(p).toHaveLength(2);
      p.forEach((v, j) => expect(Math.abs(v - (mine[j] ?? Number.NaN))).toBeLessThan(1e-6));
      expect(body.predictions[i]).toBe(labels[(mine[1] ?? 0) > (mine[0] ?? 0) ? 1 : 0]);
    });
    // The same rows as MLflow's dataframe_split give the same answers.
    const split = await a.inject({
      method: "POST",
      url: url("clf-main"),
      headers: bearer(dsToken),
      payload: { dataframe_split: { columns: ["x1", "x2", "color"], data: rows.map((r) => [r.x1, r.x2, r.color]) } },
    });
    expect(split.statusCode).toBe(200);
    expect(split.json<PredictBody>().predictions).toEqual(body.predictions);
    expect(split.json<PredictBody>().probabilities).toEqual(body.probabilities);
    await a.close();
    expect(await logRows("clf-main", "live")).toBe(80);
    const logged = await fx.kdb.db
      .select({ i: schema.predictionLog.rowIndex, inputs: schema.predictionLog.inputs, outputs: schema.predictionLog.outputs, v: schema.predictionLog.modelVersion, mode: schema.predictionLog.mode, latency: schema.predictionLog.latencyMs })
      .from(schema.predictionLog)
      .where(eq(schema.predictionLog.requestId, body.requestId))
      .orderBy(schema.predictionLog.rowIndex);
    expect(logged.map((l) => l.i)).toEqual(rows.map((_, i) => i));
    logged.forEach((l, i) => {
      expect(l.inputs).toEqual(rows[i]);
      expect(l.outputs.prediction).toBe(body.predictions[i]);
      expect(Object.keys(l.outputs.probabilities ?? {})).toEqual(["no", "yes"]);
      expect(l).toMatchObject({ v: 1, mode: "live" });
      expect(l.latency).toBeGreaterThanOrEqual(0);
    });
  });

  it("regressor: values equal to 1e-6, no probabilities", async () => {
    const a = app();
    const rows = sampleRows(25, 5);
    const res = await a.inject({ method: "POST", url: url("reg-main"), headers: bearer(dsToken), payload: { inputs: rows } });
    expect(res.statusCode).toBe(200);
    const body = res.json<PredictBody>();
    expect(body.probabilities).toBeUndefined();
    const own = runPredictions(reg, rows) as number[];
    expect(body.predictions).toHaveLength(25);
    body.predictions.forEach((v, i) => expect(Math.abs(Number(v) - (own[i] ?? Number.NaN))).toBeLessThan(1e-6));
    // A single row (micro-batched path) answers the same as within a batch.
    const one = await a.inject({ method: "POST", url: url("reg-main"), headers: bearer(dsToken), payload: { dataframe_records: [rows[3]] } });
    expect(Math.abs(Number(one.json<PredictBody>().predictions[0]) - (own[3] ?? Number.NaN))).toBeLessThan(1e-6);
    await a.close();
    expect(await logRows("reg-main", "live")).toBe(26);
  });
});

describe("traffic (acceptance 4)", () => {
  it("a 90/10 canary over 10,000 seeded requests lands within ±2 points", async () => {
    await world.deploy("canary", "clf", [
      { version: 1, percent: 90 },
      { version: 2, percent: 10 },
    ]);
    const a = app({ random: seededRandom(2024) });
    const [row] = sampleRows(1);
    const byVersion = new Map<number, number>();
    const total = Number(process.env.CANARY_N ?? 10_000);
    for (let i = 0; i < total; i += 200) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, () => a.inject({ method: "POST", url: url("canary"), headers: bearer(dsToken), payload: { instances: [row] } })),
      );
      for (const r of batch) {
        expect(r.statusCode).toBe(200);
        const v = r.json<PredictBody>().modelVersion;
        byVersion.set(v, (byVersion.get(v) ?? 0) + 1);
      }
    }
    const share = ((byVersion.get(2) ?? 0) / total) * 100;
    expect(byVersion.get(1) ?? 0).toBe(total - (byVersion.get(2) ?? 0));
    expect(Math.abs(share - 10)).toBeLessThanOrEqual(2);
    await a.close();
    expect(await logRows("canary", "live")).toBe(total);
  }, 180_000);

  it("a shadow route never changes responses; its answers are logged with mode shadow", async () => {
    await world.deploy("with-shadow", "clf", [
      { version: 1, mode: "live" },
      { version: 2, mode: "shadow" },
    ]);
    const a = app();
    const rows = sampleRows(12, 3);
    for (const [i, r] of rows.entries()) {
      const plain = await a.inject({ method: "POST", url: url("clf-main"), headers: bearer(dsToken), payload: { instances: [r] } });
      const shadowed = await a.inject({ method: "POST", url: url("with-shadow"), headers: bearer(dsToken), payload: { instances: [r] } });
      expect(shadowed.statusCode).toBe(200);
      const { requestId: _a, ...p } = plain.json<PredictBody>();
      const { requestId: _b, ...s } = shadowed.json<PredictBody>();
      expect(s, `row ${i}`).toEqual(p);
      expect(s.modelVersion).toBe(1);
    }
    // A batch request too.
    const plainBatch = await a.inject({ method: "POST", url: url("clf-main"), headers: bearer(dsToken), payload: { instances: rows } });
    const shadowBatch = await a.inject({ method: "POST", url: url("with-shadow"), headers: bearer(dsToken), payload: { instances: rows } });
    expect(shadowBatch.json<PredictBody>().predictions).toEqual(plainBatch.json<PredictBody>().predictions);
    expect(shadowBatch.json<PredictBody>().probabilities).toEqual(plainBatch.json<PredictBody>().probabilities);
    await a.close();
    expect(await logRows("with-shadow", "live")).toBe(24);
    expect(await logRows("with-shadow", "shadow")).toBe(24);
    const shadowVersions = await fx.kdb.db.selectDistinct({ v: schema.predictionLog.modelVersion }).from(schema.predictionLog).where(eq(schema.predictionLog.mode, "shadow"));
    expect(shadowVersions).toEqual([{ v: 2 }]);
  });

  it("hot swap: requests keep succeeding while traffic moves from v1 to v2, then v2 answers; v1 is unloaded", async () => {
    await world.deploy("swap", "clf", [{ version: 1 }]);
    const a = app();
    const [row] = sampleRows(1, 11);
    const ask = () => a.inject({ method: "POST", url: url("swap"), headers: bearer(dsToken), payload: { instances: [row] } });
    const first = await ask();
    expect(first.json<PredictBody>().modelVersion).toBe(1);
    await setTraffic(fx.ctx(fx.actors.data_scientist), { project: "demo", deployment: "swap", traffic: [{ version: 2 }] });
    // The request that notices the new revision starts the reload and is still answered by v1.
    const during = await Promise.all(Array.from({ length: 24 }, ask));
    expect(during.map((r) => r.statusCode)).toEqual(Array.from({ length: 24 }, () => 200));
    expect(during[0]?.json<PredictBody>().modelVersion).toBe(1);
    // Requests racing the swap itself (v2 loading, then v1 retired while some are in flight) all succeed.
    const racing = await Promise.all([...Array.from({ length: 16 }, ask), a.serving.refresh().then(() => null), ...Array.from({ length: 16 }, ask)]);
    for (const r of racing) if (r !== null) expect(r.statusCode).toBe(200);
    await a.serving.refresh();
    const after = await Promise.all(Array.from({ length: 8 }, ask));
    expect(after.map((r) => r.json<PredictBody>().modelVersion)).toEqual(Array.from({ length: 8 }, () => 2));
    const stats = a.serving.stats();
    expect(stats.cache.swaps).toBe(1);
    expect(stats.cache.loads).toBe(2);
    expect(stats.cache.retiredVersions).toBe(0);
    expect(stats.requests.failed).toBe(0);
  });
});

describe("traffic changes reach the server on their own", () => {
  it("without refresh(): once the 1 s resolution cache lapses, the next requests load and then serve the new version", async () => {
    await world.deploy("self-swap", "clf", [{ version: 1 }]);
    const a = app({ resolveCacheMs: 50 });
    const [row] = sampleRows(1, 12);
    const ask = async () => (await a.inject({ method: "POST", url: url("self-swap"), headers: bearer(dsToken), payload: { instances: [row] } })).json<PredictBody>().modelVersion;
    expect(await ask()).toBe(1);
    await setTraffic(fx.ctx(fx.actors.data_scientist), { project: "demo", deployment: "self-swap", traffic: [{ version: 2 }] });
    const seen: number[] = [];
    for (let i = 0; i < 200 && seen.at(-1) !== 2; i++) {
      await new Promise((r) => setTimeout(r, 25));
      seen.push(await ask());
    }
    expect(seen.at(-1)).toBe(2);
    expect(a.serving.stats().cache.swaps).toBe(1);
  });
});

describe("micro-batching", () => {
  it("16 concurrent single-row requests take fewer predict calls than requests", async () => {
    const a = app({ batch: { maxWaitMs: 60_000, maxBatch: 16 } });
    const rows = sampleRows(16, 21);
    // Load the model first (not counted).
    const warm = await a.inject({ method: "POST", url: url("reg-main"), headers: bearer(dsToken), payload: { instances: rows.slice(0, 2) } });
    expect(warm.statusCode).toBe(200);
    const before = a.serving.stats().predict.calls;
    const res = await Promise.all(rows.map((r) => a.inject({ method: "POST", url: url("reg-main"), headers: bearer(dsToken), payload: { instances: [r] } })));
    expect(res.every((r) => r.statusCode === 200)).toBe(true);
    const calls = a.serving.stats().predict.calls - before;
    expect(calls).toBeLessThan(16);
    expect(calls).toBe(1);
    const own = runPredictions(reg, rows) as number[];
    res.forEach((r, i) => expect(Math.abs(Number(r.json<PredictBody>().predictions[0]) - (own[i] ?? Number.NaN))).toBeLessThan(1e-6));
  });
});

describe("bad input, auth (acceptance 5)", () => {
  it("each kind of bad input is a 400 naming the field, and nothing is logged", async () => {
    await world.deploy("strict", "clf", [{ version: 1 }]);
    const a = app({ maxRows: 5 });
    const ok = { x1: 1, x2: 0.5, color: "red" };
    const cases: [string, unknown, string][] = [
      ["missing field", { instances: [{ x1: 1, x2: 0.5 }] }, "instances[0].color"],
      ["extra field", { instances: [{ ...ok, bogus: 3 }] }, "instances[0].bogus"],
      ["wrong type", { instances: [ok, { ...ok, x2: "abc" }] }, "instances[1].x2"],
      ["NaN string", { instances: [{ ...ok, x1: "NaN" }] }, "instances[0].x1"],
      ["Infinity string", { instances: [{ ...ok, x1: "Infinity" }] }, "instances[0].x1"],
      ["row/column mismatch", { dataframe_split: { columns: ["x1", "x2", "color"], data: [[1, 2, "red"], [1, 2]] } }, "dataframe_split.data[1]"],
      ["empty instances", { instances: [] }, "instances"],
      ["too many rows", { instances: Array.from({ length: 6 }, () => ok) }, "instances"],
      ["no known key", { rows: [ok] }, ""],
    ];
    for (const [name, payload, path] of cases) {
      const res = await a.inject({ method: "POST", url: url("strict"), headers: bearer(dsToken), payload: payload as Record<string, unknown> });
      expect(res.statusCode, name).toBe(400);
      const err = res.json<{ error: { code: string; message: string; details: { path: string; message: string }[] } }>().error;
      expect(err.code, name).toBe("BAD_REQUEST");
      expect(err.details.map((d) => d.path), name).toContain(path);
    }
    // Every problem is listed, each with its path.
    const many = await a.inject({ method: "POST", url: url("strict"), headers: bearer(dsToken), payload: { instances: [{ x1: "a" }, { ...ok, x2: null, extra: 1 }] } });
    expect(many.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path).sort()).toEqual(["instances[0].color", "instances[0].x1", "instances[0].x2", "instances[1].extra"].sort());
    await a.close();
    expect(a.serving.stats().requests.rejected).toBe(cases.length + 1);
    expect(await logRows("strict")).toBe(0);
  });

  it("401 without auth, 404 for an outsider (projects are not disclosed) and for an unknown deployment naming it; session cookies are accepted", async () => {
    const outsiderId = fx.actors.outsider.id;
    const viewerId = fx.actors.viewer.id;
    const a = app({ sessionUserId: async (h) => (h.get("cookie") === "s=outsider" ? outsiderId : h.get("cookie") === "s=viewer" ? viewerId : null) });
    const payload = { instances: sampleRows(1) };
    const anon = await a.inject({ method: "POST", url: url("clf-main"), payload });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const stranger = await a.inject({ method: "POST", url: url("clf-main"), payload, headers: { cookie: "s=outsider" } });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({ error: { code: "NOT_FOUND", message: "No project 'demo' that you can see." } });
    const viaSession = await a.inject({ method: "POST", url: url("clf-main"), payload, headers: { cookie: "s=viewer" } });
    expect(viaSession.statusCode).toBe(200);
    const unknown = await a.inject({ method: "POST", url: url("nope"), payload, headers: bearer(viewerToken) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: "NOT_FOUND", message: "No deployment 'nope' in project 'demo'.", details: [{ path: "deployment" }] } });
  });
});

describe("prediction log", () => {
  it("N requests → exactly N live rows after close; a full buffer drops and counts, never fails a request; /metrics shows it", async () => {
    await world.deploy("logged", "reg", [{ version: 1 }]);
    const a = app({ log: { capacity: 3, flushEveryMs: 600_000, maxBatch: 1000 } });
    const rows = sampleRows(7, 8);
    for (const r of rows) {
      const res = await a.inject({ method: "POST", url: url("logged"), headers: bearer(dsToken), payload: { instances: [r] } });
      expect(res.statusCode).toBe(200);
    }
    const metrics = await a.inject({ method: "GET", url: "/api/v1/serve/metrics" });
    expect(metrics.json()).toMatchObject({ log: { buffered: 3, dropped: 4, written: 0 }, requests: { answered: 7 } });
    expect((await a.inject({ method: "GET", url: "/metrics" })).json()).toMatchObject({ log: { dropped: 4 } });
    await a.close();
    expect(await logRows("logged", "live")).toBe(3);

    // With room, every answered row is written by close().
    const b = app({ log: { flushEveryMs: 600_000 } });
    const many = await Promise.all(sampleRows(30, 9).map((r) => b.inject({ method: "POST", url: url("logged"), headers: bearer(dsToken), payload: { instances: [r] } })));
    expect(many.every((r) => r.statusCode === 200)).toBe(true);
    expect(b.serving.stats().log).toMatchObject({ buffered: 30, written: 0 });
    await b.close();
    expect(await logRows("logged", "live")).toBe(33);
  });

  it("a failing log write is retried and counted, the requests still succeed", async () => {
    let fail = true;
    const written: number[] = [];
    const a = app({
      log: {
        flushEveryMs: 600_000,
        write: async (entries) => {
          if (fail) throw new Error("database down");
          written.push(entries.length);
        },
      },
    });
    const res = await a.inject({ method: "POST", url: url("reg-main"), headers: bearer(dsToken), payload: { instances: sampleRows(3) } });
    expect(res.statusCode).toBe(200);
    await a.serving.flushLog();
    expect(a.serving.stats().log).toMatchObject({ buffered: 3, failedFlushes: 1 });
    fail = false;
    await a.close();
    expect(written).toEqual([3]);
  });
});

describe("feedback", () => {
  it("stores ground truth by (request id, row), upserts, audits, checks ids and roles", async () => {
    const a = app({ log: { flushEveryMs: 600_000 } });
    const res = await a.inject({ method: "POST", url: url("clf-main"), headers: bearer(dsToken), payload: { instances: sampleRows(2) } });
    const { requestId } = res.json<PredictBody>();
    const auditBefore = await fx.kdb.db.select({ n: count() }).from(schema.auditEvents).where(eq(schema.auditEvents.action, "deployment.feedback.submit"));
    // The row was just answered (still in the buffer): feedback flushes the log first.
    const fb = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId, actual: "yes" }, { requestId, index: 1, actual: "no" }] } });
    expect(fb.statusCode).toBe(200);
    expect(fb.json()).toEqual({ deployment: "clf-main", accepted: 2, created: 2, updated: 0 });
    const again = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId, index: 1, actual: "yes" }] } });
    expect(again.json()).toEqual({ deployment: "clf-main", accepted: 1, created: 0, updated: 1 });
    const stored = await fx.kdb.db
      .select({ index: schema.predictionFeedback.rowIndex, actual: schema.predictionFeedback.actual })
      .from(schema.predictionFeedback)
      .where(eq(schema.predictionFeedback.requestId, requestId))
      .orderBy(schema.predictionFeedback.rowIndex);
    expect(stored).toEqual([
      { index: 0, actual: "yes" },
      { index: 1, actual: "yes" },
    ]);
    const auditAfter = await fx.kdb.db.select({ n: count() }).from(schema.auditEvents).where(eq(schema.auditEvents.action, "deployment.feedback.submit"));
    expect((auditAfter[0]?.n ?? 0) - (auditBefore[0]?.n ?? 0)).toBe(2);

    const unknown = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId, actual: "no" }, { requestId: "never-answered", actual: "no" }] } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(["items[1].requestId"]);
    // A request of another deployment is unknown here.
    const other = await a.inject({ method: "POST", url: url("reg-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId, actual: 1.5 }] } });
    expect(other.statusCode).toBe(404);
    const range = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId, index: 2, actual: "no" }] } });
    expect(range.statusCode).toBe(400);
    expect(range.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(["items[0].index"]);
    const invalid = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId }, { requestId, actual: { a: 1 } }] } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(["items[0].actual", "items[1].actual"]);
    const dup = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(dsToken), payload: { items: [{ requestId, actual: "no" }, { requestId, index: 0, actual: "yes" }] } });
    expect(dup.statusCode).toBe(400);
    const viewer = await a.inject({ method: "POST", url: url("clf-main", "feedback"), headers: bearer(viewerToken), payload: { items: [{ requestId, actual: "no" }] } });
    expect(viewer.statusCode).toBe(403);
    const anon = await a.inject({ method: "POST", url: url("clf-main", "feedback"), payload: { items: [{ requestId, actual: "no" }] } });
    expect(anon.statusCode).toBe(401);
  });
});
