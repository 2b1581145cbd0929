"use client";

import type { ModelDetail } from "@keel/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, Field, Input, Select } from "~/components/ui";
import { ConfirmButton } from "~/components/ui/dialog";
import { useTRPC } from "~/trpc/react";
import { AliasBadge, LockIcon } from "./badges";
import { aliasProblem, sortAliases } from "./logic";
import { versionPath } from "./paths";

const SUGGESTED = ["staging", "champion", "challenger"];

interface Props {
  project: string;
  model: ModelDetail;
  canWriteAlias: boolean;
  canProtect: boolean;
}

/**
 * The model's aliases: where each points, moving or removing an unprotected one, and (owners) which
 * aliases are protected. A protected alias moves only through an approved promotion request.
 */
export function AliasesPanel({ project, model, canWriteAlias, canProtect }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries(trpc.registry.pathFilter());
  const aliases = sortAliases(Object.keys(model.aliases), model.protectedAliases);
  const protectedSet = new Set(model.protectedAliases);
  const readyVersions = model.versions.filter((v) => v.status === "ready").sort((a, b) => b.version - a.version);

  const [alias, setAlias] = useState("");
  const [version, setVersion] = useState("");
  const [reason, setReason] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const set = useMutation(
    trpc.registry.setAlias.mutationOptions({
      onSuccess: async () => {
        setAlias("");
        setReason("");
        await invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.registry.deleteAlias.mutationOptions({ onSuccess: invalidate }));
  const typed = alias.trim().toLowerCase();
  const typedProtected = protectedSet.has(typed);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problem = aliasProblem(alias);
    if (problem) return setLocalError(problem);
    if (typedProtected) return setLocalError(`'${typed}' is protected: it moves only through an approved promotion request (open a version and use "Request promotion").`);
    if (!version) return setLocalError("Choose the version the alias should name.");
    setLocalError(null);
    set.mutate({ project, model: model.name, alias: typed, version: Number(version), reason: reason.trim() });
  };
  const error = localError ?? set.error?.message ?? null;

  return (
    <Card
      title="Aliases"
      description="An alias names one version at a time (MLflow's rule): setting it on another version moves it, and every move is kept in the history below."
    >
      {aliases.length === 0 ? (
        <p className="text-sm text-zinc-500">No alias is set yet.</p>
      ) : (
        <ul className="divide-y divide-zinc-100" aria-label="Current aliases">
          {aliases.map((a) => {
            const v = model.aliases[a] ?? 0;
            const isProtected = protectedSet.has(a);
            return (
              <li key={a} className="flex flex-wrap items-center gap-3 py-2.5" data-alias-row={a}>
                <AliasBadge alias={a} isProtected={isProtected} />
                <span aria-hidden="true" className="text-zinc-400">
                  →
                </span>
                <Link href={versionPath(project, model.name, v)} className="text-sm font-medium text-accent-700 underline-offset-4 hover:underline">
                  Version {v}
                </Link>
                {isProtected ? (
                  <span className="ml-auto inline-flex items-center gap-1 text-xs text-amber-800">
                    <LockIcon className="size-3.5" />
                    Protected: moves only through approval
                  </span>
                ) : canWriteAlias ? (
                  <span className="ml-auto">
                    <ConfirmButton
                      aria-label={`Remove alias ${a}`}
                      title={`Remove the alias ${a}?`}
                      description={`'${a}' will name no version. The removal is recorded in the alias history; deployments that follow the alias stop resolving it.`}
                      confirmLabel="Remove alias"
                      onConfirm={() => remove.mutateAsync({ project, model: model.name, alias: a }).then(() => undefined, () => undefined)}
                    >
                      Remove
                    </ConfirmButton>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {model.protectedAliases.some((a) => !(a in model.aliases)) ? (
        <p className="mt-2 flex flex-wrap items-center gap-1.5 text-xs text-zinc-500">
          Protected but unset:
          {model.protectedAliases
            .filter((a) => !(a in model.aliases))
            .map((a) => (
              <AliasBadge key={a} alias={a} isProtected />
            ))}
          — set only by an approved promotion request.
        </p>
      ) : null}
      {remove.error ? (
        <Alert tone="error" className="mt-3">
          {remove.error.message}
        </Alert>
      ) : null}

      {canWriteAlias ? (
        <form onSubmit={submit} noValidate className="mt-4 grid gap-3 border-t border-zinc-100 pt-4 sm:grid-cols-[1fr_10rem_1fr_auto] sm:items-end" aria-label="Set an alias">
          <Field id="alias-name" label="Alias">
            <Input
              id="alias-name"
              list="alias-suggestions"
              autoComplete="off"
              placeholder="staging"
              value={alias}
              onChange={(e) => setAlias(e.target.value)}
              aria-invalid={error ? true : undefined}
              data-testid="alias-name"
            />
            <datalist id="alias-suggestions">
              {SUGGESTED.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </Field>
          <Field id="alias-version" label="Version">
            <Select id="alias-version" value={version} onChange={(e) => setVersion(e.target.value)} data-testid="alias-version">
              <option value="">Choose…</option>
              {readyVersions.map((v) => (
                <option key={v.version} value={v.version}>
                  Version {v.version}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="alias-reason" label="Reason (optional)">
            <Input id="alias-reason" maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Why it moves" />
          </Field>
          <Button type="submit" disabled={set.isPending || readyVersions.length === 0} data-testid="alias-submit">
            {set.isPending ? "Saving…" : "Set alias"}
          </Button>
          {typedProtected && !localError ? (
            <p className="text-sm text-amber-800 sm:col-span-4">
              <LockIcon className="mr-1 inline size-3.5" />
              &apos;{typed}&apos; is protected: it moves only through an approved promotion request.
            </p>
          ) : null}
          {error ? (
            <p role="alert" className="text-sm text-red-700 sm:col-span-4">
              {error}
            </p>
          ) : null}
          {set.isSuccess && !error ? (
            <p role="status" className="text-sm text-emerald-700 sm:col-span-4">
              {set.data.moved
                ? `'${set.data.alias}' now names version ${set.data.version ?? "—"}${set.data.previousVersion !== null ? ` (was ${set.data.previousVersion})` : ""}.`
                : `'${set.data.alias}' already named version ${set.data.version ?? "—"}: nothing changed.`}
            </p>
          ) : null}
        </form>
      ) : null}

      {canProtect ? <ProtectedAliasesForm project={project} model={model} /> : null}
    </Card>
  );
}

/** Owners choose which aliases are protected (a comma-separated list). */
function ProtectedAliasesForm({ project, model }: { project: string; model: ModelDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(model.protectedAliases.join(", "));
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useMutation(trpc.registry.setProtectedAliases.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.registry.pathFilter()) }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const list = [...new Set(text.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))];
    for (const a of list) {
      const problem = aliasProblem(a);
      if (problem) return setLocalError(`${a}: ${problem}`);
    }
    setLocalError(null);
    save.mutate({ project, model: model.name, aliases: list });
  };
  const error = localError ?? save.error?.message ?? null;
  return (
    <form onSubmit={submit} noValidate className="mt-4 space-y-2 border-t border-zinc-100 pt-4" aria-label="Protected aliases">
      <Field id="protected-aliases" label="Protected aliases (owners)" hint="Comma-separated, e.g. production, champion. A protected alias moves only through an approved promotion request.">
        <div className="flex gap-2">
          <Input id="protected-aliases" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={error ? true : undefined} />
          <Button type="submit" variant="secondary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
        </div>
      </Field>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : save.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700">
          Saved.
        </p>
      ) : null}
    </form>
  );
}
