"use client";

import type { ApprovalRequest } from "@keel/api";
import { ROLE_LABELS, type ProjectRole } from "@keel/auth/permissions";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PlainMarkdown } from "~/components/registry/model-card";
import { DELTA_TONE_CLASS, deltaTone, formatMetricValue, formatSignedMetric } from "~/components/registry/logic";
import { datasetVersionPath, versionPath } from "~/components/registry/paths";
import { Alert, Badge, Card, cn, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { shortSha } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { RequestStatusBadge } from "./badges";
import { DecisionPanel } from "./decision-panel";

interface Props {
  project: string;
  requestId: string;
  viewerId: string;
  viewerRole: ProjectRole | null;
  canDecide: boolean;
}

const link = "text-accent-700 underline-offset-4 hover:underline";

/** The evidence page: the state of the request, its frozen evidence side by side, decisions, and the decision form. */
export function EvidenceView({ project, requestId, viewerId, viewerRole, canDecide }: Props) {
  const trpc = useTRPC();
  const q = useQuery(trpc.approvals.get.queryOptions({ project, request: requestId }));
  if (q.isError) return <Alert tone="error">{q.error.message || "The request could not be loaded. Reload the page to try again."}</Alert>;
  if (!q.data) return <p className="text-sm text-zinc-500">Loading the request…</p>;
  const r = q.data;
  return (
    <div className="space-y-6">
      <StatusBanner request={r} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <MetricsEvidence project={project} request={r} />
          <GatesEvidence request={r} />
          <ParamsEvidence request={r} />
          <DatasetEvidence project={project} request={r} />
          <CardEvidence request={r} />
        </div>
        <div className="min-w-0 space-y-6">
          <Card title="Justification" as="h2">
            <PlainMarkdown text={r.justification} empty="No justification." />
            <p className="mt-3 text-xs text-zinc-500">
              {r.requestedBy?.name ?? "—"}, {formatDateTime(r.createdAt)}
            </p>
          </Card>
          <DecisionPanel project={project} request={r} viewerId={viewerId} viewerRole={viewerRole} canDecide={canDecide} />
          <DecisionsList request={r} />
        </div>
      </div>
    </div>
  );
}

function StatusBanner({ request: r }: { request: ApprovalRequest }) {
  const who = ROLE_LABELS[r.approverRole];
  switch (r.status) {
    case "pending":
      return (
        <Alert tone="info" title={`Pending: ${r.approvals} of ${r.requiredApprovals} approval${r.requiredApprovals === 1 ? "" : "s"}`}>
          Decided by {r.requiredApprovals === 1 ? "one person" : `${r.requiredApprovals} different people`} with the {who} role, never the requester. When the last approval
          comes in, &lsquo;{r.target}&rsquo; moves to version {r.version} in the same step.
        </Alert>
      );
    case "approved":
      return (
        <Alert tone="success" title={`Approved: ${r.target} moved to version ${r.version}`}>
          Decided {formatDateTime(r.decidedAt)}. The alias history of the model records the move with this request.
        </Alert>
      );
    case "rejected":
      return (
        <Alert tone="error" title="Rejected">
          Decided {formatDateTime(r.decidedAt)}. &lsquo;{r.target}&rsquo; did not move; the comments below say why.
        </Alert>
      );
    case "withdrawn":
      return (
        <Alert tone="warning" title="Withdrawn by the requester">
          Closed {formatDateTime(r.decidedAt)}. Nobody can decide it any more.
        </Alert>
      );
    case "stale":
      return (
        <Alert tone="warning" title="Stale: the evidence no longer compares with what is live">
          &lsquo;{r.target}&rsquo; changed after this request was made{r.evidence.current ? ` (it named version ${r.evidence.current.version} then)` : " (it named no version then)"}, so
          the frozen comparison is out of date and the request cannot be decided. Make a new request from the version&apos;s page.
        </Alert>
      );
  }
}

function MetricsEvidence({ project, request: r }: { project: string; request: ApprovalRequest }) {
  const { candidate, current, metrics } = r.evidence;
  return (
    <Card
      title="Metrics"
      as="h2"
      description={
        current
          ? `Candidate version ${candidate.version} against version ${current.version}, which was '${r.target}' when the request was made. Green is better, red is worse.`
          : `No version was '${r.target}' when the request was made: there is nothing to compare with.`
      }
    >
      <div className="-mx-5 -my-4" data-testid="evidence-metrics">
        <Table aria-label="Metrics, candidate against current">
          <THead>
            <TR>
              <TH>Metric</TH>
              <TH className="text-right">
                <Link className={link} href={versionPath(project, r.model, candidate.version)}>
                  Candidate v{candidate.version}
                </Link>
              </TH>
              <TH className="text-right">
                {current ? (
                  <Link className={link} href={versionPath(project, r.model, current.version)}>
                    {r.target} v{current.version}
                  </Link>
                ) : (
                  `${r.target} (none)`
                )}
              </TH>
              <TH className="text-right">Delta</TH>
            </TR>
          </THead>
          <TBody>
            {metrics.length === 0 ? (
              <TR>
                <TD colSpan={4} className="text-zinc-500">
                  No metrics recorded.
                </TD>
              </TR>
            ) : null}
            {metrics.map((m) => {
              const tone = deltaTone(m.name, m.delta);
              return (
                <TR key={m.name} data-metric={m.name} data-delta-tone={tone}>
                  <TD className="font-mono text-xs">{m.name}</TD>
                  <TD className="text-right font-medium tabular-nums">{formatMetricValue(m.candidate)}</TD>
                  <TD className="text-right text-zinc-600 tabular-nums">{formatMetricValue(m.current)}</TD>
                  <TD className={cn("text-right font-medium tabular-nums", DELTA_TONE_CLASS[tone])}>
                    {formatSignedMetric(m.delta)}
                    {tone === "better" ? <span className="sr-only"> (better)</span> : tone === "worse" ? <span className="sr-only"> (worse)</span> : null}
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      </div>
    </Card>
  );
}

function GatesEvidence({ request: r }: { request: ApprovalRequest }) {
  const { gates, gatesPassed } = r.evidence;
  return (
    <Card
      title="Gates"
      as="h2"
      description="Checked automatically when the request was made, against the model's approval policy."
      actions={gates.length === 0 ? <Badge>no gates</Badge> : gatesPassed ? <Badge tone="green">all passed</Badge> : <Badge tone="red">failed</Badge>}
    >
      <div data-testid="evidence-gates" data-passed={gatesPassed}>
        {gates.length === 0 ? (
          <p className="text-sm text-zinc-500">The policy sets no gate for this model.</p>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {gates.map((g, i) => (
              <li key={`${g.name}-${i}`} className="flex items-start gap-3 py-2.5" data-gate={g.name} data-passed={g.passed}>
                <Badge tone={g.passed ? "green" : "red"} className="mt-0.5">
                  {g.passed ? "pass" : "fail"}
                </Badge>
                <div className="min-w-0 text-sm">
                  <p className="font-mono text-xs font-medium text-zinc-900">{g.name}</p>
                  {g.kind === "metric" ? (
                    <p className="mt-0.5 text-zinc-700 tabular-nums">
                      actual {formatMetricValue(g.actual)} · threshold {formatMetricValue(g.threshold)}
                    </p>
                  ) : null}
                  <p className="mt-0.5 text-xs text-zinc-500">{g.detail}</p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

function ParamsEvidence({ request: r }: { request: ApprovalRequest }) {
  const { paramsDiff, current } = r.evidence;
  return (
    <Card title="Parameters" as="h2" description={current ? "Only the parameters that differ between the two runs." : "The candidate run's parameters (nothing to compare with)."}>
      {paramsDiff.length === 0 ? (
        <p className="text-sm text-zinc-500" data-testid="evidence-params">
          {current ? "Both runs used the same parameters." : "The run recorded no parameters."}
        </p>
      ) : (
        <div className="-mx-5 -my-4" data-testid="evidence-params">
          <Table aria-label="Parameters diff">
            <THead>
              <TR>
                <TH>Parameter</TH>
                <TH>Candidate</TH>
                {current ? <TH>Current</TH> : null}
              </TR>
            </THead>
            <TBody>
              {paramsDiff.map((p) => (
                <TR key={p.key}>
                  <TD className="font-mono text-xs">{p.key}</TD>
                  <TD className="font-mono text-xs break-all">{p.candidate ?? <span className="text-zinc-400">unset</span>}</TD>
                  {current ? <TD className="font-mono text-xs break-all text-zinc-600">{p.current ?? <span className="text-zinc-400">unset</span>}</TD> : null}
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </Card>
  );
}

type DatasetFact = ApprovalRequest["evidence"]["dataset"]["candidate"];

function DatasetBox({ project, label, d }: { project: string; label: string; d: DatasetFact }) {
  return (
    <div className="rounded-md border border-zinc-200 px-4 py-3">
      <p className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{label}</p>
      {d ? (
        <>
          <p className="mt-1 text-sm">
            <Link className={link} href={datasetVersionPath(project, d.dataset, d.version)}>
              {d.dataset} v{d.version}
            </Link>
          </p>
          <p className="font-mono text-xs text-zinc-500" title={d.sha256}>
            sha256 {shortSha(d.sha256)}
          </p>
          <p className="mt-1.5">
            <Badge tone={d.qualityStatus === "pass" ? "green" : d.qualityStatus === "fail" ? "red" : d.qualityStatus === "warn" ? "amber" : "neutral"}>
              quality {d.qualityStatus}
            </Badge>
          </p>
        </>
      ) : (
        <p className="mt-1 text-sm text-zinc-400">Not recorded</p>
      )}
    </div>
  );
}

function DatasetEvidence({ project, request: r }: { project: string; request: ApprovalRequest }) {
  const { dataset, current, evaluationPresent } = r.evidence;
  return (
    <Card title="Data lineage and quality" as="h2" description="The dataset versions each model was trained on, and their quality checks when the request was made.">
      <div className="grid gap-3 sm:grid-cols-2" data-testid="evidence-dataset">
        <DatasetBox project={project} label={`Candidate v${r.evidence.candidate.version}`} d={dataset.candidate} />
        {current ? <DatasetBox project={project} label={`${r.target} v${current.version}`} d={dataset.current} /> : null}
      </div>
      <p className="mt-3 text-sm text-zinc-600">
        Evaluation: {evaluationPresent ? <Badge tone="green">present</Badge> : <Badge tone="amber">missing</Badge>}
      </p>
    </Card>
  );
}

function CardEvidence({ request: r }: { request: ApprovalRequest }) {
  const c = r.evidence.modelCard;
  return (
    <Card title="Model card (as frozen)" as="h2" description="The candidate's card when the request was made; later edits do not change it.">
      <div className="space-y-4" data-testid="evidence-card">
        {(
          [
            ["Intended use", c.intendedUse],
            ["Limitations", c.limitations],
            ["Ethical considerations", c.ethicalConsiderations],
          ] as const
        ).map(([label, text]) => (
          <section key={label} aria-label={label}>
            <h3 className="mb-1 text-sm font-semibold text-zinc-900">{label}</h3>
            <PlainMarkdown text={text} empty="Not written." />
          </section>
        ))}
      </div>
    </Card>
  );
}

function DecisionsList({ request: r }: { request: ApprovalRequest }) {
  return (
    <Card title="Decisions" as="h2">
      {r.decisions.length === 0 ? (
        <p className="text-sm text-zinc-500">No decision yet.</p>
      ) : (
        <ol className="space-y-3" data-testid="decisions">
          {r.decisions.map((d, i) => (
            <li key={`${d.at}-${i}`} className="text-sm" data-decision={d.decision}>
              <p className="flex flex-wrap items-center gap-2">
                <Badge tone={d.decision === "approve" ? "green" : "red"}>{d.decision === "approve" ? "approved" : "rejected"}</Badge>
                <span className="font-medium text-zinc-900">{d.decidedBy?.name ?? "—"}</span>
                <time className="text-xs text-zinc-500" dateTime={d.at} title={formatDateTime(d.at)} suppressHydrationWarning>
                  {formatRelative(d.at)}
                </time>
              </p>
              <div className="mt-1 border-l-2 border-zinc-200 pl-3">
                <PlainMarkdown text={d.comment} empty="" />
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

/** The request's status badge for the page header, kept current as decisions come in. */
export function LiveRequestStatus({ project, requestId }: { project: string; requestId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.approvals.get.queryOptions({ project, request: requestId }));
  return q.data ? <RequestStatusBadge status={q.data.status} /> : null;
}
