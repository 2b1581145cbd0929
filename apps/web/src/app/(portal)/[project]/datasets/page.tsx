import type { Metadata } from "next";
import { Forbidden } from "~/components/forbidden";
import { DatasetsList } from "~/components/datasets/datasets-list";
import { NewDatasetButton } from "~/components/datasets/new-dataset-button";
import { firstParam, listInput, parseSort } from "~/components/datasets/paths";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { datasetAccess } from "./load";

interface Props {
  params: Promise<{ project: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Datasets", project) };
}

export default async function DatasetsPage({ params, searchParams }: Props) {
  const { project: slug } = await params;
  const query = await searchParams;
  const { project, canRead, canWrite } = await datasetAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="datasets" />;
  const search = firstParam(query.search) ?? "";
  const sort = parseSort(firstParam(query.sort));
  // The first page is fetched here and handed to the list (no loading flash, no second request).
  await getQueryClient().prefetchInfiniteQuery(
    trpc.datasets.list.infiniteQueryOptions(listInput(project.slug, search, sort), { getNextPageParam: (last) => last.nextCursor }),
  );
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={project.name}
        title="Datasets"
        description="Versioned training data. Every upload is an immutable, content-addressed version with a schema, a column profile and quality checks."
        actions={canWrite ? <NewDatasetButton project={project.slug} /> : null}
      />
      <DatasetsList project={project.slug} canWrite={canWrite} />
    </HydrateClient>
  );
}
