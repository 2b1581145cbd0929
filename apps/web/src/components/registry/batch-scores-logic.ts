/** Pure helpers of the batch-scoring card on the model version page (progress, names, status text). */

export type BatchScoreStatus = "queued" | "running" | "succeeded" | "failed";

/** What these helpers read of a batch score (a structural slice of the API's `BatchScore`). */
export interface BatchScoreProgress {
  status: BatchScoreStatus;
  rowsScored: number;
  rowsTotal: number;
}

/** How many of the model's batch scores the card asks for (the API's maximum); it keeps this version's. */
export const BATCH_SCORES_LIMIT = 200;

/** The list's input; the version page (a server component) prefetches it with the same query key. */
export function batchScoresInput(project: string, model: string): { project: string; model: string; limit: number } {
  return { project, model, limit: BATCH_SCORES_LIMIT };
}

/** The dataset-name rule of the API (`ZDatasetName`): the same pattern and length limit. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const DATASET_NAME_MAX = 100;

/** A batch score the worker has not finished: the list polls while one is shown. */
export function isActiveBatchScore(status: BatchScoreStatus): boolean {
  return status === "queued" || status === "running";
}

/**
 * How far a batch score is, 0–100, rounded down so a running job never shows 100% before it
 * has written its output. Succeeded is always 100; nothing to score (0 rows) is 0 until then.
 */
export function progressPercent(b: BatchScoreProgress): number {
  if (b.status === "succeeded") return 100;
  if (!Number.isFinite(b.rowsTotal) || b.rowsTotal <= 0 || !Number.isFinite(b.rowsScored)) return 0;
  const pct = Math.floor((Math.max(0, b.rowsScored) / b.rowsTotal) * 100);
  return Math.min(100, pct);
}

/** The output dataset the API picks when none is given: `<dataset>-scored-<model>`. */
export function defaultOutputName(dataset: string, model: string): string {
  return `${dataset}-scored-${model}`;
}

/** Why a dataset name is refused, in the API's words, or null when it is valid. */
export function datasetNameProblem(name: string): string | null {
  if (name.length === 0) return "is required";
  if (name.length > DATASET_NAME_MAX) return `must be at most ${DATASET_NAME_MAX} characters`;
  if (!DATASET_NAME_PATTERN.test(name)) return "use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. credit-default)";
  return null;
}

/**
 * The output name to send (undefined: let the API use its default) or the problem with what was
 * typed. An empty field means the default, which must itself be a valid name; scores cannot go
 * to the input dataset.
 */
export function resolveOutputName(typed: string, dataset: string, model: string): { ok: true; value: string | undefined } | { ok: false; error: string } {
  const name = typed.trim();
  if (name === "") {
    const fallback = defaultOutputName(dataset, model);
    const problem = datasetNameProblem(fallback);
    return problem ? { ok: false, error: `The default output name '${fallback}' is too long or invalid: give an output dataset name.` } : { ok: true, value: undefined };
  }
  const problem = datasetNameProblem(name);
  if (problem) return { ok: false, error: `Output dataset: ${problem}.` };
  if (name.toLowerCase() === dataset.toLowerCase()) return { ok: false, error: "The output dataset cannot be the input dataset: scores go to a dataset of their own." };
  return { ok: true, value: name };
}

const count = (n: number) => n.toLocaleString("en-US");

/** One line saying where a batch score stands, e.g. "Scoring 512 of 2,048 rows (25%)". */
export function statusText(b: BatchScoreProgress): string {
  const rows = `row${b.rowsTotal === 1 ? "" : "s"}`;
  switch (b.status) {
    case "queued":
      return `Queued: ${count(b.rowsTotal)} ${rows} to score`;
    case "running":
      return `Scoring ${count(b.rowsScored)} of ${count(b.rowsTotal)} ${rows} (${progressPercent(b)}%)`;
    case "succeeded":
      return `Scored ${count(b.rowsTotal)} ${rows}`;
    case "failed":
      return b.rowsScored > 0 ? `Failed after ${count(b.rowsScored)} of ${count(b.rowsTotal)} ${rows}` : "Failed before any row was scored";
  }
}

/** An error detail in words: `rows[3].age` → `row 3, column "age"`, `columns.age` → `column "age"`. */
export function describeErrorDetail(d: { path: string; message: string }): string {
  const row = /^rows\[(\d+)\]\.(.+)$/.exec(d.path);
  if (row) return `row ${row[1]}, column "${row[2]}": ${d.message}`;
  const column = /^(?:datasetVersion\.)?columns\.(.+)$/.exec(d.path);
  if (column) return `column "${column[1]}": ${d.message}`;
  return d.path ? `${d.path}: ${d.message}` : d.message;
}

/** The batch scores of one model version (the API filters by model only), keeping their order. */
export function forModelVersion<T extends { model: { version: number } }>(items: readonly T[], version: number): T[] {
  return items.filter((b) => b.model.version === version);
}
