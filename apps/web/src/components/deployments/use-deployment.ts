"use client";

import type { DeploymentDetail } from "@keel/api";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

/** Puts a mutation's answer (the deployment after the change) in the cache and refreshes lists. */
export function useApplyDeployment(project: string): (d: DeploymentDetail) => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async (d) => {
    queryClient.setQueryData(trpc.deployments.get.queryKey({ project, deployment: d.name }), d);
    await Promise.all([queryClient.invalidateQueries(trpc.deployments.list.pathFilter()), queryClient.invalidateQueries(trpc.deployments.forVersion.pathFilter())]);
  };
}
