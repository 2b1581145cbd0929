/**
 * A worker process SIGKILLed in the middle of training: after a new worker starts, the run whose
 * attempts were not used up is retried and succeeds; the run that had none left is failed with
 * the reason. In both, nothing the killed attempt wrote (metric points) is visible as a result,
 * and the only artifacts are those of the attempt that finished.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo, userActor, type ServiceContext } from "@keel/api";
import { createQueue } from "@keel/api/jobs";
import { createDataset, uploadDatasetVersion } from "@keel/api/services/datasets";
import { createExperiment, launchRun } from "@keel/api/services/experiments";
import { eq, schema, type KeelDatabase } from "@keel/db";
import { openEmbeddedDb } from "@keel/db/embedded";
import { migrate } from "@keel/db/migrate";
import { createTestDb, testDriver } from "@keel/db/testing";
import { createArtifactStore } from "@keel/storage";
import { startWorker, type RunningWorker } from "./index";
import { killed, spawnDieWorker, waitFor } from "./test-fixtures/support";

const here = path.dirname(fileURLToPath(import.meta.url));
const CSV = readFileSync(path.resolve(here, "../../../test/fixtures/datasets/breast-cancer.csv"));

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe(`a training worker SIGKILLed mid-run (${testDriver()})`, () => {
  it("retries the run that has attempts left, fails the other with the reason, and leaves no half-written result", { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "keel-train-kill-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const artifactsDir = path.join(dataDir, "store");
    const artifacts = createArtifactStore({ dataDir: artifactsDir });

    // 1. a database the child can open too
    let kdb: KeelDatabase;
    let childArgs: string[];
    let reopen: () => Promise<KeelDatabase>;
    if (testDriver() === "postgres") {
      const tdb = await createTestDb();
      cleanups.push(() => tdb.destroy());
      kdb = tdb;
      childArgs = ["--url", tdb.url ?? ""];
      reopen = async () => tdb;
    } else {
      const dir = path.join(dataDir, "db");
      kdb = await openEmbeddedDb(dir);
      await migrate(kdb);
      childArgs = ["--data-dir", dir];
      reopen = async () => {
        const again = await openEmbeddedDb(dir);
        cleanups.push(() => again.close());
        return again;
      };
    }

    // 2. a dataset, an experiment and two MLP runs long enough to be killed in the middle
    await seedDemo(kdb, { password: DEMO_PASSWORD });
    const boss = await createQueue(kdb, { supervise: false });
    const [dsUser] = await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, "scientist@keel.local"));
    const actor = dsUser ? await userActor(kdb.db, dsUser.id) : null;
    if (!actor) throw new Error("no data scientist in the demo seed");
    const ctx: ServiceContext = { db: kdb.db, actor, requestId: "kill-test", ip: null, artifacts };
    await createDataset(ctx, { project: "demo", name: "bc" });
    const up = await uploadDatasetVersion(ctx, { project: "demo", dataset: "bc", body: Readable.from([CSV]), filename: "bc.csv", contentType: "text/csv" });
    await createExperiment(ctx, { project: "demo", name: "kill" });
    const launch = (name: string) =>
      launchRun(ctx, {
        project: "demo",
        experiment: "kill",
        name,
        datasetVersionId: up.version.id,
        target: "diagnosis",
        model: { family: "mlp", hyperparams: { epochs: 120, earlyStopping: false } },
      });
    const retried = await launch("retried");
    const lastChance = await launch("last-chance");
    // the second run may not be tried again (the UI has no knob for this; the column is the rule)
    await kdb.query("update runs set max_attempts = 1 where id = $1", [lastChance.id]);
    await boss.stop({ graceful: false });
    if (kdb.driver === "pglite") await kdb.close();

    // 3. a worker in another process trains both … and is killed once each has logged epochs
    const { child, waitLine, log } = spawnDieWorker([
      ...childArgs,
      "--artifacts-dir",
      artifactsDir,
      "--concurrency",
      "2",
      "--watch-run",
      retried.id,
      "--watch-run",
      lastChance.id,
    ]);
    cleanups.push(() => killed(child));
    await waitLine((l) => l.type === "ready");
    for (const id of [retried.id, lastChance.id]) await waitLine((l) => l.type === "metrics" && l.runId === id && (l.n ?? 0) >= 8);
    await killed(child);
    expect(child.signalCode, log.join("\n")).toBe("SIGKILL");

    // 4. what the killed attempt left: running runs with partial curves and no artifacts
    const db = await reopen();
    const state = async (id: string) => {
      const [run] = await db.db.select().from(schema.runs).where(eq(schema.runs.id, id));
      const metrics = await db.query<{ attempt: number; n: number }>("select attempt, count(*)::int as n from metrics where run_id = $1 group by attempt order by attempt", [id]);
      const latest = await db.query<{ n: number }>("select count(*)::int as n from run_latest_metrics where run_id = $1", [id]);
      const arts = await db.query<{ path: string }>("select path from run_artifacts where run_id = $1 order by path", [id]);
      return { run, metrics: metrics.rows, latest: latest.rows[0]?.n ?? 0, artifacts: arts.rows.map((a) => a.path) };
    };
    for (const id of [retried.id, lastChance.id]) {
      const s = await state(id);
      expect(s.run).toMatchObject({ status: "running", attempt: 1 });
      expect(s.metrics).toEqual([{ attempt: 1, n: expect.any(Number) as number }]);
      expect(s.artifacts).toEqual([]);
    }

    // 5. a new worker notices the silent attempts, retries one run and fails the other
    let worker: RunningWorker | undefined;
    try {
      worker = await startWorker({ kdb: db, artifacts, pollingIntervalMs: 100, trainingStaleAfterMs: 1500, reconcileIntervalMs: 300, onEvent: (e) => {
          if (e.type === "error") console.error(e.message);
        },
      });
      const final = async (id: string) =>
        waitFor(
          `run ${id} to end`,
          async () => {
            const s = await state(id);
            return s.run && ["succeeded", "failed", "cancelled"].includes(s.run.status) ? s : undefined;
          },
          90_000,
          200,
        );
      const failed = await final(lastChance.id);
      expect(failed.run).toMatchObject({ status: "failed", attempt: 1 });
      expect(failed.run?.error).toMatch(/Attempt 1 was abandoned: worker wrk_\w+ \(.+, pid \d+\) stopped reporting \d+ s ago.*No attempts left \(1 of 1\)/);
      expect(failed.metrics).toEqual([]);
      expect(failed.latest).toBe(0);
      expect(failed.artifacts).toEqual([]);

      const ok = await final(retried.id);
      expect(ok.run).toMatchObject({ status: "succeeded", attempt: 2 });
      // only the second attempt's points: 120 epochs × 4 curves, plus the test metrics
      expect(ok.metrics.map((m) => m.attempt)).toEqual([2]);
      const curves = await db.query<{ n: number }>("select count(*)::int as n from metrics where run_id = $1 and key = 'train_loss'", [retried.id]);
      expect(curves.rows[0]?.n).toBe(120);
      expect(ok.artifacts).toEqual(["evaluation.json", "model/model.json", "model/weights.bin", "pipeline.json"]);
      const logs = await db.query<{ attempt: number; message: string }>("select attempt, message from run_logs where run_id = $1 order by id", [retried.id]);
      expect(logs.rows.some((l) => l.attempt === 1 && /Attempt 1 was abandoned/.test(l.message))).toBe(true);
      expect(logs.rows.some((l) => l.attempt === 2 && /Attempt 2 of 2 started/.test(l.message))).toBe(true);
      const audit = await db.query<{ action: string }>("select action from audit_events where entity_id = $1 order by seq", [retried.id]);
      expect(audit.rows.map((a) => a.action)).toEqual(["experiment.run.create", "experiment.run.retry", "experiment.run.succeeded"]);
    } finally {
      await worker?.stop({ timeoutMs: 0 });
    }
  });
});
