/**
 * The prediction log's writer thread (Postgres only: it opens its own connection, which PGlite
 * cannot give; on the PGlite pass this file uses the machine's Postgres, which every Keel machine
 * and CI have): rows written all or none across chunks, the serve app logging every answered
 * request through it, and a thread that cannot reach the database failing its writes with the
 * reason instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PREDICTION_LOG_INSERT_ROWS } from "@keel/api/services/serving";
import { sampleLogEntries } from "@keel/api/services/serving/test-support";
import { setupFixture, type Fixture } from "@keel/api/testing";
import { eq, schema } from "@keel/db";
import { buildServeApp } from "./app";
import { threadLogWriter } from "./log-writer";
import { sampleRows, setupServingWorld, type TrainedRun } from "./test-world";

let fx: Fixture;
let run: TrainedRun;
let token = "";
let target = { deploymentId: "", projectId: "", versionId: "" };
let databaseUrl = "";

const logged = async (): Promise<number> => (await fx.kdb.query<{ n: number }>("select count(*)::int as n from prediction_log")).rows[0]?.n ?? 0;
const entries = (n: number, deploymentId = target.deploymentId) => sampleLogEntries(n, { projectId: target.projectId, deploymentId, modelVersionId: target.versionId }, "thread");

beforeAll(async () => {
  vi.stubEnv("KEEL_TEST_DATABASE_URL", process.env.KEEL_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test");
  fx = await setupFixture();
  databaseUrl = fx.kdb.url ?? "";
  const world = await setupServingWorld(() => fx.ctx(fx.actors.data_scientist), fx.kdb.db, fx.artifacts);
  run = await world.train({ target: "label", family: "logistic", epochs: 3 });
  await world.register("threaded", run.runId);
  await world.deploy("threaded", "threaded", [{ version: 1 }]);
  token = await world.token("data_scientist");
  const [d] = await fx.kdb.db.select().from(schema.deployments).where(eq(schema.deployments.name, "threaded"));
  const [v] = await fx.kdb.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.runId, run.runId));
  target = { deploymentId: d?.id ?? "", projectId: d?.projectId ?? "", versionId: v?.id ?? "" };
}, 300_000);

afterAll(async () => {
  run.result.model.dispose();
  await fx.destroy();
  vi.unstubAllEnvs();
});

describe("the prediction log's writer thread", { timeout: 60_000 }, () => {
  it("writes rows all or none across INSERT chunks, each once after a retry; refuses writes once closed", async () => {
    expect(databaseUrl).toMatch(/^postgres/);
    const writer = threadLogWriter(databaseUrl);
    const n = 2 * PREDICTION_LOG_INSERT_ROWS + 1;
    await expect(writer.write([...entries(n - 1), ...entries(1, "dep_does_not_exist")])).rejects.toThrow(/prediction log: .*foreign key/);
    expect(await logged()).toBe(0);
    await writer.write(entries(n));
    expect(await logged()).toBe(n);
    const { rows } = await fx.kdb.query<{ n: number }>("select count(distinct request_id)::int as n from prediction_log");
    expect(rows[0]?.n).toBe(n);
    await writer.close();
    await expect(writer.write(entries(1))).rejects.toThrow(/closed/);
    await fx.kdb.exec("delete from prediction_log");
  });

  it("the serve app logs every answered request through it, flushed on close", async () => {
    const app = buildServeApp({ db: fx.kdb.db, artifacts: fx.artifacts, log: { databaseUrl } });
    const rows = sampleRows(24, 8);
    const answers = await Promise.all(
      rows.map((row) => app.inject({ method: "POST", url: "/api/v1/projects/demo/deployments/threaded/predict", headers: { authorization: `Bearer ${token}` }, payload: { instances: [row] } })),
    );
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    await app.close();
    expect(await logged()).toBe(24);
    expect(app.serving.stats().log).toMatchObject({ buffered: 0, written: 24, dropped: 0 });
  });

  it("a thread that cannot reach its database fails each write with the reason, and does not hang", async () => {
    const writer = threadLogWriter("postgres://postgres@127.0.0.1:1/nowhere");
    await expect(writer.write(entries(3))).rejects.toThrow(/prediction log: .*ECONNREFUSED/);
    await expect(writer.write(entries(3))).rejects.toThrow(/prediction log:/);
    await writer.close();
  });
});
