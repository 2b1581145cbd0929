import type { Metadata } from "next";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { Forbidden } from "~/components/forbidden";
import { ModelView } from "~/components/registry/model-view";
import { modelsPath } from "~/components/registry/paths";
import { RegisterVersionButton } from "~/components/registry/register-version-button";
import { succeededRunsInput } from "~/components/registry/logic";
import { PageHeader } from "~/components/ui";
import { formatDateTime, pageTitle } from "~/lib/format";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { decodeSegment, orNotFound, registryAccess } from "../load";

interface Props {
  params: Promise<{ project: string; model: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, model } = await params;
  return { title: pageTitle(decodeSegment(model), "Models", project) };
}

export default async function ModelPage({ params }: Props) {
  const { project: slug, model: rawName } = await params;
  const access = await registryAccess(slug);
  const { project } = access;
  if (!access.canRead) return <Forbidden project={project.slug} role={project.role} what="models" />;
  const qc = getQueryClient();
  const model = await orNotFound(qc.fetchQuery(trpc.registry.getModel.queryOptions({ project: project.slug, model: decodeSegment(rawName) })));
  await Promise.all([
    qc.prefetchQuery(trpc.registry.aliasHistory.queryOptions({ project: project.slug, model: model.name })),
    access.canReadApprovals ? qc.prefetchQuery(trpc.approvals.getPolicy.queryOptions({ project: project.slug, model: model.name })) : null,
    access.canReadExperiments ? qc.prefetchQuery(trpc.experiments.listRuns.queryOptions(succeededRunsInput(project.slug))) : null,
  ]);
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={<Breadcrumbs items={[{ label: "Models", href: modelsPath(project.slug) }, { label: model.name }]} />}
        title={model.name}
        description={
          <>
            {model.description || "No description."}{" "}
            <span className="text-zinc-500">
              Created by {model.createdBy?.name ?? "—"}, {formatDateTime(model.createdAt)}.
            </span>
          </>
        }
        actions={access.canWrite ? <RegisterVersionButton project={project.slug} model={model.name} /> : null}
      />
      <ModelView
        project={project.slug}
        model={model.name}
        canWrite={access.canWrite}
        canWriteAlias={access.canWriteAlias}
        canProtect={access.canProtect}
        canReadApprovals={access.canReadApprovals}
        canEditPolicy={access.canEditPolicy}
        canReadExperiments={access.canReadExperiments}
      />
    </HydrateClient>
  );
}
