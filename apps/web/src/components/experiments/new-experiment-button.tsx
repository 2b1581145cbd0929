"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Button, Field, Input, type ButtonVariant } from "~/components/ui";
import { Dialog } from "~/components/ui/dialog";
import { Textarea } from "~/components/ui/textarea";
import { useTRPC } from "~/trpc/react";
import { experimentPath } from "./paths";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** "New experiment": a dialog asking for a name and a description, then the experiment's page. */
export function NewExperimentButton({ project, variant = "primary" }: { project: string; variant?: ButtonVariant }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useMutation(
    trpc.experiments.create.mutationOptions({
      onSuccess: async (e) => {
        await queryClient.invalidateQueries(trpc.experiments.list.pathFilter());
        router.push(experimentPath(project, e.name));
      },
    }),
  );
  const close = () => {
    setOpen(false);
    setLocalError(null);
    create.reset();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setLocalError("Give the experiment a name, e.g. churn-baseline.");
    if (n.length > 100) return setLocalError("The name must be at most 100 characters.");
    if (!NAME_PATTERN.test(n)) return setLocalError("Use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. churn-baseline).");
    setLocalError(null);
    create.mutate({ project, name: n, description: description.trim() });
  };
  const error = localError ?? (create.isError ? create.error.message : null);
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid="new-experiment" disabled={!hydrated}>
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
        </svg>
        New experiment
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="New experiment"
        footer={
          <>
            <Button variant="secondary" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" form="new-experiment-form" disabled={create.isPending || create.isSuccess}>
              {create.isPending || create.isSuccess ? "Creating…" : "Create experiment"}
            </Button>
          </>
        }
      >
        <p>An experiment groups the training runs that answer one question. You launch runs on its page.</p>
        <form id="new-experiment-form" onSubmit={submit} noValidate className="mt-4 space-y-4">
          <Field id="experiment-name" label="Name" hint="Letters, digits, '_', '.' and '-'; it appears in URLs and API paths.">
            <Input
              id="experiment-name"
              name="name"
              required
              maxLength={100}
              autoComplete="off"
              placeholder="churn-baseline"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "new-experiment-error" : "experiment-name-hint"}
            />
          </Field>
          <Field id="experiment-description" label="Description (optional)">
            <Textarea
              id="experiment-description"
              name="description"
              maxLength={2000}
              placeholder="The question the runs answer, the dataset, what counts as better…"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          {error ? (
            <p id="new-experiment-error" role="alert" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </form>
      </Dialog>
    </>
  );
}
