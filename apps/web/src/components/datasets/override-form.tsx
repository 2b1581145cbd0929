"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert, Button, Field } from "~/components/ui";
import { Textarea } from "~/components/ui/textarea";
import { useTRPC } from "~/trpc/react";

const MIN = 10;

/** Records a reason to train on a version that failed its checks (audited; the version itself does not change). */
export function OverrideForm({ project, dataset, version, again }: { project: string; dataset: string; version: number; again: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const override = useMutation(
    trpc.datasets.overrideQuality.mutationOptions({
      onSuccess: () => {
        setReason("");
        setDone(true);
        router.refresh();
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(false);
    if (reason.trim().length < MIN) {
      setLocalError(`Explain in at least ${MIN} characters why this version may be used for training.`);
      return;
    }
    setLocalError(null);
    override.mutate({ project, dataset, version, reason: reason.trim() });
  };
  const error = localError ?? (override.isError ? override.error.message : null);
  return (
    <form onSubmit={submit} noValidate className="mt-6 border-t border-zinc-200 pt-5" aria-labelledby="override-title" data-testid="override-form">
      <h3 id="override-title" className="text-sm font-semibold text-zinc-900">
        {again ? "Record another override" : "Override the failed checks"}
      </h3>
      <p className="mt-1 text-sm text-zinc-600">
        Training on this version is allowed once a data scientist records why the failures are acceptable. The reason is kept with the version and in
        the audit trail; the report itself does not change.
      </p>
      {done ? (
        <Alert tone="success" className="mt-3">
          Override recorded: training on version {version} is now allowed.
        </Alert>
      ) : null}
      <Field id="override-reason" label="Reason" className="mt-4" hint={`At least ${MIN} characters. ${reason.trim().length} so far.`}>
        <Textarea
          id="override-reason"
          name="reason"
          rows={3}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. The 3 out-of-range ages are known data-entry errors; the model ignores age."
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "override-error" : "override-reason-hint"}
        />
      </Field>
      {error ? (
        <p id="override-error" role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="mt-3">
        <Button type="submit" variant="danger" disabled={override.isPending}>
          {override.isPending ? "Recording…" : "Record override"}
        </Button>
      </div>
    </form>
  );
}
