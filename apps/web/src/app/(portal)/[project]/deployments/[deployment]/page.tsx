import type { Metadata } from "next";
import Link from "next/link";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { EnvironmentBadge } from "~/components/deployments/badges";
import { DeploymentView } from "~/components/deployments/deployment-view";
import { deploymentsPath, modelPath } from "~/components/deployments/paths";
import { Forbidden } from "~/components/forbidden";
import { PageHeader } from "~/components/ui";
import { formatDateTime, pageTitle } from "~/lib/format";
import { primaryRoute } from "~/components/deployments/traffic";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, deploymentAccess, loadDeployment } from "../load";

interface Props {
  params: Promise<{ project: string; deployment: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, deployment } = await params;
  return { title: pageTitle(decodeSegment(deployment), "Deployments", project) };
}

export default async function DeploymentPage({ params }: Props) {
  const { project: slug, deployment: rawName } = await params;
  const { project, canRead, canWrite, canPredict } = await deploymentAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="deployments" />;
  // Loaded under the URL's spelling; the client asks again under the canonical name (same answer).
  const d = await loadDeployment(project.slug, rawName);
  const queryClient = getQueryClient();
  queryClient.setQueryData(trpc.deployments.get.queryKey({ project: project.slug, deployment: d.name }), d);
  const primary = primaryRoute(d.traffic);
  await Promise.all([
    canPredict && primary ? queryClient.prefetchQuery(trpc.registry.getVersion.queryOptions({ project: project.slug, model: d.model, version: primary.version })) : null,
    canWrite ? queryClient.prefetchQuery(trpc.deployments.deployableVersions.queryOptions({ project: project.slug, model: d.model, environment: d.environment })) : null,
  ]);
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={<Breadcrumbs items={[{ label: "Deployments", href: deploymentsPath(project.slug) }, { label: d.name }]} />}
        title={
          <span className="flex flex-wrap items-center gap-3">
            {d.name} <EnvironmentBadge environment={d.environment} />
          </span>
        }
        description={
          <>
            Serves model{" "}
            <Link className="text-accent-700 underline-offset-4 hover:underline" href={modelPath(project.slug, d.model)}>
              {d.model}
            </Link>{" "}
            in {d.environment}. Created by {d.createdBy?.name ?? "someone"} on {formatDateTime(d.createdAt)}.
          </>
        }
      />
      <DeploymentView project={project.slug} deployment={d.name} canWrite={canWrite} canPredict={canPredict} />
    </HydrateClient>
  );
}
