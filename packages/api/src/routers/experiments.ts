import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ZProjectInput } from "../schemas/common";
import {
  ZCompareRunsInput,
  ZCreateExperimentInput,
  ZCreateExternalRunInput,
  ZDeleteViewInput,
  ZExperiment,
  ZExperimentInput,
  ZFinishRunInput,
  ZLaunched,
  ZLaunchRunInput,
  ZLaunchSweepInput,
  ZListRunsInput,
  ZListViewsInput,
  ZLogResult,
  ZLogRunInput,
  ZMetricHistory,
  ZMetricHistoryInput,
  ZRun,
  ZRunComparison,
  ZRunInput,
  ZRunKeys,
  ZRunKeysInput,
  ZRunList,
  ZRunLogs,
  ZRunLogsInput,
  ZSavedView,
  ZSaveViewInput,
  ZSetBaselineInput,
  ZSetTagsInput,
} from "../schemas/experiments";
import {
  cancelRun,
  compareRuns,
  createExperiment,
  createExternalRun,
  deleteView,
  finishRun,
  getExperiment,
  getMetricHistory,
  getRun,
  getRunLogs,
  launchRun,
  launchSweep,
  listExperiments,
  listRunKeys,
  listRuns,
  listViews,
  logParsedRun,
  rerunRun,
  saveView,
  setBaseline,
  setRunTags,
} from "../services/experiments/index";
import { procedure } from "../trpc";

const tags = ["experiments"];
const p = "/projects/{project}";
const exp = `${p}/experiments/{experiment}`;
const run = `${p}/runs/{run}`;

/** Experiments, runs, sweeps, external runs, metric histories, comparison and saved views. */
export const experimentsRouter = {
  list: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: `${p}/experiments`, tags, protect: true } })
    .input(ZProjectInput)
    .output(z.object({ items: z.array(ZExperiment) }))
    .query(async ({ ctx, input }) => ({ items: await listExperiments(ctx, input) })),
  create: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${p}/experiments`, tags, protect: true, successDescription: "The new experiment (201)" } })
    .input(ZCreateExperimentInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => createExperiment(ctx, input)),
  get: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: exp, tags, protect: true } })
    .input(ZExperimentInput)
    .output(ZExperiment)
    .query(({ ctx, input }) => getExperiment(ctx, input)),
  setBaseline: procedure
    .meta({ permission: "experiment.write", openapi: { method: "PUT", path: `${exp}/baseline`, tags, protect: true } })
    .input(ZSetBaselineInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => setBaseline(ctx, input)),
  launchRun: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${exp}/runs`, tags, protect: true, successDescription: "Queued (202)" } })
    .input(ZLaunchRunInput)
    .output(ZLaunched)
    .mutation(({ ctx, input }) => launchRun(ctx, input)),
  launchSweep: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${exp}/sweeps`, tags, protect: true, successDescription: "Queued (202)" } })
    .input(ZLaunchSweepInput)
    .output(ZLaunched)
    .mutation(({ ctx, input }) => launchSweep(ctx, input)),
  createExternalRun: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${exp}/runs/external`, tags, protect: true, successDescription: "The new run (201)" } })
    .input(ZCreateExternalRunInput)
    .output(z.object({ id: z.string(), number: z.number().int(), status: z.literal("running") }))
    .mutation(({ ctx, input }) => createExternalRun(ctx, input)),
  listRuns: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: `${p}/runs`, tags, protect: true } })
    .input(ZListRunsInput)
    .output(ZRunList)
    .query(({ ctx, input }) => listRuns(ctx, input)),
  runKeys: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: `${p}/run-keys`, tags, protect: true } })
    .input(ZRunKeysInput)
    .output(ZRunKeys)
    .query(({ ctx, input }) => listRunKeys(ctx, input)),
  getRun: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: run, tags, protect: true } })
    .input(ZRunInput)
    .output(ZRun)
    .query(({ ctx, input }) => getRun(ctx, input)),
  metricHistory: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: `${run}/metrics/{key}`, tags, protect: true } })
    .input(ZMetricHistoryInput)
    .output(ZMetricHistory)
    .query(({ ctx, input }) => getMetricHistory(ctx, input)),
  runLogs: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: `${run}/logs`, tags, protect: true } })
    .input(ZRunLogsInput)
    .output(ZRunLogs)
    .query(({ ctx, input }) => getRunLogs(ctx, input)),
  logRun: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${run}/log`, tags, protect: true } })
    .input(ZLogRunInput)
    .output(ZLogResult)
    .mutation(({ ctx, input }) => logParsedRun(ctx, input)),
  finishRun: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${run}/finish`, tags, protect: true } })
    .input(ZFinishRunInput)
    .output(ZRun)
    .mutation(({ ctx, input }) => finishRun(ctx, input)),
  setTags: procedure
    .meta({ permission: "experiment.write", openapi: { method: "PATCH", path: `${run}/tags`, tags, protect: true } })
    .input(ZSetTagsInput)
    .output(ZRun)
    .mutation(({ ctx, input }) => setRunTags(ctx, input)),
  cancelRun: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${run}/cancel`, tags, protect: true } })
    .input(ZRunInput)
    .output(ZRun)
    .mutation(({ ctx, input }) => cancelRun(ctx, input)),
  rerun: procedure
    .meta({ permission: "experiment.write", openapi: { method: "POST", path: `${run}/rerun`, tags, protect: true, successDescription: "Queued (202)" } })
    .input(ZRunInput)
    .output(ZLaunched)
    .mutation(({ ctx, input }) => rerunRun(ctx, input)),
  compare: procedure
    .meta({ permission: "experiment.read" })
    .input(ZCompareRunsInput)
    .output(ZRunComparison)
    .query(({ ctx, input }) => compareRuns(ctx, input)),
  listViews: procedure
    .meta({ permission: "experiment.read", openapi: { method: "GET", path: `${p}/views`, tags, protect: true } })
    .input(ZListViewsInput)
    .output(z.object({ items: z.array(ZSavedView) }))
    .query(async ({ ctx, input }) => ({ items: await listViews(ctx, input) })),
  saveView: procedure
    .meta({ permission: "experiment.write", openapi: { method: "PUT", path: `${p}/views`, tags, protect: true } })
    .input(ZSaveViewInput)
    .output(ZSavedView)
    .mutation(({ ctx, input }) => saveView(ctx, input)),
  deleteView: procedure
    .meta({ permission: "experiment.write", openapi: { method: "DELETE", path: `${p}/views/{id}`, tags, protect: true } })
    .input(ZDeleteViewInput)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteView(ctx, input)),
} satisfies TRPCRouterRecord;
