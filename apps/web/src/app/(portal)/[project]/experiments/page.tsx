import type { Metadata } from "next";
import { ExperimentsList } from "~/components/experiments/experiments-list";
import { NewExperimentButton } from "~/components/experiments/new-experiment-button";
import { Forbidden } from "~/components/forbidden";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { experimentAccess } from "./load";

interface Props {
  params: Promise<{ project: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Experiments", project) };
}

export default async function ExperimentsPage({ params }: Props) {
  const { project: slug } = await params;
  const { project, canRead, canWrite } = await experimentAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="experiments" />;
  await getQueryClient().prefetchQuery(trpc.experiments.list.queryOptions({ project: project.slug }));
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={project.name}
        title="Experiments"
        description="Training runs and sweeps grouped by the question they answer: parameters, live metric curves, evaluations and comparisons."
        actions={canWrite ? <NewExperimentButton project={project.slug} /> : null}
      />
      <ExperimentsList project={project.slug} canWrite={canWrite} />
    </HydrateClient>
  );
}
