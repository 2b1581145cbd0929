import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDb } from "@keel/db/testing";
import { createArtifactStore } from "@keel/storage";
import { describe, expect, it } from "vitest";
import { systemActor } from "./context";
import { createQueue } from "./jobs/queue";
import { DEMO_PASSWORD, seedDemo, seedDemoExperiment } from "./seed";
import { listRuns } from "./services/experiments/index";
import { getDatasetVersion } from "./services/datasets/index";

const FIXTURE = path.resolve(__dirname, "../../../test/fixtures/datasets/breast-cancer.csv");

describe("seedDemo", () => {
  it("uploads the demo dataset on first start only", async () => {
    const kdb = await createTestDb();
    const dataDir = mkdtempSync(path.join(tmpdir(), "keel-seed-"));
    try {
      const artifacts = createArtifactStore({ dataDir });
      const first = await seedDemo(kdb, { password: DEMO_PASSWORD, datasetFiles: [FIXTURE], artifacts });
      expect(first.created).toMatchObject({ project: true, datasets: 1 });
      const ctx = { db: kdb.db, actor: systemActor("test"), requestId: "t", artifacts };
      const v = await getDatasetVersion(ctx, { project: "demo", dataset: "breast-cancer", version: "latest" });
      expect(v).toMatchObject({ version: 1, rowCount: 569, columnCount: 31, qualityStatus: "pass", filename: "breast-cancer.csv" });
      const again = await seedDemo(kdb, { password: DEMO_PASSWORD, datasetFiles: [FIXTURE], artifacts });
      expect(again.created).toMatchObject({ project: false, datasets: 0 });

      // the first experiment: two runs queued for the worker, by the demo data scientist, once
      const boss = await createQueue(kdb, { supervise: false });
      try {
        expect(await seedDemoExperiment(kdb, { artifacts })).toEqual({ runs: 2 });
        const runs = await listRuns(ctx, { project: "demo", experiment: "diagnosis", orderBy: "attributes.name asc" });
        expect(runs.items.map((r) => [r.name, r.status, r.family, r.createdBy?.name])).toEqual([
          ["logistic baseline", "queued", "logistic", "Dana Scientist"],
          ["mlp 64-32", "queued", "mlp", "Dana Scientist"],
        ]);
        expect(await seedDemoExperiment(kdb, { artifacts })).toEqual({ runs: 0 });
      } finally {
        await boss.stop({ graceful: false });
      }
    } finally {
      await kdb.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
