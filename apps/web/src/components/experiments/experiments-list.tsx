"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, EmptyState, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { NewExperimentButton } from "./new-experiment-button";
import { experimentPath } from "./paths";

export function ExperimentsList({ project, canWrite }: { project: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(
    trpc.experiments.list.queryOptions(
      { project },
      { refetchInterval: (q) => ((q.state.data?.items ?? []).some((e) => e.activeRunCount > 0) ? 3000 : false) },
    ),
  );
  const items = list.data?.items ?? [];
  if (list.isError) return <Alert tone="error">{list.error.message || "The experiments could not be loaded. Reload the page to try again."}</Alert>;
  if (!list.isPending && items.length === 0) {
    return (
      <EmptyState title="No experiments yet" actions={canWrite ? <NewExperimentButton project={project} /> : null}>
        <p>An experiment groups training runs: each run trains a model on a dataset version and records its parameters, metric curves and evaluation.</p>
        <p>
          {canWrite
            ? "Create an experiment, then launch a run on it from a dataset version."
            : "Your role can browse experiments but not create them: ask a data scientist or an owner of this project."}
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <Table aria-label="Experiments" data-testid="experiments-table" aria-busy={list.isFetching || undefined}>
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Description</TH>
            <TH className="text-right">Runs</TH>
            <TH className="text-right">Active</TH>
            <TH>Last run</TH>
            <TH>Created by</TH>
          </TR>
        </THead>
        <TBody>
          {list.isPending ? (
            <TR>
              <TD colSpan={6} className="text-zinc-500">
                Loading experiments…
              </TD>
            </TR>
          ) : null}
          {items.map((e) => (
            <TR key={e.id} data-experiment={e.name}>
              <TD className="font-medium whitespace-nowrap">
                <Link href={experimentPath(project, e.name)} className="text-accent-700 underline-offset-4 hover:underline">
                  {e.name}
                </Link>
              </TD>
              <TD className="max-w-xs text-zinc-600">
                <span className="line-clamp-2">{e.description || <span className="text-zinc-400">No description</span>}</span>
              </TD>
              <TD className="text-right tabular-nums">{e.runCount}</TD>
              <TD className="text-right tabular-nums">{e.activeRunCount > 0 ? <span className="font-medium text-accent-700">{e.activeRunCount}</span> : "0"}</TD>
              <TD className="whitespace-nowrap text-zinc-600" title={formatDateTime(e.lastRunAt)}>
                <time dateTime={e.lastRunAt ?? undefined} suppressHydrationWarning>
                  {formatRelative(e.lastRunAt)}
                </time>
              </TD>
              <TD className="whitespace-nowrap text-zinc-600">{e.createdBy?.name ?? "—"}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
