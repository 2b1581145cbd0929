/** Deployments: a model served in an environment with a traffic split across its versions. */
import { z } from "zod";
import { ZIsoDate, ZProjectSlug } from "./common";
import { ZActorName } from "./datasets";
import { ZModelName, ZVersionNumber } from "./registry";

/** Deployment names appear in URLs: the same rule as model names. */
export const ZDeploymentName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. churn-prod)");

export const DEPLOYMENT_ENVIRONMENTS = ["staging", "production"] as const;
export const ZDeploymentEnvironment = z.enum(DEPLOYMENT_ENVIRONMENTS);
export type DeploymentEnvironment = z.infer<typeof ZDeploymentEnvironment>;

export const ZRouteMode = z.enum(["live", "shadow"]);

/** A route as asked for: `live` with an integer percent weight, or `shadow` without a weight. */
export const ZRouteInput = z.object({
  version: ZVersionNumber,
  mode: ZRouteMode.default("live"),
  weight: z.number().int("must be a whole number of percent").min(0, "must be 0 or more").max(100, "must be at most 100").nullable().optional(),
});
export type RouteInput = z.input<typeof ZRouteInput>;

export const ZRoutesInput = z.array(ZRouteInput).min(1, "at least one route is required").max(20, "at most 20 routes");

export const ZDeploymentInput = z.object({ project: ZProjectSlug, deployment: ZDeploymentName });
export type DeploymentInput = z.input<typeof ZDeploymentInput>;

export const ZCreateDeploymentInput = z.object({
  project: ZProjectSlug,
  name: ZDeploymentName,
  model: ZModelName,
  environment: ZDeploymentEnvironment,
  routes: ZRoutesInput,
});
export type CreateDeploymentInput = z.input<typeof ZCreateDeploymentInput>;

export const ZSetTrafficInput = ZDeploymentInput.extend({ routes: ZRoutesInput });
export type SetTrafficInput = z.input<typeof ZSetTrafficInput>;

export const ZPromoteInput = ZDeploymentInput.extend({ version: ZVersionNumber });
export type PromoteInput = z.input<typeof ZPromoteInput>;

export const ZDeploymentStateInput = ZDeploymentInput.extend({ at: ZIsoDate.optional() });
export type DeploymentStateInput = z.input<typeof ZDeploymentStateInput>;

export const ZDeploymentRoute = z.object({
  versionId: z.string(),
  version: z.number().int(),
  mode: ZRouteMode,
  weight: z.number().int().nullable(),
});
export type DeploymentRoute = z.infer<typeof ZDeploymentRoute>;

export const ZDeploymentRevision = z.object({
  revision: z.number().int(),
  routes: z.array(ZDeploymentRoute),
  reason: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  at: ZIsoDate,
});
export type DeploymentRevision = z.infer<typeof ZDeploymentRevision>;

export const ZDeployment = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  environment: ZDeploymentEnvironment,
  currentRevision: z.number().int(),
  routes: z.array(ZDeploymentRoute),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type Deployment = z.infer<typeof ZDeployment>;

export const ZDeploymentDetail = ZDeployment.extend({ history: z.array(ZDeploymentRevision) });
export type DeploymentDetail = z.infer<typeof ZDeploymentDetail>;

/** Which revision (routes) was in force at a time; null before the deployment existed. */
export const ZDeploymentState = z.object({
  deployment: z.string(),
  at: ZIsoDate,
  revision: ZDeploymentRevision.nullable(),
});
export type DeploymentState = z.infer<typeof ZDeploymentState>;
