import "server-only";
import type { ProjectDetail } from "@keel/api";
import { loadProject } from "~/server/pages";
import { decodeSegment, orNotFound } from "../datasets/load";

export interface RegistryAccess {
  project: ProjectDetail;
  canRead: boolean;
  /** Create models, register versions, edit model cards, archive. */
  canWrite: boolean;
  /** Set and remove unprotected aliases. */
  canWriteAlias: boolean;
  /** Choose which aliases are protected (owners). */
  canProtect: boolean;
  /** See approval requests and policies. */
  canReadApprovals: boolean;
  /** Request a promotion to a protected alias. */
  canRequest: boolean;
  /** Change the approval policy (owners). */
  canEditPolicy: boolean;
  canReadDeployments: boolean;
  canReadExperiments: boolean;
}

/** The project and what the caller's role may do in the registry (the server checks again). */
export async function registryAccess(slug: string): Promise<RegistryAccess> {
  const project = await loadProject(slug);
  const can = (p: string) => project.permissions.includes(p);
  return {
    project,
    canRead: can("registry.read"),
    canWrite: can("registry.write"),
    canWriteAlias: can("registry.alias.write"),
    canProtect: can("registry.protection.update"),
    canReadApprovals: can("approval.read"),
    canRequest: can("approval.request"),
    canEditPolicy: can("approval.policy.update"),
    canReadDeployments: can("deployment.read"),
    canReadExperiments: can("experiment.read"),
  };
}

export { decodeSegment, orNotFound };
