"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { HistoryCard, PointInTimeCard } from "./history-card";
import { TrafficCard } from "./traffic-card";
import { TrafficEditor } from "./traffic-editor";
import { TryItCard } from "./try-it-card";

/** The deployment page's body: current traffic (promote, roll back), the split editor, try it, history. */
export function DeploymentView({ project, deployment: name, canWrite, canPredict }: { project: string; deployment: string; canWrite: boolean; canPredict: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.deployments.get.queryOptions({ project, deployment: name }));
  if (query.isError) return <Alert tone="error">{query.error.message || "The deployment could not be loaded. Reload the page to try again."}</Alert>;
  const d = query.data;
  if (!d) return <p className="text-sm text-zinc-500">Loading the deployment…</p>;
  return (
    <div className="space-y-6" data-testid="deployment-view" data-deployment={d.name} data-revision={d.currentRevision}>
      <div className="grid gap-6 xl:grid-cols-2">
        <TrafficCard project={project} deployment={d} canWrite={canWrite} />
        {canWrite ? <TrafficEditor project={project} deployment={d} /> : <PointInTimeCard project={project} deployment={d} />}
      </div>
      {canPredict ? <TryItCard project={project} deployment={d} /> : null}
      <HistoryCard deployment={d} />
      {canWrite ? <PointInTimeCard project={project} deployment={d} /> : null}
    </div>
  );
}
