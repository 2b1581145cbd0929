import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { Forbidden } from "~/components/forbidden";
import { batchScoresInput } from "~/components/registry/batch-scores-logic";
import { modelPath, modelsPath } from "~/components/registry/paths";
import { VersionActions } from "~/components/registry/version-actions";
import { VersionView } from "~/components/registry/version-view";
import { PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, orNotFound, registryAccess } from "../../../load";

interface Props {
  params: Promise<{ project: string; model: string; version: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, model, version } = await params;
  return { title: pageTitle(`Version ${version}`, decodeSegment(model), "Models", project) };
}

export default async function ModelVersionPage({ params }: Props) {
  const { project: slug, model: rawName, version: rawVersion } = await params;
  const access = await registryAccess(slug);
  const { project } = access;
  if (!access.canRead) return <Forbidden project={project.slug} role={project.role} what="models" />;
  if (!/^[1-9]\d{0,8}$/.test(rawVersion)) notFound();
  const version = Number(rawVersion);
  const canScore = project.permissions.includes("registry.score");
  const canReadDatasets = project.permissions.includes("dataset.read");
  const qc = getQueryClient();
  const input = { project: project.slug, model: decodeSegment(rawName) };
  const mv = await orNotFound(qc.fetchQuery(trpc.registry.getVersion.queryOptions({ ...input, version })));
  await Promise.all([
    qc.prefetchQuery(trpc.registry.getModel.queryOptions({ project: project.slug, model: mv.model })),
    access.canReadDeployments ? qc.prefetchQuery(trpc.deployments.list.queryOptions({ project: project.slug })) : null,
    access.canReadExperiments ? qc.prefetchQuery(trpc.experiments.getRun.queryOptions({ project: project.slug, run: mv.runId })) : null,
    access.canReadApprovals ? qc.prefetchQuery(trpc.approvals.list.queryOptions({ project: project.slug, model: mv.model })) : null,
    qc.prefetchQuery(trpc.scoring.listBatchScores.queryOptions(batchScoresInput(project.slug, mv.model))),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={
          <Breadcrumbs items={[{ label: "Models", href: modelsPath(project.slug) }, { label: mv.model, href: modelPath(project.slug, mv.model) }, { label: `Version ${mv.version}` }]} />
        }
        title={`${mv.model} · version ${mv.version}`}
        description="An immutable version registered from a succeeded run: its signature, metrics, lineage and model card."
        actions={<VersionActions project={project.slug} model={mv.model} version={mv.version} canWrite={access.canWrite} canRequest={access.canRequest} />}
      />
      <VersionView
        project={project.slug}
        model={mv.model}
        version={mv.version}
        canWrite={access.canWrite}
        canReadApprovals={access.canReadApprovals}
        canReadDeployments={access.canReadDeployments}
        canReadExperiments={access.canReadExperiments}
        canScore={canScore}
        canReadDatasets={canReadDatasets}
      />
    </HydrateClient>
  );
}
