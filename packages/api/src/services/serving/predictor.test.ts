import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@keel/ml/backend";
import { predictBatch, trainTabular, type TrainTabularResult } from "@keel/ml/models";
import { transform } from "@keel/ml/pipeline";
import { ArtifactNotFoundError, createArtifactStore, type ArtifactStore } from "@keel/storage";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { KeelError } from "../../errors";
import { loadVersionPredictor, type VersionArtifactsRow } from "./predictor";

let dir: string;
let store: ArtifactStore;
let trained: TrainTabularResult;
let version: VersionArtifactsRow;

beforeAll(async () => {
  await chooseBackend();
  dir = mkdtempSync(path.join(tmpdir(), "keel-predictor-"));
  store = createArtifactStore({ dataDir: dir });
  const n = 120;
  const columns = {
    a: Array.from({ length: n }, (_, i) => (i % 17) / 4 - 2),
    b: Array.from({ length: n }, (_, i) => (i % 5) - 2),
    y: Array.from({ length: n }, (_, i) => ((i % 17) / 4 - 2 + ((i % 5) - 2) > 0 ? "pos" : "neg")),
  };
  trained = await trainTabular({ columns, target: "y", features: [{ name: "a", type: "numeric" }, { name: "b", type: "numeric" }], family: "logistic", hyperparams: { epochs: 5 }, featureImportance: false });
  const put = async (bytes: Uint8Array) => (await store.put(Readable.from([Buffer.from(bytes)]))).sha256;
  version = {
    id: "mv_test",
    version: 3,
    signature: { inputs: [{ name: "a", type: "numeric" }, { name: "b", type: "numeric" }], output: { task: "binary", labels: trained.labels } },
    artifacts: [
      { path: "model/model.json", sha256: await put(trained.artifacts.modelJson) },
      { path: "model/weights.bin", sha256: await put(trained.artifacts.weights) },
      { path: "pipeline.json", sha256: await put(new TextEncoder().encode(trained.pipelineJson)) },
    ],
  };
});

afterAll(() => {
  trained.model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("loadVersionPredictor", () => {
  it("loads a version's artifacts into a Predictor that predicts as the trained model", async () => {
    const predictor = await loadVersionPredictor(store, version);
    const rows = [
      { a: 1.5, b: -1 },
      { a: -2, b: 2 },
      { a: 0.25, b: 0 },
    ];
    const got = await predictor.predict(rows);
    const x = transform(trained.pipeline, rows);
    const own = predictBatch(trained.model, x.values, x.rows, x.outputColumns.length, "binary");
    got.forEach((p, i) => {
      const probs = trained.labels.map((l) => p.probabilities?.[String(l)] ?? Number.NaN);
      probs.forEach((v, j) => expect(Math.abs(v - (own[i]?.[j] ?? Number.NaN))).toBeLessThan(1e-6));
    });
    predictor.dispose();
    expect(predictor.disposed).toBe(true);
  });

  it("names a missing artifact, passes a missing blob through", async () => {
    const noWeights = { ...version, artifacts: version.artifacts.filter((a) => a.path !== "model/weights.bin") };
    const err = await loadVersionPredictor(store, noWeights).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).code).toBe("CONFLICT");
    expect((err as KeelError).message).toMatch(/v3 .*model\/weights\.bin/);
    const gone = { ...version, artifacts: version.artifacts.map((a) => (a.path === "pipeline.json" ? { ...a, sha256: "f".repeat(64) } : a)) };
    await expect(loadVersionPredictor(store, gone)).rejects.toBeInstanceOf(ArtifactNotFoundError);
  });
});
