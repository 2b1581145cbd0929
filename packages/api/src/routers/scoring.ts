import type { TRPCRouterRecord } from "@trpc/server";
import { ZBatchScore, ZBatchScoreInput, ZBatchScoreList, ZListBatchScoresInput, ZStartBatchScoreInput } from "../schemas/scoring";
import { getBatchScore, listBatchScores, startBatchScore } from "../services/scoring/index";
import { procedure } from "../trpc";

const tags = ["scoring"];
const p = "/projects/{project}";

/** Batch scoring: a model version scores a dataset version on the worker; the result is a new dataset version. */
export const scoringRouter = {
  startBatchScore: procedure
    .meta({
      permission: "registry.score",
      openapi: {
        method: "POST",
        path: `${p}/models/{model}/versions/{version}/batch-scores`,
        tags,
        protect: true,
        successDescription: "The queued batch score (202); poll GET /projects/{project}/batch-scores/{id}",
      },
    })
    .input(ZStartBatchScoreInput)
    .output(ZBatchScore)
    .mutation(({ ctx, input }) => startBatchScore(ctx, input)),
  getBatchScore: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: `${p}/batch-scores/{id}`, tags, protect: true } })
    .input(ZBatchScoreInput)
    .output(ZBatchScore)
    .query(({ ctx, input }) => getBatchScore(ctx, input)),
  listBatchScores: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: `${p}/batch-scores`, tags, protect: true } })
    .input(ZListBatchScoresInput)
    .output(ZBatchScoreList)
    .query(async ({ ctx, input }) => ({ items: await listBatchScores(ctx, input) })),
} satisfies TRPCRouterRecord;
