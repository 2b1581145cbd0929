"use client";

import { useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Button, type ButtonVariant } from "./button";
import { Dialog, DialogFormFooter } from "./dialog";
import { Field, Input } from "./input";
import { Textarea } from "./textarea";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The state of the create call the dialog drives (a TanStack Query mutation fits it). */
export interface CreateNamedMutation {
  mutate(input: { name: string; description: string }): void;
  reset(): void;
  isPending: boolean;
  isSuccess: boolean;
  error: { message: string } | null;
}

interface Props {
  /** What is created, lower case: "dataset", "experiment". */
  noun: string;
  /** A name to show as the example, e.g. "credit-default". */
  example: string;
  /** One sentence on what the thing is, at the top of the dialog. */
  intro: string;
  descriptionPlaceholder: string;
  create: CreateNamedMutation;
  variant?: ButtonVariant;
}

/**
 * "New <noun>": a button and a dialog asking for a URL-safe name and a description, checked in
 * the browser first (the server checks again) — the one dialog behind "New dataset" and
 * "New experiment".
 */
export function NewNamedButton({ noun, example, intro, descriptionPlaceholder, create, variant = "primary" }: Props) {
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const close = () => {
    setOpen(false);
    setLocalError(null);
    create.reset();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setLocalError(`Give the ${noun} a name, e.g. ${example}.`);
    if (n.length > 100) return setLocalError("The name must be at most 100 characters.");
    if (!NAME_PATTERN.test(n)) return setLocalError(`Use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. ${example}).`);
    setLocalError(null);
    create.mutate({ name: n, description: description.trim() });
  };
  const error = localError ?? create.error?.message ?? null;
  const title = `New ${noun}`;
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid={`new-${noun}`} disabled={!hydrated}>
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
        </svg>
        {title}
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={title}
        footer={
          <DialogFormFooter
            form={`new-${noun}-form`}
            onCancel={close}
            pending={create.isPending}
            busy={create.isPending || create.isSuccess}
            label={`Create ${noun}`}
            busyLabel="Creating…"
          />
        }
      >
        <p>{intro}</p>
        <form id={`new-${noun}-form`} onSubmit={submit} noValidate className="mt-4 space-y-4">
          <Field id={`${noun}-name`} label="Name" hint="Letters, digits, '_', '.' and '-'; it appears in URLs and API paths.">
            <Input
              id={`${noun}-name`}
              name="name"
              required
              maxLength={100}
              autoComplete="off"
              placeholder={example}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `new-${noun}-error` : `${noun}-name-hint`}
            />
          </Field>
          <Field id={`${noun}-description`} label="Description (optional)">
            <Textarea
              id={`${noun}-description`}
              name="description"
              maxLength={2000}
              placeholder={descriptionPlaceholder}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          {error ? (
            <p id={`new-${noun}-error`} role="alert" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </form>
      </Dialog>
    </>
  );
}
