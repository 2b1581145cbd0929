"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { succeededRunsInput } from "./logic";


/** The project's succeeded runs (newest 200), or nothing when the role cannot read experiments. */
export function useSucceededRuns(project: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.experiments.listRuns.queryOptions(succeededRunsInput(project)), enabled });
}
