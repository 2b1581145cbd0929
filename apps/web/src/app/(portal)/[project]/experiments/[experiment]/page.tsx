import type { Metadata } from "next";
import Link from "next/link";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { firstParam, experimentsPath, launchPath, parseColumns, runPath, runsInput } from "~/components/experiments/paths";
import { RunsTable } from "~/components/experiments/runs-table";
import { Forbidden } from "~/components/forbidden";
import { LinkButton, PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, experimentAccess, loadExperiment } from "../load";

interface Props {
  params: Promise<{ project: string; experiment: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, experiment } = await params;
  return { title: pageTitle(decodeSegment(experiment), "Experiments", project) };
}

export default async function ExperimentPage({ params, searchParams }: Props) {
  const { project: slug, experiment: rawName } = await params;
  const query = await searchParams;
  const { project, canRead, canWrite } = await experimentAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="experiments" />;
  const e = await loadExperiment(project.slug, rawName);
  const view = { columns: parseColumns(firstParam(query.cols)), filter: firstParam(query.filter) ?? "", orderBy: firstParam(query.order) ?? "" };
  // The first page comes with the page; a bad filter is shown by the table (from the client's own request).
  await getQueryClient().prefetchQuery(trpc.experiments.listRuns.queryOptions(runsInput(project.slug, e.name, view)));
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={<Breadcrumbs items={[{ label: "Experiments", href: experimentsPath(project.slug) }, { label: e.name }]} />}
        title={e.name}
        description={
          <>
            {e.description || "No description."}{" "}
            {e.baselineRunId ? (
              <>
                Baseline:{" "}
                <Link className="text-accent-700 underline-offset-4 hover:underline" href={runPath(project.slug, e.name, e.baselineRunId)}>
                  the marked run
                </Link>
                .
              </>
            ) : (
              "No baseline run yet: set one on a run's page to measure the others against it."
            )}
          </>
        }
        actions={
          canWrite ? (
            <LinkButton variant="primary" href={launchPath(project.slug, e.name)} data-testid="launch-run">
              Launch run
            </LinkButton>
          ) : null
        }
      />
      <RunsTable project={project.slug} experiment={e.name} canWrite={canWrite} />
    </HydrateClient>
  );
}
