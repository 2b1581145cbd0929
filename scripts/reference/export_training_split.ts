/**
 * Writes test/fixtures/training/breast-cancer.split.json: the train / validation / test row
 * indices that Keel's trainTabular uses on test/fixtures/datasets/breast-cancer.csv with its
 * default split (test 0.2, validation 0.1, seed 42, stratified by the target "diagnosis").
 * scripts/reference/make_training_fixtures.py reads it, so that scikit-learn trains and tests
 * on exactly Keel's rows; packages/ml/src/models/acceptance.test.ts checks that trainTabular
 * still makes this split.
 *
 * Run from the repository root:  npx tsx scripts/reference/export_training_split.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { detectTask } from "@keel/ml/models";
import { splitIndices } from "@keel/ml/pipeline";
import Papa from "papaparse";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const csv = path.join(root, "test", "fixtures", "datasets", "breast-cancer.csv");
const out = path.join(root, "test", "fixtures", "training", "breast-cancer.split.json");
const TARGET = "diagnosis";
const SPLIT = { test: 0.2, validation: 0.1, seed: 42 };

const parsed = Papa.parse<string[]>(readFileSync(csv, "utf8").trim(), { skipEmptyLines: true });
const [header, ...rows] = parsed.data;
if (header === undefined) throw new Error(`${csv} is empty`);
const t = header.indexOf(TARGET);
const target = rows.map((r) => r[t] ?? "");
const { task, labels } = detectTask(target, "categorical");
const index = new Map(labels.map((l, i) => [String(l), i]));
const split = splitIndices(rows.length, { ...SPLIT, stratify: target.map((v) => index.get(v) ?? -1) });
const fixture = {
  generator: "scripts/reference/export_training_split.ts",
  dataset: "test/fixtures/datasets/breast-cancer.csv",
  target: TARGET,
  task,
  labels,
  ...SPLIT,
  stratified: true,
  rows: rows.length,
  note: "0-based data-row indices (the header is not a row), as Keel's trainTabular splits them: splitIndices(n, {test, validation, seed, stratify: class index})",
  train: split.train,
  validation: split.validation,
  test: split.test,
};
writeFileSync(out, `${JSON.stringify(fixture)}\n`);
console.log(`wrote ${path.relative(root, out)}: train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}`);
