import "server-only";
import type { Experiment, ProjectDetail } from "@keel/api";
import { loadProject } from "~/server/pages";
import { getQueryClient, trpc } from "~/trpc/server";
import { decodeSegment, orNotFound } from "../datasets/load";

export interface ExperimentAccess {
  project: ProjectDetail;
  canRead: boolean;
  canWrite: boolean;
}

/** The project and what the caller's role may do with its experiments. */
export async function experimentAccess(slug: string): Promise<ExperimentAccess> {
  const project = await loadProject(slug);
  const can = (p: string) => project.permissions.includes(p);
  return { project, canRead: can("experiment.read"), canWrite: can("experiment.write") };
}

/** The experiment named in the URL (its own spelling), or the 404 page. */
export async function loadExperiment(project: string, rawName: string): Promise<Experiment> {
  return orNotFound(getQueryClient().fetchQuery(trpc.experiments.get.queryOptions({ project, experiment: decodeSegment(rawName) })));
}

export { decodeSegment, orNotFound };
