import type { VersionComparison } from "@keel/api";
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { CompareColumns } from "~/components/datasets/compare-columns";
import { CompareForm } from "~/components/datasets/compare-form";
import { comparePath, datasetPath, datasetsPath, firstParam, parseVersionRef, versionPath } from "~/components/datasets/paths";
import { SchemaChangesList } from "~/components/datasets/schema-changes";
import { Stat } from "~/components/datasets/stat";
import { Forbidden } from "~/components/forbidden";
import { Alert, Card, EmptyState, LinkButton, PageHeader } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { formatCount, formatDelta, formatPercent } from "~/lib/format-data";
import { api } from "~/trpc/server";
import { datasetAccess, decodeSegment, orNotFound } from "../../load";

interface Props {
  params: Promise<{ project: string; dataset: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project, dataset } = await params;
  return { title: pageTitle("Compare versions", decodeSegment(dataset), "Datasets", project) };
}

/** A refusal the person can act on (unknown version, …) is shown on the page; anything else is a real error. */
async function compare(run: () => Promise<VersionComparison>): Promise<{ ok: true; value: VersionComparison } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") return { ok: false, message: err.message };
    throw err;
  }
}

export default async function ComparePage({ params, searchParams }: Props) {
  const { project: slug, dataset: rawName } = await params;
  const query = await searchParams;
  const { project, canRead } = await datasetAccess(slug);
  if (!canRead) return <Forbidden project={project.slug} role={project.role} what="datasets" />;
  const caller = await api();
  const requested = decodeSegment(rawName);
  const dataset = await orNotFound(caller.datasets.get({ project: project.slug, dataset: requested }));
  const name = dataset.name;
  const numbers = (await caller.datasets.listVersions({ project: project.slug, dataset: name })).items.map((v) => v.version);
  const base = parseVersionRef(firstParam(query.base));
  const target = parseVersionRef(firstParam(query.target));
  const [newest, previous] = numbers;
  if (name !== requested || ((base === null || target === null) && newest !== undefined && previous !== undefined)) {
    redirect(comparePath(project.slug, name, typeof base === "number" ? base : (previous ?? 1), typeof target === "number" ? target : (newest ?? 1)));
  }

  const header = (
    <PageHeader
      eyebrow={
        <Breadcrumbs
          items={[
            { label: "Datasets", href: datasetsPath(project.slug) },
            { label: name, href: datasetPath(project.slug, name) },
            { label: "Compare" },
          ]}
        />
      }
      title={typeof base === "number" && typeof target === "number" ? `Compare v${base} → v${target}` : "Compare versions"}
      description="What changed between two versions: the schema, the row count and each column's distribution."
    />
  );
  if (numbers.length < 2 || base === null || target === null) {
    return (
      <>
        {header}
        <EmptyState title="Two versions are needed to compare" actions={<LinkButton href={datasetPath(project.slug, name)}>Back to {name}</LinkButton>}>
          <p>
            {name} has {numbers.length === 0 ? "no versions yet" : "one version"}. Upload another file on the dataset page; then compare it with the
            previous one here.
          </p>
        </EmptyState>
      </>
    );
  }

  const result = await compare(() => caller.datasets.compareVersions({ project: project.slug, dataset: name, base, target }));
  return (
    <>
      {header}
      <div className="mb-8 rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
        <CompareForm project={project.slug} dataset={name} versions={numbers} base={typeof base === "number" ? base : undefined} target={typeof target === "number" ? target : undefined} />
      </div>
      {result.ok ? <Comparison project={project.slug} dataset={name} c={result.value} /> : <Alert tone="error" title="These versions cannot be compared">{result.message}</Alert>}
    </>
  );
}

function Comparison({ project, dataset, c }: { project: string; dataset: string; c: VersionComparison }) {
  const { reference, current, delta } = c.rowCount;
  const diff = c.schemaDiff;
  return (
    <div className="space-y-8">
      {c.base.version === c.target.version ? <Alert tone="info">Both sides are version {c.base.version}: pick two different versions to see changes.</Alert> : null}
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="compare-stats">
        <Stat label={`Reference · v${c.base.version}`}>
          <Link href={versionPath(project, dataset, c.base.version)} className="underline-offset-4 hover:underline">
            {formatCount(reference)} rows
          </Link>
        </Stat>
        <Stat label={`Current · v${c.target.version}`}>
          <Link href={versionPath(project, dataset, c.target.version)} className="underline-offset-4 hover:underline">
            {formatCount(current)} rows
          </Link>
        </Stat>
        <Stat label="Row count change" testId="row-delta">
          <span className={delta > 0 ? "text-emerald-700" : delta < 0 ? "text-red-700" : undefined}>{formatDelta(delta)}</span>
          {reference > 0 && delta !== 0 ? <span className="ml-1 text-xs font-normal text-zinc-500">({delta > 0 ? "+" : "−"}{formatPercent(Math.abs(delta) / reference)})</span> : null}
        </Stat>
        <Stat label="Columns">
          {diff.added.length} added · {diff.removed.length} removed · {diff.changed.length} changed
        </Stat>
      </dl>
      <Card id="schema-diff" title="Schema" description={`Columns of v${c.target.version} against v${c.base.version}.`}>
        <SchemaChangesList changes={diff} />
      </Card>
      <CompareColumns columns={c.columns} base={c.base.version} target={c.target.version} />
    </div>
  );
}
