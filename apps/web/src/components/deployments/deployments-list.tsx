"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, EmptyState, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { EnvironmentBadge } from "./badges";
import { deploymentPath, modelPath } from "./paths";
import { liveSummary, shadowSummary } from "./traffic";

/** The project's deployments: model, environment, live split, shadow routes, last change. */
export function DeploymentsList({ project, canWrite }: { project: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.deployments.list.queryOptions({ project }));
  const items = list.data?.items ?? [];
  if (list.isError) return <Alert tone="error">{list.error.message || "The deployments could not be loaded. Reload the page to try again."}</Alert>;
  if (!list.isPending && items.length === 0) {
    return (
      <EmptyState title="No deployments yet">
        <p>A deployment serves a registered model in staging or production, splitting live traffic across its versions (a canary) and copying it to shadow versions.</p>
        <p>
          {canWrite
            ? "Register a model version first, then create a deployment of it with “New deployment”. Production takes only versions approved for it."
            : "Your role can see deployments and try them, but not change them: ask a data scientist or an owner of this project."}
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <Table aria-label="Deployments" data-testid="deployments-table" aria-busy={list.isFetching || undefined}>
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Model</TH>
            <TH>Environment</TH>
            <TH>Live split</TH>
            <TH>Shadow</TH>
            <TH className="text-right">Revision</TH>
            <TH>Updated</TH>
          </TR>
        </THead>
        <TBody>
          {list.isPending ? (
            <TR>
              <TD colSpan={7} className="text-zinc-500">
                Loading deployments…
              </TD>
            </TR>
          ) : null}
          {items.map((d) => {
            const live = liveSummary(d.traffic);
            const shadow = shadowSummary(d.traffic);
            return (
              <TR key={d.id} data-testid="deployment-row" data-deployment={d.name} data-split={live}>
                <TD className="font-medium whitespace-nowrap">
                  <Link href={deploymentPath(project, d.name)} className="text-accent-700 underline-offset-4 hover:underline">
                    {d.name}
                  </Link>
                </TD>
                <TD className="whitespace-nowrap">
                  <Link href={modelPath(project, d.model)} className="text-zinc-700 underline-offset-4 hover:underline">
                    {d.model}
                  </Link>
                </TD>
                <TD>
                  <EnvironmentBadge environment={d.environment} />
                </TD>
                <TD className="whitespace-nowrap tabular-nums" data-testid="deployment-split">
                  {live}
                </TD>
                <TD className="whitespace-nowrap text-zinc-600">{shadow || <span className="text-zinc-400">none</span>}</TD>
                <TD className="text-right tabular-nums text-zinc-600">{d.currentRevision}</TD>
                <TD className="whitespace-nowrap text-zinc-600" title={formatDateTime(d.updatedAt)}>
                  <time dateTime={d.updatedAt} suppressHydrationWarning>
                    {formatRelative(d.updatedAt)}
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
