import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ZProjectInput } from "../schemas/common";
import {
  ZCreateDeploymentInput,
  ZDeployableVersion,
  ZDeployableVersionsInput,
  ZDeployment,
  ZDeploymentDetail,
  ZDeploymentInput,
  ZDeploymentState,
  ZDeploymentStateInput,
  ZPromoteInput,
  ZRollbackInput,
  ZSetTrafficInput,
  ZVersionDeployment,
  ZVersionDeploymentsInput,
} from "../schemas/deployments";
import {
  createDeployment,
  deployableVersions,
  deploymentsForVersion,
  deploymentStateAt,
  getDeployment,
  listDeployments,
  promote,
  rollback,
  setTraffic,
} from "../services/deployments/index";
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
    .meta({ permission: "deployment.write", openapi: { method: "PUT", path: dep, tags, protect: true, description: "Replaces the traffic split; send `If-Match: \"<currentRevision>\"` to refuse (412) when someone changed it since" } })
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
    .input(ZRollbackInput)
    .output(ZDeploymentDetail)
    .mutation(({ ctx, input }) => rollback(ctx, input)),
  state: procedure
    .meta({ permission: "deployment.read", openapi: { method: "GET", path: `${dep}/history`, tags, protect: true, description: "The revision (traffic split) in force at `at` (now when absent): what served when" } })
    .input(ZDeploymentStateInput)
    .output(ZDeploymentState)
    .query(({ ctx, input }) => deploymentStateAt(ctx, input)),
  forVersion: procedure
    .meta({
      permission: "deployment.read",
      openapi: { method: "GET", path: `${p}/models/{model}/versions/{version}/deployments`, tags, protect: true, description: "The deployments routing this version now, with the route's mode and weight" },
    })
    .input(ZVersionDeploymentsInput)
    .output(z.object({ items: z.array(ZVersionDeployment) }))
    .query(async ({ ctx, input }) => ({ items: await deploymentsForVersion(ctx, input) })),
  deployableVersions: procedure
    .meta({
      permission: "deployment.read",
      openapi: {
        method: "GET",
        path: `${p}/models/{model}/deployable-versions`,
        tags,
        protect: true,
        description: "The model's ready versions and whether each may take live traffic in `environment` (production needs approval)",
      },
    })
    .input(ZDeployableVersionsInput)
    .output(z.object({ items: z.array(ZDeployableVersion) }))
    .query(async ({ ctx, input }) => ({ items: await deployableVersions(ctx, input) })),
} satisfies TRPCRouterRecord;
