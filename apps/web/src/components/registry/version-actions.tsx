"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Alert, Button, Field, Select } from "~/components/ui";
import { ConfirmButton, Dialog, DialogFormFooter } from "~/components/ui/dialog";
import { Textarea } from "~/components/ui/textarea";
import { useTRPC } from "~/trpc/react";
import { requestPath } from "./paths";

interface Props {
  project: string;
  model: string;
  version: number;
  canWrite: boolean;
  canRequest: boolean;
}

/** The version's write actions: request promotion to a protected alias, archive. Hidden from roles without them. */
export function VersionActions({ project, model, version, canWrite, canRequest }: Props) {
  const trpc = useTRPC();
  const v = useQuery(trpc.registry.getVersion.queryOptions({ project, model, version }));
  if (v.data?.status !== "ready") return null;
  return (
    <>
      {canWrite ? <ArchiveButton project={project} model={model} version={version} aliased={v.data.aliases.length > 0} /> : null}
      {canRequest ? <RequestPromotionButton project={project} model={model} version={version} currentAliases={v.data.aliases} /> : null}
    </>
  );
}

function ArchiveButton({ project, model, version, aliased }: { project: string; model: string; version: number; aliased: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const archive = useMutation(trpc.registry.archiveVersion.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.registry.pathFilter()) }));
  return (
    <span className="flex flex-col items-end gap-1">
      <ConfirmButton
        size="md"
        title={`Archive version ${version}?`}
        description={
          aliased
            ? "This version carries an alias: Keel refuses to archive it until the alias is moved or removed."
            : "An archived version stays in the registry (it is immutable and keeps its lineage) but can no longer be aliased, promoted or deployed."
        }
        confirmLabel="Archive version"
        onConfirm={() => archive.mutateAsync({ project, model, version }).then(() => undefined, () => undefined)}
      >
        Archive
      </ConfirmButton>
      {archive.error ? (
        <span role="alert" className="max-w-xs text-right text-xs text-red-700">
          {archive.error.message}
        </span>
      ) : null}
    </span>
  );
}

function RequestPromotionButton({ project, model, version, currentAliases }: { project: string; model: string; version: number; currentAliases: string[] }) {
  const hydrated = useHydrated();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.registry.getModel.queryOptions({ project, model }));
  const targets = (detail.data?.protectedAliases ?? []).filter((a) => !currentAliases.includes(a));
  const [open, setOpen] = useState(false);
  const [alias, setAlias] = useState("");
  const [justification, setJustification] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const request = useMutation(
    trpc.approvals.requestPromotion.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries(trpc.approvals.pathFilter());
        router.push(requestPath(project, r.id));
      },
    }),
  );
  const chosen = alias || (targets.includes("production") ? "production" : (targets[0] ?? ""));
  const close = () => {
    setOpen(false);
    setLocalError(null);
    request.reset();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!chosen) return setLocalError("Choose the protected alias to promote this version to.");
    const text = justification.trim();
    if (!text) return setLocalError("A justification is required: say why this version should be promoted, for the approver and the audit trail.");
    if (text.length > 5000) return setLocalError("The justification must be at most 5,000 characters.");
    setLocalError(null);
    request.mutate({ project, model, version, target: chosen, justification: text });
  };
  const error = localError ?? request.error?.message ?? null;
  const busy = request.isPending || request.isSuccess;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid="request-promotion" disabled={!hydrated}>
        Request promotion
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={`Request promotion of version ${version}`}
        footer={
          <DialogFormFooter
            form="request-promotion-form"
            onCancel={close}
            pending={request.isPending}
            busy={busy}
            disabled={targets.length === 0}
            label="Request promotion"
            busyLabel="Requesting…"
            testId="promotion-submit"
          />
        }
      >
        <p>
          A protected alias moves only when the model&apos;s approvers approve. The evidence (metrics against the current version, gates, params, data quality, this
          model card) is computed now and frozen into the request.
        </p>
        <form id="request-promotion-form" onSubmit={submit} noValidate className="mt-4 space-y-4">
          {detail.isPending ? <p className="text-zinc-500">Loading the protected aliases…</p> : null}
          {detail.data && targets.length === 0 ? (
            <Alert tone="info">
              {detail.data.protectedAliases.length === 0
                ? "This model has no protected alias: set its aliases directly on the model page."
                : "This version already carries every protected alias of the model."}
            </Alert>
          ) : null}
          {targets.length > 0 ? (
            <Field id="promotion-alias" label="Target alias">
              <Select id="promotion-alias" value={chosen} onChange={(e) => setAlias(e.target.value)} data-testid="promotion-alias">
                {targets.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          <Field id="promotion-justification" label="Justification" hint="Required. Why this version should serve as the alias: what improved, what was checked.">
            <Textarea
              id="promotion-justification"
              rows={5}
              required
              maxLength={5000}
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "promotion-error" : "promotion-justification-hint"}
              data-testid="promotion-justification"
            />
          </Field>
          {error ? (
            <p id="promotion-error" role="alert" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </form>
      </Dialog>
    </>
  );
}
