/** One measured run of the dataset-profile benchmark, in its own process (see dataset-profile.ts). */
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDataset, uploadDatasetVersion } from "@keel/api/services/datasets";
import { systemActor } from "@keel/api";
import { newId, schema } from "@keel/db";
import { createTestDb } from "@keel/db/testing";
import { countRowsBare, openTabular } from "@keel/ml/tabular";
import { createArtifactStore } from "@keel/storage";

let baselineRssMb = 0;
let kdbDriver = "none";

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if (!file || (mode !== "bare" && mode !== "profile")) throw new Error("usage: dataset-profile-child.ts bare|profile <file.csv>");
  if (mode === "bare") {
    const source = await openTabular(file, { format: "csv" });
    if (!source.dialect) throw new Error("no CSV dialect");
    const t0 = performance.now();
    const rows = await countRowsBare(file, source.dialect);
    report(t0, rows);
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "keel-bench-data-"));
  // A fresh, migrated database: on Postgres when KEEL_TEST_DATABASE_URL names a server (the parent
  // sets it when one answers), else an in-memory PGlite (whose runtime alone takes ~650 MB RSS).
  const kdb = await createTestDb();
  try {
    // A bare project (no demo seed: its password hashing would dominate the process's peak RSS).
    await kdb.db.insert(schema.projects).values({ id: newId("project"), slug: "demo", name: "Bench" });
    const ctx = { db: kdb.db, actor: systemActor("bench"), requestId: "bench", artifacts: createArtifactStore({ dataDir }), limits: { maxUploadBytes: 1024 ** 3 } };
    await createDataset(ctx, { project: "demo", name: "bench" });
    kdbDriver = kdb.driver;
    baselineRssMb = Math.round(process.memoryUsage().rss / 1048576);
    const t0 = performance.now();
    const res = await uploadDatasetVersion(ctx, { project: "demo", dataset: "bench", body: createReadStream(file), contentType: "text/csv", filename: "bench.csv" });
    report(t0, res.version.rowCount);
  } finally {
    await kdb.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(t0: number, rows: number): void {
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ seconds, rows, peakRssMb, baselineRssMb, database: kdbDriver })}\n`);
}

await main();
