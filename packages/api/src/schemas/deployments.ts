/** Deployments: a model served in an environment with a traffic split across its versions. */
import { z } from "zod";
import { ZIsoDate, ZProjectSlug } from "./common";
import { ZActorName } from "./datasets";
import { ZModelInput, ZModelName, ZModelVersionInput, ZVersionNumber } from "./registry";

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

/**
 * One entry of a deployment's traffic as asked for (API.md: `traffic:[{version, percent, mode?}]`):
 * `live` with an integer percent of live requests, or `shadow` (a copy of every request) without one.
 * Stored as a revision's `routes` (`weight` = percent).
 */
export const ZRouteInput = z.object({
  version: ZVersionNumber,
  mode: ZRouteMode.default("live"),
  percent: z.number().int("must be a whole number of percent").min(0, "must be 0 or more").max(100, "must be at most 100").nullable().optional(),
});
export type RouteInput = z.input<typeof ZRouteInput>;

export const ZTrafficInput = z.array(ZRouteInput).min(1, "at least one route is required").max(20, "at most 20 routes");

export const ZDeploymentInput = z.object({ project: ZProjectSlug, deployment: ZDeploymentName });
export type DeploymentInput = z.input<typeof ZDeploymentInput>;

export const ZCreateDeploymentInput = z.object({
  project: ZProjectSlug,
  name: ZDeploymentName,
  model: ZModelName,
  environment: ZDeploymentEnvironment,
  traffic: ZTrafficInput,
});
export type CreateDeploymentInput = z.input<typeof ZCreateDeploymentInput>;

/** `ifMatch`: the revision the caller last saw (REST: the `If-Match` header); another change since → 412. */
export const ZSetTrafficInput = ZDeploymentInput.extend({ traffic: ZTrafficInput, ifMatch: z.coerce.number().int().min(1).optional() });
export type SetTrafficInput = z.input<typeof ZSetTrafficInput>;

export const ZPromoteInput = ZDeploymentInput.extend({ version: ZVersionNumber });
export type PromoteInput = z.input<typeof ZPromoteInput>;

/** Rollback with an optional comment (kept in the revision's reason and the audit event). */
export const ZRollbackInput = ZDeploymentInput.extend({ comment: z.string().trim().max(1000, "must be at most 1,000 characters").optional() });
export type RollbackInput = z.input<typeof ZRollbackInput>;

/** "Which deployments route traffic to version N of model M": one row per deployment routing it now. */
export const ZVersionDeploymentsInput = ZModelVersionInput;
export type VersionDeploymentsInput = z.input<typeof ZVersionDeploymentsInput>;

/** Which versions of a model may be routed in an environment (for pickers). */
export const ZDeployableVersionsInput = ZModelInput.extend({ environment: ZDeploymentEnvironment });
export type DeployableVersionsInput = z.input<typeof ZDeployableVersionsInput>;

export const ZDeploymentStateInput = ZDeploymentInput.extend({ at: ZIsoDate.optional() });
export type DeploymentStateInput = z.input<typeof ZDeploymentStateInput>;

export const ZDeploymentRoute = z.object({
  versionId: z.string(),
  version: z.number().int(),
  mode: ZRouteMode,
  percent: z.number().int().nullable(),
});
export type DeploymentRoute = z.infer<typeof ZDeploymentRoute>;

export const ZDeploymentRevision = z.object({
  revision: z.number().int(),
  traffic: z.array(ZDeploymentRoute),
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
  traffic: z.array(ZDeploymentRoute),
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

/** A deployment routing a version now (its current revision), with that route's mode and weight. */
export const ZVersionDeployment = z.object({
  name: z.string(),
  environment: ZDeploymentEnvironment,
  mode: ZRouteMode,
  percent: z.number().int().nullable(),
});
export type VersionDeployment = z.infer<typeof ZVersionDeployment>;

/**
 * A ready version of the model and whether it may take LIVE traffic in the environment asked for
 * (always in staging; in production only when approved). Any ready version may be a shadow route.
 */
export const ZDeployableVersion = z.object({
  version: z.number().int(),
  aliases: z.array(z.string()),
  liveAllowed: z.boolean(),
  createdAt: ZIsoDate,
});
export type DeployableVersion = z.infer<typeof ZDeployableVersion>;
