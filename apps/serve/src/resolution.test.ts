/**
 * The predict route's resolution cache (who may predict on which deployment), on PGlite and
 * Postgres: concurrent requests after it lapses share one database lookup, a resolution about to
 * lapse is refreshed in the background while requests keep being answered from it, and a revoked
 * token stops answering within the cache's time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeTokenByIdOrSecret } from "@keel/api/services/tokens";
import { setupFixture, type Fixture } from "@keel/api/testing";
import { testDriver } from "@keel/db/testing";
import { buildServeApp, type ServeApp, type ServeOptions } from "./app";
import { sampleRows, setupServingWorld, type ServingWorld, type TrainedRun } from "./test-world";

let fx: Fixture;
let world: ServingWorld;
let run: TrainedRun;
const opened: ServeApp[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const URL = "/api/v1/projects/demo/deployments/cached/predict";

function app(extra: Partial<ServeOptions>): ServeApp {
  const a = buildServeApp({ db: fx.kdb.db, artifacts: fx.artifacts, ...extra });
  opened.push(a);
  return a;
}

beforeAll(async () => {
  fx = await setupFixture();
  world = await setupServingWorld(() => fx.ctx(fx.actors.data_scientist), fx.kdb.db, fx.artifacts);
  run = await world.train({ target: "label", family: "logistic", epochs: 3 });
  await world.register("cached", run.runId);
  await world.deploy("cached", "cached", [{ version: 1 }]);
}, 300_000);

afterAll(async () => {
  for (const a of opened) await a.close();
  run.result.model.dispose();
  await fx.destroy();
});

describe(`predict's resolution cache on ${testDriver()}`, { timeout: 60_000 }, () => {
  it("16 concurrent requests on a cold cache share one lookup; later ones are hits; one refresh ahead of the lapse, in the background", async () => {
    const token = await world.token("data_scientist");
    const a = app({ resolveCacheMs: 2000 });
    const [row] = sampleRows(1, 3);
    const ask = () => a.inject({ method: "POST", url: URL, headers: { authorization: `Bearer ${token}` }, payload: { instances: [row] } });
    const first = await Promise.all(Array.from({ length: 16 }, ask));
    expect(first.map((r) => r.statusCode)).toEqual(Array.from({ length: 16 }, () => 200));
    // One lookup; the requests that came after it settled were hits, those that came during it waited for it.
    const cold = a.serving.stats().resolutions;
    expect(cold.lookups).toBe(1);
    expect(cold.hits).toBeLessThan(16);
    for (let i = 0; i < 8; i++) expect((await ask()).statusCode).toBe(200);
    expect(a.serving.stats().resolutions).toEqual({ hits: cold.hits + 8, lookups: 1 });
    // In the last quarter of its time: answered from the cache, refreshed once in the background.
    await sleep(1650);
    const late = await Promise.all(Array.from({ length: 8 }, ask));
    expect(late.every((r) => r.statusCode === 200)).toBe(true);
    await sleep(50);
    expect(a.serving.stats().resolutions).toEqual({ hits: cold.hits + 16, lookups: 2 });
    // Past the first resolution's time, the refreshed one answers: no new lookup.
    await sleep(500);
    expect((await ask()).statusCode).toBe(200);
    expect(a.serving.stats().resolutions).toEqual({ hits: cold.hits + 17, lookups: 2 });
  });

  it("a revoked token is refused (401) within the cache's time, and a refused lookup is not cached", async () => {
    const token = await world.token("data_scientist");
    const a = app({ resolveCacheMs: 200 });
    const [row] = sampleRows(1, 4);
    const ask = () => a.inject({ method: "POST", url: URL, headers: { authorization: `Bearer ${token}` }, payload: { instances: [row] } });
    expect((await ask()).statusCode).toBe(200);
    await revokeTokenByIdOrSecret(fx.ctx(fx.actors.admin), token);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5000) {
      await sleep(20);
      status = (await ask()).statusCode;
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    const lookups = a.serving.stats().resolutions.lookups;
    const again = await ask();
    expect(again.statusCode).toBe(401);
    expect(again.json<{ error: { code: string } }>().error.code).toBe("UNAUTHORIZED");
    expect(a.serving.stats().resolutions.lookups).toBe(lookups + 1);
  });
});
