/**
 * Acceptance: on the Wisconsin breast-cancer data (569 rows, 30 numeric features, binary target
 * "diagnosis"), Keel's logistic and mlp models, trained with trainTabular's defaults (seed 42,
 * test 0.2, validation 0.1), reach a test accuracy within 0.02 of scikit-learn's
 * StandardScaler + LogisticRegression() and StandardScaler + MLPClassifier(hidden_layer_sizes=(64, 32),
 * random_state=0, max_iter=2000) on the same rows (test/fixtures/training, written by
 * scripts/reference/export_training_split.ts and make_training_fixtures.py).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../backend";
import { openTabular } from "../tabular";
import type { Cell } from "../tabular/types";
import { trainTabular } from "./tabular";

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

interface SplitFixture {
  target: string;
  seed: number;
  test: number[];
  validation: number[];
  train: number[];
}
interface ReferenceFixture {
  sklearn: string;
  how: string;
  models: Record<"logistic" | "mlp", { accuracy: number; hiddenLayers?: number[] }>;
}

const split = JSON.parse(readFileSync(root("test/fixtures/training/breast-cancer.split.json"), "utf8")) as SplitFixture;
const reference = JSON.parse(readFileSync(root("test/fixtures/training/breast-cancer.reference.json"), "utf8")) as ReferenceFixture;
let columns: Record<string, Cell[]> = {};
let featureNames: string[] = [];

beforeAll(async () => {
  await chooseBackend();
  const source = await openTabular(root("test/fixtures/datasets/breast-cancer.csv"), { format: "csv" });
  columns = Object.fromEntries(source.columns.map((c) => [c, [] as Cell[]]));
  for await (const batch of source.batches()) {
    for (const row of batch.rows) source.columns.forEach((c, j) => columns[c]?.push(row[j] ?? null));
  }
  featureNames = source.columns.filter((c) => c !== split.target);
});

describe("acceptance: breast cancer against scikit-learn", () => {
  it.each(["logistic", "mlp"] as const)("%s is within 0.02 test accuracy of scikit-learn on the same rows", async (family) => {
    expect(featureNames).toHaveLength(30);
    const result = await trainTabular({
      columns,
      target: split.target,
      targetType: "categorical",
      features: featureNames.map((name) => ({ name, type: "numeric" as const })),
      family,
      split: { seed: split.seed },
      featureImportance: false,
    });
    // The committed split is the one trainTabular made (no row had a missing target).
    expect(result.counts.missingTarget).toBe(0);
    expect(result.split).toEqual({ train: split.train, validation: split.validation, test: split.test });
    if (family === "mlp") expect(result.hyperparams.hiddenLayers).toEqual(reference.models.mlp.hiddenLayers);
    const metrics = result.evaluation.metrics;
    const keel = "accuracy" in metrics ? metrics.accuracy : Number.NaN;
    const sklearn = reference.models[family].accuracy;
    console.log(`${family}: Keel test accuracy ${keel.toFixed(4)} (${result.epochsRun} epochs, best ${result.bestEpoch}) vs scikit-learn ${reference.sklearn} ${sklearn.toFixed(4)}`);
    expect(Math.abs(keel - sklearn)).toBeLessThanOrEqual(0.02);
    result.model.dispose();
  });
});
