/**
 * The `batch-score` job: one attempt of one batch score (see runBatchScore in
 * @keel/api/services/scoring): the model version scores every row of the input dataset version,
 * and the result becomes a new version of the output dataset.
 */
import { systemActor, type ServiceContext } from "@keel/api";
import { runBatchScore } from "@keel/api/services/scoring/index";
import { chooseBackend, type BackendChoice } from "@keel/ml/backend";
import type { JobHandler } from "./types";

let backendChoice: Promise<BackendChoice> | undefined;
/** TensorFlow.js has one global backend per process: chosen once, the same way training does. */
function backendOnce(): Promise<BackendChoice> {
  backendChoice ??= chooseBackend();
  return backendChoice;
}

export const batchScoreHandler: JobHandler<"batch-score"> = async (payload, ctx) => {
  const backend = await backendOnce();
  const sctx: ServiceContext = { db: ctx.kdb.db, actor: systemActor("worker"), requestId: ctx.jobId, artifacts: ctx.artifacts };
  const result = await runBatchScore(sctx, {
    batchScoreId: payload.batchScoreId,
    lastAttempt: ctx.attempt > ctx.retryLimit,
    signal: ctx.signal,
  });
  return { ...result, backend: backend.backend };
};
