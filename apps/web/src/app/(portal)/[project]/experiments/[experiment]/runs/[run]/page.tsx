import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { runPath } from "~/components/experiments/paths";
import { RunView } from "~/components/experiments/run-view";
import { Forbidden } from "~/components/forbidden";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, experimentAccess, orNotFound } from "../../../load";

interface Props {
  params: Promise<{ project: string; experiment: string; run: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, experiment, run } = await params;
  const runId = decodeSegment(run);
  // The run's number and name when the caller may see it (the query is shared with the page's own).
  const found = /^run_[0-9a-z]{26}$/.test(runId)
    ? await getQueryClient()
        .fetchQuery(trpc.experiments.getRun.queryOptions({ project, run: runId }))
        .catch(() => null)
    : null;
  const label = found ? `#${found.number} ${found.name}` : `Run ${runId}`;
  return { title: pageTitle(label, decodeSegment(experiment), "Experiments", project) };
}

export default async function RunPage({ params }: Props) {
  const { project: slug, experiment: rawName, run: rawRun } = await params;
  const { project, canRead, canWrite } = await experimentAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="experiments" />;
  const runId = decodeSegment(rawRun);
  if (!/^run_[0-9a-z]{26}$/.test(runId)) notFound();
  const run = await orNotFound(getQueryClient().fetchQuery(trpc.experiments.getRun.queryOptions({ project: project.slug, run: runId })));
  // One address per run: under its own experiment.
  if (run.experiment.name !== decodeSegment(rawName)) redirect(runPath(project.slug, run.experiment.name, run.id));
  return (
    <HydrateClient>
      <RunView project={project.slug} runId={run.id} canWrite={canWrite} />
    </HydrateClient>
  );
}
