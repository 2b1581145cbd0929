"use client";

import type { ModelVersion } from "@keel/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RequestStatusBadge } from "~/components/approvals/badges";
import { Alert, Badge, Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { formatBytes, shortSha } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { AliasBadge, VersionStatusBadge } from "./badges";
import { BatchScores } from "./batch-scores";
import { LineageGraph } from "./lineage-graph";
import { deploymentsServing, formatMetricValue, lineageColumns, metricGoal, sortAliases } from "./logic";
import { ModelCardView } from "./model-card";
import { datasetVersionPath, requestPath, runPathById } from "./paths";

export interface VersionViewProps {
  project: string;
  model: string;
  version: number;
  canWrite: boolean;
  canReadApprovals: boolean;
  canReadDeployments: boolean;
  canReadExperiments: boolean;
  /** `registry.score`: the batch-scoring form is shown. */
  canScore?: boolean;
  canReadDatasets?: boolean;
}

const link = "text-accent-700 underline-offset-4 hover:underline";

/** The version page below its header: summary, lineage graph, signature, metrics, model card, lineage facts, requests. */
export function VersionView(props: VersionViewProps) {
  const { project, model, version } = props;
  const trpc = useTRPC();
  const v = useQuery(trpc.registry.getVersion.queryOptions({ project, model, version }));
  const detail = useQuery(trpc.registry.getModel.queryOptions({ project, model }));
  const deployments = useQuery({ ...trpc.deployments.list.queryOptions({ project }), enabled: props.canReadDeployments });
  if (v.isError) return <Alert tone="error">{v.error.message || "The version could not be loaded. Reload the page to try again."}</Alert>;
  if (!v.data) return <p className="text-sm text-zinc-500">Loading the version…</p>;
  const mv = v.data;
  const protectedAliases = detail.data?.protectedAliases ?? [];
  const serving = deploymentsServing(deployments.data?.items ?? [], model, version);
  const columns = lineageColumns({
    project,
    model,
    version,
    status: mv.status,
    dataset: mv.lineage.dataset ? { name: mv.lineage.dataset.name, version: mv.lineage.dataset.version, sha256: mv.lineage.dataset.sha256 } : null,
    run: { id: mv.lineage.run.id, name: mv.lineage.run.name, number: mv.lineage.run.number, experiment: mv.lineage.run.experiment.name, family: mv.lineage.run.family },
    serving,
  });
  return (
    <div className="space-y-6">
      {mv.status === "archived" ? (
        <Alert tone="warning" title="Archived version">
          It stays in the registry with its lineage, but it can no longer be aliased, promoted or deployed.
        </Alert>
      ) : null}
      <dl className="grid gap-4 rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs sm:grid-cols-4" data-testid="version-summary">
        <div>
          <dt className="text-xs font-medium text-zinc-500 uppercase">Status</dt>
          <dd className="mt-1">
            <VersionStatusBadge status={mv.status} />
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-zinc-500 uppercase">Aliases</dt>
          <dd className="mt-1 flex flex-wrap gap-1">
            {mv.aliases.length === 0 ? <span className="text-sm text-zinc-400">None</span> : sortAliases(mv.aliases, protectedAliases).map((a) => <AliasBadge key={a} alias={a} isProtected={protectedAliases.includes(a)} />)}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-zinc-500 uppercase">Registered</dt>
          <dd className="mt-1 text-sm text-zinc-800">
            <time dateTime={mv.createdAt} title={formatDateTime(mv.createdAt)} suppressHydrationWarning>
              {formatRelative(mv.createdAt)}
            </time>{" "}
            by {mv.createdBy?.name ?? "—"}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-zinc-500 uppercase">Served by</dt>
          <dd className="mt-1 text-sm text-zinc-800">
            {!props.canReadDeployments ? "—" : serving.length === 0 ? <span className="text-zinc-400">No deployment</span> : `${serving.length} deployment${serving.length === 1 ? "" : "s"}`}
          </dd>
        </div>
      </dl>

      <Card title="Lineage" description="Where this version comes from and where it serves. Every box links to its page.">
        <LineageGraph columns={columns} />
        {deployments.isError ? <p className="mt-2 text-xs text-red-700">The deployments could not be loaded: {deployments.error.message}</p> : null}
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <SignatureCard mv={mv} />
        <MetricsCard metrics={mv.metrics} />
      </div>

      <ModelCardView key={mv.card.updatedAt} project={project} version={mv} canWrite={props.canWrite && mv.status === "ready"} />

      <LineageFacts project={project} mv={mv} canReadExperiments={props.canReadExperiments} />

      <BatchScores project={project} model={model} version={version} canScore={props.canScore ?? false} canReadDatasets={props.canReadDatasets ?? false} archived={mv.status === "archived"} />

      {props.canReadApprovals ? <VersionRequests project={project} model={model} version={version} /> : null}
    </div>
  );
}

function SignatureCard({ mv }: { mv: ModelVersion }) {
  const { inputs, output } = mv.signature;
  return (
    <Card title="Signature" description="What the model accepts and returns; the prediction server checks every request against it.">
      <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Inputs ({inputs.length})</h3>
      <div className="-mx-5 mt-2 max-h-80 overflow-y-auto">
        <Table aria-label="Input columns" data-testid="signature-inputs">
          <THead>
            <TR>
              <TH>Column</TH>
              <TH>Type</TH>
            </TR>
          </THead>
          <TBody>
            {inputs.map((c) => (
              <TR key={c.name}>
                <TD className="font-mono text-xs">{c.name}</TD>
                <TD>
                  <Badge>{c.type}</Badge>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
      <h3 className="mt-4 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Output</h3>
      <p className="mt-1 text-sm text-zinc-800" data-testid="signature-output">
        <Badge tone="accent">{output.task}</Badge>
        {output.labels && output.labels.length > 0 ? (
          <span className="ml-2">
            labels{" "}
            {output.labels.map((l) => (
              <code key={String(l)} className="mr-1 rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs">
                {String(l)}
              </code>
            ))}
          </span>
        ) : null}
      </p>
    </Card>
  );
}

function MetricsCard({ metrics }: { metrics: Record<string, number> }) {
  const names = Object.keys(metrics).sort();
  return (
    <Card title="Metrics" description="The run's final metrics, frozen when the version was registered.">
      {names.length === 0 ? (
        <p className="text-sm text-zinc-500">The run recorded no metrics.</p>
      ) : (
        <div className="-mx-5 -my-4 max-h-96 overflow-y-auto">
          <Table aria-label="Metrics snapshot" data-testid="version-metrics">
            <THead>
              <TR>
                <TH>Metric</TH>
                <TH className="text-right">Value</TH>
                <TH>Better</TH>
              </TR>
            </THead>
            <TBody>
              {names.map((n) => (
                <TR key={n}>
                  <TD className="font-mono text-xs">{n}</TD>
                  <TD className="text-right tabular-nums">{formatMetricValue(metrics[n])}</TD>
                  <TD className="text-xs text-zinc-500">{metricGoal(n) === "maximize" ? "higher" : "lower"}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </Card>
  );
}

function LineageFacts({ project, mv, canReadExperiments }: { project: string; mv: ModelVersion; canReadExperiments: boolean }) {
  const trpc = useTRPC();
  const run = useQuery({ ...trpc.experiments.getRun.queryOptions({ project, run: mv.runId }), enabled: canReadExperiments });
  const params = Object.entries(run.data?.params ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const { lineage } = mv;
  return (
    <Card title="Facts from the lineage" description="Filled in by Keel from the run and the data it trained on; part of the model card, not editable.">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[11rem_1fr]" data-testid="lineage-facts">
        <dt className="font-medium text-zinc-900">Dataset version</dt>
        <dd className="text-zinc-700">
          {lineage.dataset ? (
            <>
              <Link className={link} href={datasetVersionPath(project, lineage.dataset.name, lineage.dataset.version)}>
                {lineage.dataset.name} v{lineage.dataset.version}
              </Link>{" "}
              <span className="font-mono text-xs text-zinc-500" title={lineage.dataset.sha256}>
                sha256 {shortSha(lineage.dataset.sha256)}
              </span>
            </>
          ) : (
            <span className="text-zinc-400">Not recorded</span>
          )}
        </dd>
        <dt className="font-medium text-zinc-900">Run</dt>
        <dd className="text-zinc-700">
          <Link className={link} href={runPathById(project, lineage.run.experiment.name, lineage.run.id)}>
            {lineage.run.name || `#${lineage.run.number}`}
          </Link>{" "}
          <span className="text-zinc-500">
            in {lineage.run.experiment.name} · #{lineage.run.number}
            {lineage.run.family ? ` · ${lineage.run.family}` : ""}
          </span>
        </dd>
        <dt className="font-medium text-zinc-900">Trained by</dt>
        <dd className="text-zinc-700">{lineage.trainedBy?.name ?? "—"}</dd>
        <dt className="font-medium text-zinc-900">Trained</dt>
        <dd className="text-zinc-700">{formatDateTime(lineage.trainedAt)}</dd>
        <dt className="font-medium text-zinc-900">Parameters</dt>
        <dd className="text-zinc-700">
          {!canReadExperiments ? (
            <span className="text-zinc-400">Your role cannot read runs.</span>
          ) : run.isPending ? (
            <span className="text-zinc-500">Loading…</span>
          ) : run.isError ? (
            <span className="text-red-700">{run.error.message}</span>
          ) : params.length === 0 ? (
            <span className="text-zinc-400">None recorded</span>
          ) : (
            <ul className="flex flex-wrap gap-1.5" data-testid="lineage-params">
              {params.map(([k, val]) => (
                <li key={k} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700">
                  {k}={val}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt className="font-medium text-zinc-900">Artifacts</dt>
        <dd className="text-zinc-700">
          {mv.artifacts.length === 0 ? (
            <span className="text-zinc-400">None</span>
          ) : (
            <ul className="space-y-0.5">
              {mv.artifacts.map((a) => (
                <li key={a.path} className="font-mono text-xs">
                  {a.path} <span className="text-zinc-500">· {formatBytes(a.sizeBytes)} · sha256 {shortSha(a.sha256)}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </Card>
  );
}

function VersionRequests({ project, model, version }: { project: string; model: string; version: number }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.approvals.list.queryOptions({ project, model }));
  const items = (list.data?.items ?? []).filter((r) => r.version === version);
  return (
    <Card title="Promotion requests" description="Requests to move a protected alias to this version, with their frozen evidence.">
      {list.isError ? <Alert tone="error">{list.error.message}</Alert> : null}
      {list.isPending ? <p className="text-sm text-zinc-500">Loading…</p> : null}
      {!list.isPending && items.length === 0 ? <p className="text-sm text-zinc-500">No promotion has been requested for this version.</p> : null}
      {items.length > 0 ? (
        <ul className="divide-y divide-zinc-100">
          {items.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-3 py-2.5 text-sm">
              <RequestStatusBadge status={r.status} />
              <Link className={link} href={requestPath(project, r.id)}>
                → {r.target}
              </Link>
              <span className="text-zinc-600">
                by {r.requestedBy?.name ?? "—"},{" "}
                <time dateTime={r.createdAt} title={formatDateTime(r.createdAt)} suppressHydrationWarning>
                  {formatRelative(r.createdAt)}
                </time>
              </span>
              <span className="ml-auto text-xs text-zinc-500 tabular-nums">
                {r.approvals}/{r.requiredApprovals} approvals
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
