import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDb } from "@keel/db/testing";
import { createArtifactStore } from "@keel/storage";
import { describe, expect, it } from "vitest";
import { systemActor } from "./context";
import { DEMO_PASSWORD, seedDemo } from "./seed";
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
    } finally {
      await kdb.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
