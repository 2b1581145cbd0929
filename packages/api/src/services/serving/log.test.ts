/**
 * The prediction log's writes on PGlite and Postgres: entries past one INSERT's chunk are written
 * all or none, so the bounded buffer's retry after a failure never duplicates rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@keel/db/testing";
import { setupFixture, type Fixture } from "../../testing";
import { createDeployment } from "../deployments/index";
import { createModel, registerModelVersion } from "../registry/index";
import { setupRegistryWorld } from "../registry/test-support";
import { PREDICTION_LOG_INSERT_ROWS, writePredictionLog } from "./index";
import { sampleLogEntries } from "./test-support";

describe(`prediction log writes on ${testDriver()}`, { timeout: 120_000 }, () => {
  let fx: Fixture;
  let deployment = { id: "", projectId: "", versionId: "" };

  const logged = async (): Promise<number> => (await fx.kdb.query<{ n: number }>("select count(*)::int as n from prediction_log")).rows[0]?.n ?? 0;
  const entries = (n: number, deploymentId = deployment.id) => sampleLogEntries(n, { projectId: deployment.projectId, deploymentId, modelVersionId: deployment.versionId });

  beforeAll(async () => {
    fx = await setupFixture();
    const w = await setupRegistryWorld(fx);
    const c = fx.ctx(fx.actors.data_scientist);
    await createModel(c, { project: "demo", name: "churn" });
    const version = await registerModelVersion(c, { project: "demo", model: "churn", runId: await w.run() });
    const created = await createDeployment(c, { project: "demo", name: "churn-staging", model: "churn", environment: "staging", traffic: [{ version: 1 }] });
    const { rows } = await fx.kdb.query<{ project_id: string }>("select project_id from deployments where id = $1", [created.id]);
    deployment = { id: created.id, projectId: rows[0]?.project_id ?? "", versionId: version.id };
  }, 180_000);
  afterAll(async () => {
    await fx.destroy();
  });

  it("writes more than one chunk all or none: a bad row in the last chunk leaves nothing behind, the retry writes each row once", async () => {
    const n = 2 * PREDICTION_LOG_INSERT_ROWS + 1;
    const bad = [...entries(n - 1), ...entries(1, "dep_does_not_exist")];
    await expect(writePredictionLog(fx.kdb.db, bad)).rejects.toThrow();
    expect(await logged()).toBe(0);
    await writePredictionLog(fx.kdb.db, entries(n));
    expect(await logged()).toBe(n);
    const { rows } = await fx.kdb.query<{ n: number }>("select count(distinct request_id)::int as n from prediction_log");
    expect(rows[0]?.n).toBe(n);
  });
});
