"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Alert, Button, Field, Select } from "~/components/ui";
import { Dialog, DialogFormFooter } from "~/components/ui/dialog";
import { formatDateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { formatMetricValue, registrableRuns } from "./logic";
import { versionPath } from "./paths";
import { useSucceededRuns } from "./use-registrable-runs";

/** "Register version": pick a succeeded run, register it as the model's next version, open the version. */
export function RegisterVersionButton({ project, model }: { project: string; model: string }) {
  const hydrated = useHydrated();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [runId, setRunId] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const runs = useSucceededRuns(project, open);
  const detail = useQuery(trpc.registry.getModel.queryOptions({ project, model }));
  const choices = registrableRuns(runs.data?.items ?? [], (detail.data?.versions ?? []).map((v) => v.runId));
  const register = useMutation(
    trpc.registry.registerVersion.mutationOptions({
      onSuccess: async (v) => {
        await Promise.all([queryClient.invalidateQueries(trpc.registry.pathFilter()), queryClient.invalidateQueries(trpc.experiments.listRuns.pathFilter())]);
        router.push(versionPath(project, model, v.version));
      },
    }),
  );
  const close = () => {
    setOpen(false);
    setLocalError(null);
    register.reset();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!runId) return setLocalError("Choose the succeeded run to register.");
    setLocalError(null);
    register.mutate({ project, model, runId });
  };
  const error = localError ?? register.error?.message ?? null;
  const busy = register.isPending || register.isSuccess;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} aria-haspopup="dialog" data-testid="register-version" disabled={!hydrated}>
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4">
          <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
        </svg>
        Register version
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={`Register a version of ${model}`}
        footer={
          <DialogFormFooter
            form="register-version-form"
            onCancel={close}
            pending={register.isPending}
            busy={busy}
            disabled={choices.length === 0}
            label="Register version"
            busyLabel="Registering…"
            testId="register-version-submit"
          />
        }
      >
        <p>The run&apos;s model, preprocessing pipeline, input signature and metrics are frozen into a new, immutable version.</p>
        <form id="register-version-form" data-testid="register-version-dialog" onSubmit={submit} noValidate className="mt-4 space-y-4">
          {runs.isError ? <Alert tone="error">{runs.error.message || "The runs could not be loaded."}</Alert> : null}
          {runs.isPending ? <p className="text-zinc-500">Loading succeeded runs…</p> : null}
          {!runs.isPending && !runs.isError && choices.length === 0 ? (
            <Alert tone="info">No succeeded run yet: launch a training run from an experiment, and register it here once it succeeds.</Alert>
          ) : null}
          {choices.length > 0 ? (
            <Field id="register-run" label="Succeeded run" hint="Newest first; runs already registered in this model are marked.">
              <Select
                id="register-run"
                name="runId"
                data-testid="register-version-run"
                value={runId}
                onChange={(e) => setRunId(e.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? "register-version-error" : "register-run-hint"}
              >
                <option value="">Choose a run…</option>
                {choices.map(({ run, registered }) => {
                  const metric = Object.entries(run.metrics).find(([k]) => k.startsWith("test_"));
                  const label = [
                    `${run.experiment.name} › ${run.name || `#${run.number}`} (${run.id})`,
                    run.family,
                    metric ? `${metric[0]} ${formatMetricValue(metric[1])}` : null,
                    formatDateTime(run.endedAt ?? run.createdAt),
                    registered ? "already registered" : null,
                  ]
                    .filter(Boolean)
                    .join(" · ");
                  return (
                    <option key={run.id} value={run.id}>
                      {label}
                    </option>
                  );
                })}
              </Select>
            </Field>
          ) : null}
          {error ? (
            <p id="register-version-error" role="alert" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </form>
      </Dialog>
    </>
  );
}
