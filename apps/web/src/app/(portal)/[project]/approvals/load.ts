import "server-only";
import type { ProjectDetail } from "@keel/api";
import { loadProject } from "~/server/pages";

export interface ApprovalAccess {
  project: ProjectDetail;
  canRead: boolean;
  canRequest: boolean;
  canDecide: boolean;
}

/** The project and what the caller's role may do with approvals (the server checks again). */
export async function approvalAccess(slug: string): Promise<ApprovalAccess> {
  const project = await loadProject(slug);
  const can = (p: string) => project.permissions.includes(p);
  return { project, canRead: can("approval.read"), canRequest: can("approval.request"), canDecide: can("approval.decide") };
}
