"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, Field, Input, type ButtonVariant } from "~/components/ui";
import { Dialog } from "~/components/ui/dialog";
import { Textarea } from "~/components/ui/textarea";
import { useTRPC } from "~/trpc/react";
import { datasetPath } from "./paths";
import { useHydrated } from "./use-hydrated";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** "New dataset": a dialog asking for a name and a description, then the new dataset's page. */
export function NewDatasetButton({ project, variant = "primary" }: { project: string; variant?: ButtonVariant }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const hydrated = useHydrated();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useMutation(
    trpc.datasets.create.mutationOptions({
      onSuccess: async (d) => {
        await queryClient.invalidateQueries(trpc.datasets.list.pathFilter());
        router.push(datasetPath(project, d.name));
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
    if (!n) return setLocalError("Give the dataset a name, e.g. credit-default.");
    if (n.length > 100) return setLocalError("The name must be at most 100 characters.");
    if (!NAME_PATTERN.test(n)) return setLocalError("Use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. credit-default).");
    setLocalError(null);
    create.mutate({ project, name: n, description: description.trim() });
  };
  const error = localError ?? (create.isError ? create.error.message : null);
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid="new-dataset" disabled={!hydrated}>
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
        </svg>
        New dataset
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="New dataset"
        footer={
          <>
            <Button variant="secondary" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" form="new-dataset-form" disabled={create.isPending || create.isSuccess}>
              {create.isPending || create.isSuccess ? "Creating…" : "Create dataset"}
            </Button>
          </>
        }
      >
        <p>A dataset groups the versions of one table. You upload the first version on its page.</p>
        <form id="new-dataset-form" onSubmit={submit} noValidate className="mt-4 space-y-4">
          <Field id="dataset-name" label="Name" hint="Letters, digits, '_', '.' and '-'; it appears in URLs and API paths.">
            <Input
              id="dataset-name"
              name="name"
              required
              maxLength={100}
              autoComplete="off"
              placeholder="credit-default"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "new-dataset-error" : "dataset-name-hint"}
            />
          </Field>
          <Field id="dataset-description" label="Description (optional)">
            <Textarea
              id="dataset-description"
              name="description"
              maxLength={2000}
              placeholder="Where the data comes from, what one row is, the target column…"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          {error ? (
            <p id="new-dataset-error" role="alert" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </form>
      </Dialog>
    </>
  );
}
