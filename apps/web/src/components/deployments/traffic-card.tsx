"use client";

import type { DeploymentDetail } from "@keel/api";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert, Button, Card, Select, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { Dialog } from "~/components/ui/dialog";
import { Textarea } from "~/components/ui/textarea";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { RouteModeBadge } from "./badges";
import { detailText, errorDetails } from "./errors";
import { modelVersionPath } from "./paths";
import { defaultPromoteVersion, primaryRoute, promoteOptions, splitSummary } from "./traffic";
import { useApplyDeployment } from "./use-deployment";

/** What serves now: each route with its mode and live percent; Promote and Roll back for writers. */
export function TrafficCard({ project, deployment, canWrite }: { project: string; deployment: DeploymentDetail; canWrite: boolean }) {
  const primary = primaryRoute(deployment.traffic);
  return (
    <Card
      title="Current traffic"
      description={`Revision ${deployment.currentRevision}: ${splitSummary(deployment.traffic)}. Live routes answer their share of requests; shadow routes get a copy, their answers are only logged.`}
    >
      <Table aria-label="Current traffic" data-testid="traffic-routes">
        <THead>
          <TR>
            <TH>Version</TH>
            <TH>Mode</TH>
            <TH className="w-1/2">Live percent</TH>
          </TR>
        </THead>
        <TBody>
          {deployment.traffic.map((r) => (
            <TR key={r.versionId} data-testid="traffic-route" data-version={r.version} data-mode={r.mode} data-percent={r.percent ?? ""}>
              <TD className="font-medium whitespace-nowrap">
                <Link href={modelVersionPath(project, deployment.model, r.version)} className="text-accent-700 underline-offset-4 hover:underline">
                  v{r.version}
                </Link>
                {r === primary && deployment.traffic.length > 1 ? <span className="ml-2 text-xs text-zinc-500">primary</span> : null}
              </TD>
              <TD>
                <RouteModeBadge mode={r.mode} />
              </TD>
              <TD>
                {r.mode === "live" ? (
                  <div className="flex items-center gap-3">
                    <div className="h-2 flex-1 overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
                      <div className="h-full rounded-full bg-accent-600" style={{ width: `${r.percent ?? 0}%` }} />
                    </div>
                    <span className="w-12 text-right tabular-nums">{r.percent ?? 0}%</span>
                  </div>
                ) : (
                  <span className="text-zinc-500">copy of every request</span>
                )}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {canWrite ? <TrafficActions project={project} deployment={deployment} /> : null}
    </Card>
  );
}

type Outcome = { tone: "success"; testid: string; text: string; revision: number } | null;

function TrafficActions({ project, deployment }: { project: string; deployment: DeploymentDetail }) {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const apply = useApplyDeployment(project);
  const deployable = useQuery(trpc.deployments.deployableVersions.queryOptions({ project, model: deployment.model, environment: deployment.environment }));
  const options = promoteOptions(deployment.traffic, deployable.data?.items ?? []);
  const [chosen, setChosen] = useState<number | null>(null);
  const chosenOption = options.find((o) => o.version === chosen) ?? options.find((o) => o.version === defaultPromoteVersion(deployment.traffic, options));
  const promoteVersion = chosenOption?.version ?? null;
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [rollbackOpen, setRollbackOpen] = useState(false);
  const [comment, setComment] = useState("");

  const promoted = async (d: DeploymentDetail) => {
    setOutcome({ tone: "success", testid: "promote-result", text: `Version ${d.traffic[0]?.version ?? "?"} now takes 100% of the live traffic (revision ${d.currentRevision}).`, revision: d.currentRevision });
    setChosen(null);
    await apply(d);
  };
  // A routed version is promoted; a version not routed yet gets all the traffic through a new split.
  const promote = useMutation(trpc.deployments.promote.mutationOptions({ onSuccess: promoted }));
  const takeOver = useMutation(trpc.deployments.setTraffic.mutationOptions({ onSuccess: promoted }));
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: async (d) => {
        // The rollback is revision old+1 and returned to old-1.
        const returnedTo = d.currentRevision - 2;
        setOutcome({ tone: "success", testid: "rollback-result", text: `Rolled back to revision ${returnedTo}: ${splitSummary(d.traffic)} (now revision ${d.currentRevision}).`, revision: returnedTo });
        setRollbackOpen(false);
        setComment("");
        await apply(d);
      },
    }),
  );

  const target = deployment.currentRevision - 1;
  const targetRevision = deployment.history.find((h) => h.revision === target);
  const error = promote.error ?? takeOver.error ?? rollback.error;
  const details = error ? errorDetails(error) : [];
  const promoting = promote.isPending || takeOver.isPending;

  return (
    <div className="mt-4 space-y-3 border-t border-zinc-100 pt-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex items-end gap-2">
          <div className="space-y-1.5">
            <label htmlFor="promote-version" className="block text-sm font-medium text-zinc-800">
              Promote to 100%
            </label>
            <Select
              id="promote-version"
              data-testid="promote-version"
              className="w-44"
              value={promoteVersion === null ? "" : String(promoteVersion)}
              onChange={(e) => setChosen(Number(e.target.value))}
              disabled={options.length === 0}
            >
              {options.length === 0 ? <option value="">{deployable.isPending ? "Loading…" : "nothing to promote"}</option> : null}
              {options.map((o) => (
                <option key={o.version} value={String(o.version)}>
                  {o.label}
                </option>
              ))}
            </Select>
          </div>
          <Button
            data-testid="promote-button"
            disabled={!hydrated || !chosenOption || promoting}
            title={chosenOption ? "The chosen version becomes the only route, live at 100%" : "No other version may take the traffic"}
            onClick={() => {
              if (!chosenOption) return;
              setOutcome(null);
              rollback.reset();
              promote.reset();
              takeOver.reset();
              if (chosenOption.routed) promote.mutate({ project, deployment: deployment.name, version: chosenOption.version });
              else takeOver.mutate({ project, deployment: deployment.name, traffic: [{ version: chosenOption.version, mode: "live", percent: 100 }] });
            }}
          >
            {promoting ? "Promoting…" : promoteVersion === null ? "Promote" : `Promote v${promoteVersion}`}
          </Button>
        </div>
        <Button
          variant="secondary"
          data-testid="rollback-button"
          aria-haspopup="dialog"
          disabled={!hydrated || target < 1 || rollback.isPending}
          title={target < 1 ? "There is no earlier revision to return to" : `Return to revision ${target}`}
          onClick={() => {
            setOutcome(null);
            promote.reset();
            takeOver.reset();
            rollback.reset();
            setRollbackOpen(true);
          }}
        >
          Roll back
        </Button>
      </div>
      {outcome ? (
        <div data-testid={outcome.testid} data-revision={outcome.revision}>
          <Alert tone={outcome.tone}>{outcome.text}</Alert>
        </div>
      ) : null}
      {error && !rollbackOpen ? (
        <div data-testid="traffic-action-error">
          <Alert tone="error" title={error.message}>
            {details.length > 0 ? (
              <ul className="list-disc space-y-0.5 pl-5 text-xs">
                {details.map((d, i) => (
                  <li key={i}>{detailText(d)}</li>
                ))}
              </ul>
            ) : null}
          </Alert>
        </div>
      ) : null}
      <Dialog
        open={rollbackOpen}
        onClose={() => setRollbackOpen(false)}
        title={`Roll back ${deployment.name} to revision ${target}?`}
        footer={
          <>
            <Button variant="secondary" onClick={() => setRollbackOpen(false)} disabled={rollback.isPending} autoFocus>
              Cancel
            </Button>
            <Button
              variant="danger"
              data-testid="rollback-confirm"
              disabled={rollback.isPending}
              onClick={() => rollback.mutate({ project, deployment: deployment.name, ...(comment.trim() ? { comment: comment.trim() } : {}) })}
            >
              {rollback.isPending ? "Rolling back…" : `Roll back to revision ${target}`}
            </Button>
          </>
        }
      >
        <p>
          The traffic returns to revision {target}
          {targetRevision ? (
            <>
              {" "}
              (<span className="font-medium text-zinc-800">{splitSummary(targetRevision.traffic)}</span>, {targetRevision.reason})
            </>
          ) : null}
          , recorded as a new revision. The routes are checked again: in production a version no longer approved is refused.
        </p>
        <div className="mt-4 space-y-1.5">
          <label htmlFor="rollback-comment" className="block text-sm font-medium text-zinc-800">
            Why (optional, kept in the history and the audit log)
          </label>
          <Textarea id="rollback-comment" data-testid="rollback-comment" maxLength={1000} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="e.g. p99 latency doubled on the canary" />
        </div>
        {rollback.error ? (
          <div className="mt-3" data-testid="rollback-error">
            <Alert tone="error" title={rollback.error.message}>
              {details.length > 0 ? (
                <ul className="list-disc space-y-0.5 pl-5 text-xs">
                  {details.map((d, i) => (
                    <li key={i}>{detailText(d)}</li>
                  ))}
                </ul>
              ) : null}
            </Alert>
          </div>
        ) : null}
      </Dialog>
    </div>
  );
}
