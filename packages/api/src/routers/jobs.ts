import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { JOB_STATES, JOB_TYPES, enqueueJob, getJob, type Job } from "../jobs/index";
import { KeelError } from "../errors";
import { ZIsoDate } from "../schemas/common";
import { procedure } from "../trpc";

const ZJobView = z.object({
  id: z.string(),
  type: z.enum(JOB_TYPES),
  state: z.enum(JOB_STATES),
  retryCount: z.number().int(),
  retryLimit: z.number().int(),
  createdAt: ZIsoDate,
  startedAt: ZIsoDate.nullable(),
  completedAt: ZIsoDate.nullable(),
  output: z.unknown(),
});

const toView = (j: Job): z.infer<typeof ZJobView> => ({
  id: j.id,
  type: j.type,
  state: j.state,
  retryCount: j.retryCount,
  retryLimit: j.retryLimit,
  createdAt: j.createdAt.toISOString(),
  startedAt: j.startedAt?.toISOString() ?? null,
  completedAt: j.completedAt?.toISOString() ?? null,
  output: j.output,
});

/** Diagnostic jobs on the worker (admins): proves the queue path end to end. */
export const jobsRouter = {
  enqueue: procedure
    .meta({ permission: "system.job.create", openapi: { method: "POST", path: "/system/jobs", tags: ["system"], protect: true } })
    .input(z.object({ type: z.enum(JOB_TYPES), payload: z.record(z.string(), z.unknown()).optional() }))
    .output(z.object({ id: z.string(), type: z.enum(JOB_TYPES) }))
    .mutation(async ({ ctx, input }) => {
      const job = await enqueueJob(ctx, input);
      return { id: job.id, type: job.type };
    }),
  get: procedure
    .meta({ permission: "system.job.create", openapi: { method: "GET", path: "/system/jobs/{id}", tags: ["system"], protect: true } })
    .input(z.object({ id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a job id (a UUID)") }))
    .output(ZJobView)
    .query(async ({ ctx, input }) => {
      const job = await getJob(ctx.db, input.id);
      if (!job) throw new KeelError("NOT_FOUND", `No job ${input.id}.`);
      return toView(job);
    }),
} satisfies TRPCRouterRecord;
