"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ButtonVariant } from "~/components/ui";
import { NewNamedButton } from "~/components/ui/new-named-button";
import { useTRPC } from "~/trpc/react";
import { datasetPath } from "./paths";

/** "New dataset": a name and a description, then the new dataset's page. */
export function NewDatasetButton({ project, variant = "primary" }: { project: string; variant?: ButtonVariant }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.datasets.create.mutationOptions({
      onSuccess: async (d) => {
        await queryClient.invalidateQueries(trpc.datasets.list.pathFilter());
        router.push(datasetPath(project, d.name));
      },
    }),
  );
  return (
    <NewNamedButton
      noun="dataset"
      example="credit-default"
      intro="A dataset groups the versions of one table. You upload the first version on its page."
      descriptionPlaceholder="Where the data comes from, what one row is, the target column…"
      variant={variant}
      create={{ ...create, mutate: (v) => create.mutate({ project, ...v }) }}
    />
  );
}
