"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, EmptyState, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { AliasBadge } from "./badges";
import { sortAliases } from "./logic";
import { NewModelButton } from "./new-model-button";
import { modelPath, versionPath } from "./paths";

export function ModelsList({ project, canWrite }: { project: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.registry.listModels.queryOptions({ project }));
  const items = list.data?.items ?? [];
  if (list.isError) return <Alert tone="error">{list.error.message || "The models could not be loaded. Reload the page to try again."}</Alert>;
  if (!list.isPending && items.length === 0) {
    return (
      <EmptyState title="No registered models yet" actions={canWrite ? <NewModelButton project={project} /> : null}>
        <p>A registered model collects the versions of one model. Each version is registered from a succeeded training run and keeps its metrics, signature and lineage.</p>
        <p>
          {canWrite
            ? "Create a model, then register a version from a succeeded run on its page."
            : "Your role can browse the registry but not add to it: ask a data scientist or an owner of this project."}
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <Table aria-label="Registered models" data-testid="models-table" aria-busy={list.isFetching || undefined}>
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Description</TH>
            <TH>Latest version</TH>
            <TH>Aliases</TH>
            <TH>Updated</TH>
          </TR>
        </THead>
        <TBody>
          {list.isPending ? (
            <TR>
              <TD colSpan={5} className="text-zinc-500">
                Loading models…
              </TD>
            </TR>
          ) : null}
          {items.map((m) => {
            const aliases = sortAliases(Object.keys(m.aliases), m.protectedAliases);
            return (
              <TR key={m.id} data-testid="model-row" data-model={m.name}>
                <TD className="font-medium whitespace-nowrap">
                  <Link href={modelPath(project, m.name)} className="text-accent-700 underline-offset-4 hover:underline">
                    {m.name}
                  </Link>
                </TD>
                <TD className="max-w-xs text-zinc-600">
                  <span className="line-clamp-2">{m.description || <span className="text-zinc-400">No description</span>}</span>
                </TD>
                <TD className="whitespace-nowrap tabular-nums">
                  {m.latestVersion !== null ? (
                    <Link href={versionPath(project, m.name, m.latestVersion)} className="text-accent-700 underline-offset-4 hover:underline">
                      v{m.latestVersion}
                    </Link>
                  ) : (
                    <span className="text-zinc-400">No versions</span>
                  )}
                  {m.versionCount > 0 ? (
                    <span className="ml-2 text-xs text-zinc-500">
                      {m.versionCount} {m.versionCount === 1 ? "version" : "versions"}
                    </span>
                  ) : null}
                </TD>
                <TD>
                  {aliases.length === 0 ? (
                    <span className="text-zinc-400">—</span>
                  ) : (
                    <span className="flex flex-wrap gap-1">
                      {aliases.map((a) => (
                        <span key={a} className="inline-flex items-center gap-1">
                          <AliasBadge alias={a} isProtected={m.protectedAliases.includes(a)} />
                          <span className="text-xs text-zinc-500 tabular-nums">v{m.aliases[a]}</span>
                        </span>
                      ))}
                    </span>
                  )}
                </TD>
                <TD className="whitespace-nowrap text-zinc-600" title={formatDateTime(m.updatedAt)}>
                  <time dateTime={m.updatedAt} suppressHydrationWarning>
                    {formatRelative(m.updatedAt)}
                  </time>
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
    </div>
  );
}
