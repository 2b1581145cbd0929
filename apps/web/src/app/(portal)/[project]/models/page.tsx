import type { Metadata } from "next";
import { Forbidden } from "~/components/forbidden";
import { ModelsList } from "~/components/registry/models-list";
import { NewModelButton } from "~/components/registry/new-model-button";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { registryAccess } from "./load";

interface Props {
  params: Promise<{ project: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Models", project) };
}

export default async function ModelsPage({ params }: Props) {
  const { project: slug } = await params;
  const { project, canRead, canWrite } = await registryAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="models" />;
  await getQueryClient().prefetchQuery(trpc.registry.listModels.queryOptions({ project: project.slug }));
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={project.name}
        title="Models"
        description="The model registry: immutable versions registered from succeeded runs, aliases such as staging and production, and a model card per version."
        actions={canWrite ? <NewModelButton project={project.slug} /> : null}
      />
      <ModelsList project={project.slug} canWrite={canWrite} />
    </HydrateClient>
  );
}
