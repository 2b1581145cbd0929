"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { AliasHistory } from "./alias-history";
import { AliasesPanel } from "./aliases-panel";
import { PolicyCard } from "./policy-card";
import { useSucceededRuns } from "./use-registrable-runs";
import { VersionsTable, type RunRef } from "./versions-table";

export interface ModelViewProps {
  project: string;
  model: string;
  canWrite: boolean;
  canWriteAlias: boolean;
  canProtect: boolean;
  canReadApprovals: boolean;
  canEditPolicy: boolean;
  canReadExperiments: boolean;
}

/** The model page below its header: versions, aliases, approval policy, alias history. */
export function ModelView(props: ModelViewProps) {
  const { project, model: name } = props;
  const trpc = useTRPC();
  const detail = useQuery(trpc.registry.getModel.queryOptions({ project, model: name }));
  const runs = useSucceededRuns(project, props.canReadExperiments);
  if (detail.isError) return <Alert tone="error">{detail.error.message || "The model could not be loaded. Reload the page to try again."}</Alert>;
  if (!detail.data) return <p className="text-sm text-zinc-500">Loading the model…</p>;
  const model = detail.data;
  const runMap = new Map<string, RunRef>((runs.data?.items ?? []).map((r) => [r.id, r]));
  return (
    <div className="space-y-8">
      <section aria-labelledby="versions-title" className="space-y-3">
        <h2 id="versions-title" className="text-base font-semibold text-zinc-900">
          Versions <span className="font-normal text-zinc-500 tabular-nums">({model.versions.length})</span>
        </h2>
        <VersionsTable project={project} model={model} runs={runMap} canRegister={props.canWrite} />
      </section>
      <div className="grid gap-6 lg:grid-cols-2">
        <AliasesPanel project={project} model={model} canWriteAlias={props.canWriteAlias} canProtect={props.canProtect} />
        {props.canReadApprovals ? <PolicyCard project={project} model={model.name} canEdit={props.canEditPolicy} /> : null}
      </div>
      <AliasHistory project={project} model={model.name} protectedAliases={model.protectedAliases} />
    </div>
  );
}
