import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { QualityBadge } from "~/components/datasets/badges";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { MissingChart } from "~/components/datasets/charts";
import { ColumnProfileCard } from "~/components/datasets/column-profiles";
import { LineageCard } from "~/components/datasets/lineage-card";
import { comparePath, datasetPath, datasetsPath, downloadUrl, parseVersionRef, versionPath } from "~/components/datasets/paths";
import { QualityReportCard } from "~/components/datasets/quality-report";
import { RowPreview } from "~/components/datasets/row-preview";
import { PREVIEW_PAGE_SIZE } from "~/components/datasets/labels";
import { SchemaChangesList } from "~/components/datasets/schema-changes";
import { SchemaTable } from "~/components/datasets/schema-table";
import { VersionSummary } from "~/components/datasets/version-summary";
import { Forbidden } from "~/components/forbidden";
import { Alert, buttonClasses, Card, LinkButton, PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { formatCount, formatShape } from "~/lib/format-data";
import { getQueryClient, HydrateClient, trpc } from "~/trpc/server";
import { datasetAccess, decodeSegment, orNotFound } from "../../../load";

interface Props {
  params: Promise<{ project: string; dataset: string; version: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, dataset, version } = await params;
  return { title: pageTitle(`Version ${version}`, decodeSegment(dataset), "Datasets", project) };
}

export default async function VersionPage({ params }: Props) {
  const { project: slug, dataset: rawName, version: rawVersion } = await params;
  const { project, canRead, canOverride } = await datasetAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="datasets" />;
  const ref = parseVersionRef(rawVersion);
  if (ref === null) notFound();
  const requested = decodeSegment(rawName);
  const v = await orNotFound(getQueryClient().fetchQuery(trpc.datasets.getVersion.queryOptions({ project: project.slug, dataset: requested, version: ref })));
  // One address per version: the dataset's own spelling and a number ("latest" moves).
  if (v.dataset !== requested || ref === "latest") redirect(versionPath(project.slug, v.dataset, v.version));

  // The first page of rows comes with the page (no loading flash).
  await getQueryClient().prefetchQuery(
    trpc.datasets.versionRows.queryOptions({ project: project.slug, dataset: v.dataset, version: v.version, offset: 0, limit: PREVIEW_PAGE_SIZE }),
  );
  // Runs, models, deployments and batch scores that used this version (read with the page).
  const lineage = await getQueryClient().fetchQuery(trpc.datasets.lineage.queryOptions({ project: project.slug, dataset: v.dataset, version: v.version }));
  const failed = v.quality.status === "fail";
  const missing = v.profile.columns.map((c) => ({ name: c.name, missing: c.missing, rowCount: v.rowCount }));
  const anyMissing = missing.some((c) => c.missing > 0);
  return (
    <HydrateClient>
      <PageHeader
        eyebrow={
          <Breadcrumbs
            items={[
              { label: "Datasets", href: datasetsPath(project.slug) },
              { label: v.dataset, href: datasetPath(project.slug, v.dataset) },
              { label: `Version ${v.version}` },
            ]}
          />
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {v.dataset} <span className="text-zinc-400">·</span> version {v.version}
            <QualityBadge status={v.quality.status} overridden={v.qualityOverridden} />
          </span>
        }
        description={`${formatShape(v.rowCount, v.columnCount)}. Immutable: this version's bytes, schema, profile and quality report never change.`}
        actions={
          <>
            {v.parentVersion !== null ? (
              <LinkButton href={comparePath(project.slug, v.dataset, v.parentVersion, v.version)}>Compare with v{v.parentVersion}</LinkButton>
            ) : null}
            <a href={downloadUrl(project.slug, v.dataset, v.version)} download className={buttonClasses("primary")} data-testid="download">
              Download
            </a>
          </>
        }
      />
      {failed ? (
        <Alert tone={v.qualityOverridden ? "info" : "error"} className="mb-8" title={v.qualityOverridden ? "Failed its quality checks — overridden" : "This version failed its quality checks"}>
          {v.qualityOverridden
            ? "A data scientist recorded a reason to train on it anyway (see the overrides below)."
            : "Training on this version is refused until a data scientist overrides with a reason."}
        </Alert>
      ) : null}
      <div className="space-y-8">
        <VersionSummary project={project.slug} version={v} />
        <QualityReportCard project={project.slug} version={v} canOverride={canOverride} />
        <Card
          id="schema"
          title="Schema"
          description={v.schemaChanges.against !== null ? `Columns in file order; changes since version ${v.schemaChanges.against} are highlighted.` : "Columns in file order."}
        >
          {v.schemaChanges.against !== null ? (
            <div className="mb-4">
              <SchemaChangesList changes={v.schemaChanges} />
            </div>
          ) : null}
          <div className="-mx-5 -mb-4">
            <SchemaTable version={v} />
          </div>
        </Card>
        <RowPreview project={project.slug} dataset={v.dataset} version={v.version} rowCount={v.rowCount} />
        <Card id="missing" title="Missing values" description="Share of rows without a value, per column.">
          {anyMissing ? (
            <MissingChart columns={missing} />
          ) : (
            <p className="text-sm text-zinc-600" data-testid="no-missing">
              No missing values: every one of the {formatCount(v.rowCount)} rows has a value in each of the {formatCount(v.columnCount)} columns.
            </p>
          )}
        </Card>
        <section aria-labelledby="profiles-title">
          <h2 id="profiles-title" className="text-base font-semibold text-zinc-900">
            Column profiles
          </h2>
          <p className="mt-1 mb-4 text-sm text-zinc-600">
            Computed over every row when the version was uploaded. Quantiles use linear interpolation; the standard deviation is the sample one (n−1).
          </p>
          <div className="grid gap-4 lg:grid-cols-2">
            {v.profile.columns.map((c) => (
              <ColumnProfileCard key={c.name} profile={c} rowCount={v.rowCount} />
            ))}
          </div>
        </section>
        <LineageCard project={project.slug} lineage={lineage} />
      </div>
    </HydrateClient>
  );
}
