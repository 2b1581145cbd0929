"use client";

import type { DeploymentDetail } from "@keel/api";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, Card, Input, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { splitSummary } from "./traffic";
import { isoToUtcInput, utcInputToIso } from "./time";

/** Every revision of the traffic (newest first): routes, reason, who, when. */
export function HistoryCard({ deployment }: { deployment: DeploymentDetail }) {
  return (
    <Card title="Revision history" description="Every change to the traffic is a new revision; rollbacks too. Nothing is edited in place.">
      <Table aria-label="Revision history" data-testid="revision-history">
        <THead>
          <TR>
            <TH className="text-right">Revision</TH>
            <TH>Routes</TH>
            <TH>Reason</TH>
            <TH>Who</TH>
            <TH>When</TH>
          </TR>
        </THead>
        <TBody>
          {deployment.history.map((h) => (
            <TR key={h.revision} data-testid="revision-row" data-revision={h.revision} aria-current={h.revision === deployment.currentRevision ? "true" : undefined}>
              <TD className="text-right tabular-nums">
                {h.revision === deployment.currentRevision ? (
                  <Badge tone="accent" className="mr-2">
                    current
                  </Badge>
                ) : null}
                {h.revision}
              </TD>
              <TD className="tabular-nums whitespace-nowrap">{splitSummary(h.traffic)}</TD>
              <TD className="max-w-sm text-zinc-700">{h.reason}</TD>
              <TD className="whitespace-nowrap text-zinc-600">{h.actor.name}</TD>
              <TD className="whitespace-nowrap text-zinc-600">
                <time dateTime={h.at} title={h.at}>
                  {formatDateTime(h.at)}
                </time>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}

/** "What served at <datetime>": the revision in force then (UTC, to the second). */
export function PointInTimeCard({ project, deployment }: { project: string; deployment: DeploymentDetail }) {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const [value, setValue] = useState(() => isoToUtcInput(deployment.history[0]?.at ?? deployment.updatedAt, { roundUp: true }));
  const [at, setAt] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const state = useQuery(trpc.deployments.state.queryOptions({ project, deployment: deployment.name, at: at ?? undefined }, { enabled: at !== null }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const iso = utcInputToIso(value);
    if (!iso) {
      setLocalError("Give a date and a time (UTC), e.g. 2026-11-23 18:30.");
      return;
    }
    setLocalError(null);
    setAt(iso);
  };
  const revision = state.data?.revision;
  return (
    <Card title="What served when" description="The traffic split in force at a moment, read from the revision history. Times are UTC.">
      <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
        <div className="space-y-1.5">
          <label htmlFor="state-at" className="block text-sm font-medium text-zinc-800">
            At (UTC)
          </label>
          <Input id="state-at" data-testid="state-at-input" type="datetime-local" step={1} className="w-60" value={value} onChange={(e) => setValue(e.target.value)} aria-invalid={localError ? true : undefined} />
        </div>
        <Button type="submit" variant="secondary" data-testid="state-at-submit" disabled={state.isFetching || !hydrated}>
          {state.isFetching ? "Looking…" : "Look up"}
        </Button>
        <Button variant="ghost" size="sm" onClick={() => setValue(isoToUtcInput(new Date().toISOString(), { roundUp: true }))}>
          Now
        </Button>
      </form>
      <div className="mt-4" aria-live="polite">
        {localError ? (
          <Alert tone="error">{localError}</Alert>
        ) : state.isError ? (
          <Alert tone="error">{state.error.message}</Alert>
        ) : state.data ? (
          <div data-testid="state-at-result" data-revision={revision?.revision ?? ""} className="rounded-md border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm">
            {revision ? (
              <>
                <p>
                  At <span className="font-medium">{formatDateTime(state.data.at)}</span>, revision <span className="font-medium">{revision.revision}</span> served:{" "}
                  <span className="font-medium tabular-nums">{splitSummary(revision.traffic)}</span>.
                </p>
                <p className="mt-1 text-zinc-600">
                  Set by {revision.actor.name} on {formatDateTime(revision.at)} ({revision.reason}).
                </p>
              </>
            ) : (
              <p>At {formatDateTime(state.data.at)} the deployment did not exist yet.</p>
            )}
          </div>
        ) : null}
      </div>
    </Card>
  );
}
