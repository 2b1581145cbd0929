import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ZProjectInput } from "../schemas/common";
import {
  ZCreateDeploymentInput,
  ZDeployment,
  ZDeploymentDetail,
  ZDeploymentInput,
  ZDeploymentState,
  ZDeploymentStateInput,
  ZPromoteInput,
  ZSetTrafficInput,
} from "../schemas/deployments";
import { createDeployment, deploymentStateAt, getDeployment, listDeployments, promote, rollback, setTraffic } from "../services/deployments/index";
import { procedure } from "../trpc";

const tags = ["deployments"];
const p = "/projects/{project}";
const dep = `${p}/deployments/{deployment}`;

/**
 * Deployments: traffic splits, promote, rollback and point-in-time state. Serving
 * (`POST …/deployments/{deployment}/predict`) lives in apps/serve, not here.
 */
export const deploymentsRouter = {
  list: procedure
    .meta({ permission: "deployment.read", openapi: { method: "GET", path: `${p}/deployments`, tags, protect: true } })
    .input(ZProjectInput)
    .output(z.object({ items: z.array(ZDeployment) }))
    .query(async ({ ctx, input }) => ({ items: await listDeployments(ctx, input) })),
  create: procedure
    .meta({ permission: "deployment.write", openapi: { method: "POST", path: `${p}/deployments`, tags, protect: true, successDescription: "The new deployment (201)" } })
    .input(ZCreateDeploymentInput)
    .output(ZDeploymentDetail)
    .mutation(({ ctx, input }) => createDeployment(ctx, input)),
  get: procedure
    .meta({ permission: "deployment.read", openapi: { method: "GET", path: dep, tags, protect: true } })
    .input(ZDeploymentInput)
    .output(ZDeploymentDetail)
    .query(({ ctx, input }) => getDeployment(ctx, input)),
  setTraffic: procedure
    .meta({ permission: "deployment.write", openapi: { method: "PUT", path: `${dep}/traffic`, tags, protect: true } })
    .input(ZSetTrafficInput)
    .output(ZDeploymentDetail)
    .mutation(({ ctx, input }) => setTraffic(ctx, input)),
  promote: procedure
    .meta({ permission: "deployment.write", openapi: { method: "POST", path: `${dep}/promote`, tags, protect: true } })
    .input(ZPromoteInput)
    .output(ZDeploymentDetail)
    .mutation(({ ctx, input }) => promote(ctx, input)),
  rollback: procedure
    .meta({ permission: "deployment.write", openapi: { method: "POST", path: `${dep}/rollback`, tags, protect: true } })
    .input(ZDeploymentInput)
    .output(ZDeploymentDetail)
    .mutation(({ ctx, input }) => rollback(ctx, input)),
  state: procedure
    .meta({ permission: "deployment.read", openapi: { method: "GET", path: `${dep}/state`, tags, protect: true } })
    .input(ZDeploymentStateInput)
    .output(ZDeploymentState)
    .query(({ ctx, input }) => deploymentStateAt(ctx, input)),
} satisfies TRPCRouterRecord;
