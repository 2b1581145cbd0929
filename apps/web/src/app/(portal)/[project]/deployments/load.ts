import "server-only";
import type { DeploymentDetail, ProjectDetail } from "@keel/api";
import { loadProject } from "~/server/pages";
import { getQueryClient, trpc } from "~/trpc/server";
import { decodeSegment, orNotFound } from "../datasets/load";

export interface DeploymentAccess {
  project: ProjectDetail;
  canRead: boolean;
  canWrite: boolean;
  canPredict: boolean;
}

/** The project and what the caller's role may do with its deployments (the server decides again). */
export async function deploymentAccess(slug: string): Promise<DeploymentAccess> {
  const project = await loadProject(slug);
  const can = (p: string) => project.permissions.includes(p);
  return { project, canRead: can("deployment.read"), canWrite: can("deployment.write"), canPredict: can("deployment.predict") };
}

/** The deployment named in the URL (its own spelling), or the 404 page. */
export async function loadDeployment(project: string, rawName: string): Promise<DeploymentDetail> {
  return orNotFound(getQueryClient().fetchQuery(trpc.deployments.get.queryOptions({ project, deployment: decodeSegment(rawName) })));
}

export { decodeSegment };
