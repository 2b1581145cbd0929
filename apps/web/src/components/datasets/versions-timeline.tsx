"use client";

import { useQueries, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, Badge, Card, EmptyState } from "~/components/ui";
import { CopyButton } from "~/components/ui/copy-button";
import { formatDateTime, formatRelative } from "~/lib/format";
import { formatBytes, formatShape, shortSha } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { QualityBadge } from "./badges";
import { CompareForm } from "./compare-form";
import { actorName, FORMAT_LABEL, SCHEMA_DETAIL_LIMIT } from "./labels";
import { comparePath, versionPath } from "./paths";
import { SchemaChangesList } from "./schema-changes";

export function VersionsTimeline({ project, dataset, canWrite }: { project: string; dataset: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.datasets.listVersions.queryOptions({ project, dataset }));
  const items = versions.data?.items ?? [];
  const withParent = items.slice(0, SCHEMA_DETAIL_LIMIT).filter((v) => v.parentVersion !== null);
  const details = useQueries({
    queries: withParent.map((v) => trpc.datasets.getVersion.queryOptions({ project, dataset, version: v.version })),
  });
  const changesOf = new Map(details.flatMap((d) => (d.data ? [[d.data.version, d.data.schemaChanges] as const] : [])));

  return (
    <Card
      id="versions"
      title="Versions"
      description="Newest first. Versions never change: a correction is a new upload."
      actions={items.length >= 2 ? <CompareForm project={project} dataset={dataset} versions={items.map((v) => v.version)} compact /> : null}
    >
      {versions.isError ? <Alert tone="error">{versions.error.message}</Alert> : null}
      {versions.isPending ? <p className="text-sm text-zinc-500">Loading versions…</p> : null}
      {!versions.isPending && items.length === 0 ? (
        <EmptyState as="h3" title="No versions yet" className="py-8">
          <p>
            {canWrite
              ? "Upload a CSV, TSV, JSON Lines or Parquet file above: it becomes version 1, with its schema, profile and quality report."
              : "A data scientist or an owner uploads files here; each upload becomes a version you can browse."}
          </p>
        </EmptyState>
      ) : null}
      <ol className="-my-1 divide-y divide-zinc-100" data-testid="versions-timeline">
        {items.map((v, i) => {
          const changes = changesOf.get(v.version);
          return (
            <li key={v.id} className="grid gap-3 py-4 sm:grid-cols-[4.5rem_1fr]" data-version={v.version}>
              <div className="flex items-start gap-2 sm:flex-col">
                <Link
                  href={versionPath(project, dataset, v.version)}
                  className="inline-flex h-8 min-w-12 items-center justify-center rounded-md bg-zinc-900 px-2 text-sm font-semibold text-white hover:bg-zinc-700"
                  aria-label={`Version ${v.version}`}
                >
                  v{v.version}
                </Link>
                {i === 0 ? <Badge tone="accent">latest</Badge> : null}
              </div>
              <div className="min-w-0 space-y-1.5">
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                  <span className="text-sm font-medium text-zinc-900 tabular-nums">{formatShape(v.rowCount, v.columnCount)}</span>
                  <QualityBadge status={v.qualityStatus} overridden={v.qualityOverridden} />
                </div>
                <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-zinc-600">
                  <span className="inline-flex items-center gap-1">
                    <span className="text-zinc-500">sha256</span>
                    <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-800" title={v.sha256} data-testid="version-sha">
                      {shortSha(v.sha256)}
                    </code>
                    <CopyButton value={v.sha256} label={`Copy the sha256 of version ${v.version}`} />
                  </span>
                  <span aria-hidden="true">·</span>
                  <span>{formatBytes(v.sizeBytes)}</span>
                  <span aria-hidden="true">·</span>
                  <span>{FORMAT_LABEL[v.format]}</span>
                  <span aria-hidden="true">·</span>
                  <span>
                    {v.source === "upload" ? "uploaded" : "written by a job"}
                    {v.filename ? (
                      <>
                        {" "}
                        as <span className="font-mono text-xs text-zinc-700">{v.filename}</span>
                      </>
                    ) : null}
                    {v.sourceRef ? <span className="font-mono text-xs text-zinc-700"> ({v.sourceRef})</span> : null}
                  </span>
                </p>
                <p className="text-sm text-zinc-600">
                  by {actorName(v.createdBy)} ·{" "}
                  <time dateTime={v.createdAt} title={formatDateTime(v.createdAt)} suppressHydrationWarning>
                    {formatRelative(v.createdAt)}
                  </time>
                  {v.parentVersion !== null ? (
                    <>
                      {" "}
                      · parent{" "}
                      <Link href={versionPath(project, dataset, v.parentVersion)} className="text-accent-700 underline-offset-4 hover:underline">
                        v{v.parentVersion}
                      </Link>
                    </>
                  ) : (
                    " · first version"
                  )}
                </p>
                {changes ? <SchemaChangesList changes={changes} compact /> : null}
                <div className="flex flex-wrap gap-x-4 gap-y-1 pt-0.5 text-sm">
                  <Link href={versionPath(project, dataset, v.version)} className="font-medium text-accent-700 underline-offset-4 hover:underline">
                    Profile and quality
                  </Link>
                  {v.parentVersion !== null ? (
                    <Link
                      href={comparePath(project, dataset, v.parentVersion, v.version)}
                      className="font-medium text-accent-700 underline-offset-4 hover:underline"
                    >
                      Compare with v{v.parentVersion}
                    </Link>
                  ) : null}
                </div>
              </div>
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
