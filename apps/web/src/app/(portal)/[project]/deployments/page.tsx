import type { Metadata } from "next";
import { DeploymentsList } from "~/components/deployments/deployments-list";
import { NewDeploymentButton } from "~/components/deployments/new-deployment-button";
import { Forbidden } from "~/components/forbidden";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { deploymentAccess } from "./load";

interface Props {
  params: Promise<{ project: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Deployments", project) };
}

export default async function DeploymentsPage({ params }: Props) {
  const { project: slug } = await params;
  const { project, canRead, canWrite } = await deploymentAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="deployments" />;
  await getQueryClient().prefetchQuery(trpc.deployments.list.queryOptions({ project: project.slug }));
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={project.name}
        title="Deployments"
        description="Registered models serving predictions in staging and production: live traffic split across versions (canaries), shadow copies, promote and roll back, and the history of what served when."
        actions={canWrite ? <NewDeploymentButton project={project.slug} /> : null}
      />
      <DeploymentsList project={project.slug} canWrite={canWrite} />
    </HydrateClient>
  );
}
