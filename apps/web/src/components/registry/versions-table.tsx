"use client";

import type { ModelDetail } from "@keel/api";
import Link from "next/link";
import { EmptyState, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { AliasBadge, VersionStatusBadge } from "./badges";
import { formatMetricValue, keyMetricNames, sortAliases } from "./logic";
import { runPathById, versionPath } from "./paths";

export interface RunRef {
  id: string;
  name: string;
  number: number;
  experiment: { name: string };
}

/** The versions of a model, newest first: status, run, aliases, key metrics, who registered it and when. */
export function VersionsTable({ project, model, runs, canRegister }: { project: string; model: ModelDetail; runs: ReadonlyMap<string, RunRef>; canRegister: boolean }) {
  const versions = [...model.versions].sort((a, b) => b.version - a.version);
  const metricNames = keyMetricNames(versions, 3);
  if (versions.length === 0) {
    return (
      <EmptyState title="No versions yet">
        <p>A version is registered from a succeeded training run: its model, preprocessing pipeline, signature and metrics are frozen into it.</p>
        <p>{canRegister ? "Use “Register version” above to register the first version from one of the project's succeeded runs." : "A data scientist or an owner registers versions here."}</p>
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <Table aria-label={`Versions of ${model.name}`} data-testid="versions-table">
        <THead>
          <TR>
            <TH>Version</TH>
            <TH>Status</TH>
            <TH>Run</TH>
            <TH>Aliases</TH>
            {metricNames.map((m) => (
              <TH key={m} className="text-right normal-case">
                {m}
              </TH>
            ))}
            <TH>Created</TH>
          </TR>
        </THead>
        <TBody>
          {versions.map((v) => {
            const run = runs.get(v.runId);
            return (
              <TR key={v.id} data-testid="version-row" data-version={v.version} className={v.status === "archived" ? "text-zinc-500" : undefined}>
                <TD className="font-medium whitespace-nowrap">
                  <Link href={versionPath(project, model.name, v.version)} className="text-accent-700 underline-offset-4 hover:underline">
                    Version {v.version}
                  </Link>
                </TD>
                <TD>
                  <VersionStatusBadge status={v.status} />
                </TD>
                <TD className="whitespace-nowrap">
                  {run ? (
                    <Link href={runPathById(project, run.experiment.name, run.id)} className="text-accent-700 underline-offset-4 hover:underline" title={run.id}>
                      {run.name || `#${run.number}`}
                    </Link>
                  ) : (
                    <span className="font-mono text-xs text-zinc-600">{v.runId}</span>
                  )}
                  {run ? <span className="ml-1 text-xs text-zinc-500">{run.experiment.name}</span> : null}
                </TD>
                <TD>
                  {v.aliases.length === 0 ? (
                    <span className="text-zinc-400">—</span>
                  ) : (
                    <span className="flex flex-wrap gap-1">
                      {sortAliases(v.aliases, model.protectedAliases).map((a) => (
                        <AliasBadge key={a} alias={a} isProtected={model.protectedAliases.includes(a)} />
                      ))}
                    </span>
                  )}
                </TD>
                {metricNames.map((m) => (
                  <TD key={m} className="text-right tabular-nums">
                    {formatMetricValue(v.metrics[m])}
                  </TD>
                ))}
                <TD className="whitespace-nowrap text-zinc-600">
                  <time dateTime={v.createdAt} title={formatDateTime(v.createdAt)} suppressHydrationWarning>
                    {formatRelative(v.createdAt)}
                  </time>
                  <span className="block text-xs text-zinc-500">{v.createdBy?.name ?? "—"}</span>
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
    </div>
  );
}
