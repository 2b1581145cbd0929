import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { QualityBadge } from "~/components/datasets/badges";
import { datasetPath, datasetsPath, versionPath } from "~/components/datasets/paths";
import { QualityRulesCard } from "~/components/datasets/quality-rules-card";
import { UploadCard } from "~/components/datasets/upload-card";
import { Stat } from "~/components/datasets/stat";
import { actorName, SCHEMA_DETAIL_LIMIT } from "~/components/datasets/labels";
import { VersionsTimeline } from "~/components/datasets/versions-timeline";
import { Forbidden } from "~/components/forbidden";
import { LinkButton, PageHeader } from "~/components/ui";
import { formatDateTime, formatRelative, pageTitle } from "~/lib/format";
import { formatCount, formatShape } from "~/lib/format-data";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { datasetAccess, decodeSegment, orNotFound } from "../load";

interface Props {
  params: Promise<{ project: string; dataset: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, dataset } = await params;
  return { title: pageTitle(decodeSegment(dataset), "Datasets", project) };
}

export default async function DatasetPage({ params }: Props) {
  const { project: slug, dataset: rawName } = await params;
  const { project, canRead, canWrite } = await datasetAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="datasets" />;
  const queryClient = getQueryClient();
  const key = { project: project.slug, dataset: decodeSegment(rawName) };
  const [dataset, versions] = await orNotFound(
    Promise.all([queryClient.fetchQuery(trpc.datasets.get.queryOptions(key)), queryClient.fetchQuery(trpc.datasets.listVersions.queryOptions(key))]),
  );
  const name = dataset.name;
  // Names ignore case: one address per dataset.
  if (name !== key.dataset) redirect(datasetPath(project.slug, name));
  const input = { project: project.slug, dataset: name };
  // Each version's detail carries its schema changes (shown in the timeline) and the latest one's columns feed the rules editor.
  const details = await Promise.all(
    versions.items
      .slice(0, SCHEMA_DETAIL_LIMIT)
      .filter((v, i) => i === 0 || v.parentVersion !== null)
      .map((v) => queryClient.fetchQuery(trpc.datasets.getVersion.queryOptions({ ...input, version: v.version }))),
  );
  const latest = dataset.latestVersion;
  const latestColumns = (latest ? details.find((d) => d.version === latest.version)?.columns : undefined) ?? [];

  return (
    <HydrateClient>
      <PageHeader
        eyebrow={<Breadcrumbs items={[{ label: "Datasets", href: datasetsPath(project.slug) }, { label: name }]} />}
        title={name}
        description={dataset.description || "No description."}
        actions={
          latest ? (
            <LinkButton href={versionPath(project.slug, name, latest.version)} variant="secondary">
              Latest version (v{latest.version})
            </LinkButton>
          ) : null
        }
      />
      <dl className="mb-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="dataset-stats">
        <Stat label="Versions">{formatCount(dataset.versionCount)}</Stat>
        <Stat label="Latest shape">{latest ? formatShape(latest.rowCount, latest.columnCount) : "—"}</Stat>
        <Stat label="Latest quality">{latest ? <QualityBadge status={latest.qualityStatus} overridden={latest.qualityOverridden} /> : "—"}</Stat>
        <Stat label="Updated">
          <span title={formatDateTime(dataset.updatedAt)}>{formatRelative(dataset.updatedAt)}</span>
          <span className="block text-xs text-zinc-500">created by {actorName(dataset.createdBy)}</span>
        </Stat>
      </dl>
      <div className="space-y-8">
        {canWrite ? <UploadCard project={project.slug} dataset={name} /> : null}
        <VersionsTimeline project={project.slug} dataset={name} canWrite={canWrite} />
        <QualityRulesCard project={project.slug} dataset={name} columns={latestColumns} canWrite={canWrite} />
      </div>
    </HydrateClient>
  );
}
