/** Batch scoring: a model version scores a dataset version into a new dataset version. */
export { getBatchScore, listBatchScores, startBatchScore } from "./batch-scores";
export { outputColumnsOf, PREDICTION_COLUMN } from "./common";
export { DEFAULT_SCORE_CHUNK_ROWS, runBatchScore, type RunBatchScoreInput, type RunBatchScoreResult } from "./run";
