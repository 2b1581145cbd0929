import type { Metadata } from "next";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { CompareView } from "~/components/experiments/compare-view";
import { experimentPath, experimentsPath, firstParam } from "~/components/experiments/paths";
import { Forbidden } from "~/components/forbidden";
import { EmptyState, LinkButton, PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, experimentAccess, loadExperiment } from "../../load";

interface Props {
  params: Promise<{ project: string; experiment: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, experiment } = await params;
  return { title: pageTitle("Compare runs", decodeSegment(experiment), "Experiments", project) };
}

export default async function ComparePage({ params, searchParams }: Props) {
  const { project: slug, experiment: rawName } = await params;
  const query = await searchParams;
  const { project, canRead } = await experimentAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="experiments" />;
  const e = await loadExperiment(project.slug, rawName);
  const runs = (firstParam(query.runs) ?? "").split(",").map((r) => r.trim()).filter(Boolean);
  const header = (
    <PageHeader
      eyebrow={<Breadcrumbs items={[{ label: "Experiments", href: experimentsPath(project.slug) }, { label: e.name, href: experimentPath(project.slug, e.name) }, { label: "Compare" }]} />}
      title={`Compare ${runs.length} runs`}
      description="Parameters side by side, final metrics with their change against the reference run, and the curves overlaid."
    />
  );
  if (runs.length < 2 || runs.length > 10) {
    return (
      <>
        {header}
        <EmptyState title="Pick 2 to 10 runs" actions={<LinkButton href={experimentPath(project.slug, e.name)}>Back to the runs</LinkButton>}>
          <p>Select the runs to compare with the checkboxes in the runs table, then press Compare.</p>
        </EmptyState>
      </>
    );
  }
  await getQueryClient().prefetchQuery(trpc.experiments.compare.queryOptions({ project: project.slug, runs }));
  return (
    <HydrateClient>
      {header}
      <CompareView project={project.slug} experiment={e.name} runIds={runs} />
    </HydrateClient>
  );
}
