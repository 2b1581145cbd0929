import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  ZCompareVersionsInput,
  ZCreateDatasetInput,
  ZDataset,
  ZDatasetInput,
  ZDatasetList,
  ZDatasetVersion,
  ZDatasetVersionLineage,
  ZDatasetVersionSummary,
  ZListDatasetsInput,
  ZOverrideQualityInput,
  ZSetQualityRulesInput,
  ZUpdateDatasetInput,
  ZVersionComparison,
  ZVersionInput,
  ZVersionRows,
  ZVersionRowsInput,
} from "../schemas/datasets";
import {
  compareDatasetVersions,
  createDataset,
  getDataset,
  getDatasetVersion,
  getDatasetVersionLineage,
  getVersionRows,
  listDatasets,
  listDatasetVersions,
  overrideVersionQuality,
  setQualityRules,
  updateDataset,
} from "../services/datasets/index";
import { procedure } from "../trpc";

const tags = ["datasets"];
const base = "/projects/{project}/datasets";

/**
 * Datasets over tRPC and REST. The upload (`POST …/versions`, a file body) and the download
 * are plain REST routes (rest/datasets.ts): they stream bytes, which tRPC does not.
 */
export const datasetsRouter = {
  list: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: base, tags, protect: true } })
    .input(ZListDatasetsInput)
    .output(ZDatasetList)
    .query(({ ctx, input }) => listDatasets(ctx, input)),
  create: procedure
    .meta({ permission: "dataset.write", openapi: { method: "POST", path: base, tags, protect: true, successDescription: "The new dataset" } })
    .input(ZCreateDatasetInput)
    .output(ZDataset)
    .mutation(({ ctx, input }) => createDataset(ctx, input)),
  get: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: `${base}/{dataset}`, tags, protect: true } })
    .input(ZDatasetInput)
    .output(ZDataset)
    .query(({ ctx, input }) => getDataset(ctx, input)),
  update: procedure
    .meta({ permission: "dataset.write", openapi: { method: "PATCH", path: `${base}/{dataset}`, tags, protect: true } })
    .input(ZUpdateDatasetInput)
    .output(ZDataset)
    .mutation(({ ctx, input }) => updateDataset(ctx, input)),
  setQualityRules: procedure
    .meta({ permission: "dataset.write", openapi: { method: "PUT", path: `${base}/{dataset}/quality-rules`, tags, protect: true } })
    .input(ZSetQualityRulesInput)
    .output(ZDataset)
    .mutation(({ ctx, input }) => setQualityRules(ctx, input)),
  listVersions: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: `${base}/{dataset}/versions`, tags, protect: true } })
    .input(ZDatasetInput)
    .output(z.object({ items: z.array(ZDatasetVersionSummary) }))
    .query(async ({ ctx, input }) => ({ items: await listDatasetVersions(ctx, input) })),
  getVersion: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: `${base}/{dataset}/versions/{version}`, tags, protect: true } })
    .input(ZVersionInput)
    .output(ZDatasetVersion)
    .query(({ ctx, input }) => getDatasetVersion(ctx, input)),
  versionRows: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: `${base}/{dataset}/versions/{version}/rows`, tags, protect: true } })
    .input(ZVersionRowsInput)
    .output(ZVersionRows)
    .query(({ ctx, input }) => getVersionRows(ctx, input)),
  lineage: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: `${base}/{dataset}/versions/{version}/lineage`, tags, protect: true } })
    .input(ZVersionInput)
    .output(ZDatasetVersionLineage)
    .query(({ ctx, input }) => getDatasetVersionLineage(ctx, input)),
  compareVersions: procedure
    .meta({ permission: "dataset.read", openapi: { method: "GET", path: `${base}/{dataset}/compare`, tags, protect: true } })
    .input(ZCompareVersionsInput)
    .output(ZVersionComparison)
    .query(({ ctx, input }) => compareDatasetVersions(ctx, input)),
  overrideQuality: procedure
    .meta({
      permission: "dataset.quality.override",
      openapi: { method: "POST", path: `${base}/{dataset}/versions/{version}/quality-override`, tags, protect: true },
    })
    .input(ZOverrideQualityInput)
    .output(ZDatasetVersion)
    .mutation(({ ctx, input }) => overrideVersionQuality(ctx, input)),
} satisfies TRPCRouterRecord;
