"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ButtonVariant } from "~/components/ui";
import { NewNamedButton } from "~/components/ui/new-named-button";
import { useTRPC } from "~/trpc/react";
import { modelPath } from "./paths";

/** "New model": a name and a description, then the model's page (where versions are registered). */
export function NewModelButton({ project, variant = "primary" }: { project: string; variant?: ButtonVariant }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.registry.createModel.mutationOptions({
      onSuccess: async (m) => {
        await queryClient.invalidateQueries(trpc.registry.listModels.pathFilter());
        router.push(modelPath(project, m.name));
      },
    }),
  );
  return (
    <NewNamedButton
      noun="model"
      example="churn-classifier"
      intro="A registered model holds the versions of one model: each version comes from a succeeded run, and aliases such as production name the one in use."
      descriptionPlaceholder="What the model predicts, for whom, and which data it is trained on…"
      variant={variant}
      create={{ ...create, mutate: (v) => create.mutate({ project, ...v }) }}
    />
  );
}
