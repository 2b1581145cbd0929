/**
 * What the prediction server needs from the database about a deployment: who may call it, its
 * current revision (a cheap check, polled), and that revision's routes with each version's
 * signature and artifacts (read when the revision changes).
 */
import { and, eq, inArray, schema, sql, type DbOrTx } from "@keel/db";
import type { Permission } from "@keel/auth";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { requireProjectAccess } from "../access";

/** A deployment as the server caches it. */
export interface ServingDeployment {
  id: string;
  projectId: string;
  projectSlug: string;
  name: string;
  currentRevision: number;
}

/** One route of the current revision with what loading its version needs. */
export interface ServingRoute {
  versionId: string;
  version: number;
  mode: "live" | "shadow";
  weight: number | null;
  signature: unknown;
  artifacts: { path: string; sha256: string; sizeBytes: number }[];
}

export interface ServingRevision {
  deploymentId: string;
  revision: number;
  routes: ServingRoute[];
}

/**
 * Checks `permission` on the project (non-members get NOT_FOUND, as everywhere) and finds the
 * deployment by name (case-insensitive). NOT_FOUND naming the deployment when there is none.
 */
export async function resolveServingDeployment(ctx: ServiceContext, project: string, deployment: string, permission: Permission): Promise<ServingDeployment> {
  const access = await requireProjectAccess(ctx, project, permission);
  const found = await findServingDeployment(ctx.db, access.project.id, deployment);
  if (!found) {
    throw new KeelError("NOT_FOUND", `No deployment '${deployment}' in project '${access.project.slug}'.`, [{ path: "deployment", message: `no deployment '${deployment}'` }]);
  }
  return { ...found, projectSlug: access.project.slug };
}

/** The deployment named `name` in the project, or null. */
export async function findServingDeployment(db: DbOrTx, projectId: string, name: string): Promise<Omit<ServingDeployment, "projectSlug"> | null> {
  const d = schema.deployments;
  const [row] = await db
    .select({ id: d.id, projectId: d.projectId, name: d.name, currentRevision: d.currentRevision })
    .from(d)
    .where(and(eq(d.projectId, projectId), sql`lower(${d.name}) = lower(${name})`))
    .limit(1);
  return row ?? null;
}

/** The deployment's current revision number (null when it was deleted): the server's cheap poll. */
export async function currentRevisionOf(db: DbOrTx, deploymentId: string): Promise<number | null> {
  const [row] = await db.select({ r: schema.deployments.currentRevision }).from(schema.deployments).where(eq(schema.deployments.id, deploymentId)).limit(1);
  return row?.r ?? null;
}

/** Revision `revision` of the deployment (default: the current one) with each route's version. */
export async function loadServingRevision(db: DbOrTx, deploymentId: string, revision?: number): Promise<ServingRevision> {
  const wanted = revision ?? (await currentRevisionOf(db, deploymentId));
  if (wanted === null) throw new KeelError("NOT_FOUND", `Deployment ${deploymentId} no longer exists.`);
  const [rev] = await db
    .select({ routes: schema.deploymentRevisions.routes })
    .from(schema.deploymentRevisions)
    .where(and(eq(schema.deploymentRevisions.deploymentId, deploymentId), eq(schema.deploymentRevisions.revision, wanted)))
    .limit(1);
  if (!rev) throw new KeelError("NOT_FOUND", `Deployment ${deploymentId} has no revision ${wanted}.`);
  const ids = rev.routes.map((r) => r.versionId);
  const versions =
    ids.length === 0
      ? []
      : await db
          .select({ id: schema.modelVersions.id, version: schema.modelVersions.version, signature: schema.modelVersions.signature, artifacts: schema.modelVersions.artifacts })
          .from(schema.modelVersions)
          .where(inArray(schema.modelVersions.id, ids));
  const byId = new Map(versions.map((v) => [v.id, v]));
  const routes = rev.routes.map((r): ServingRoute => {
    const v = byId.get(r.versionId);
    if (!v) throw new KeelError("NOT_FOUND", `Deployment ${deploymentId} routes to model version ${r.versionId}, which no longer exists.`);
    return { versionId: v.id, version: v.version, mode: r.mode, weight: r.weight, signature: v.signature, artifacts: v.artifacts };
  });
  return { deploymentId, revision: wanted, routes };
}
