"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ButtonVariant } from "~/components/ui";
import { NewNamedButton } from "~/components/ui/new-named-button";
import { useTRPC } from "~/trpc/react";
import { experimentPath } from "./paths";

/** "New experiment": a name and a description, then the experiment's page. */
export function NewExperimentButton({ project, variant = "primary" }: { project: string; variant?: ButtonVariant }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.experiments.create.mutationOptions({
      onSuccess: async (e) => {
        await queryClient.invalidateQueries(trpc.experiments.list.pathFilter());
        router.push(experimentPath(project, e.name));
      },
    }),
  );
  return (
    <NewNamedButton
      noun="experiment"
      example="churn-baseline"
      intro="An experiment groups the training runs that answer one question. You launch runs on its page."
      descriptionPlaceholder="The question the runs answer, the dataset, what counts as better…"
      variant={variant}
      create={{ ...create, mutate: (v) => create.mutate({ project, ...v }) }}
    />
  );
}
