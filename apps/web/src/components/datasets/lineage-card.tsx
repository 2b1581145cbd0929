import type { DatasetVersionLineage, LineageDeployment, LineageModelVersion } from "@keel/api";
import Link from "next/link";
import type { ReactNode } from "react";
import { deploymentPath, modelVersionPath } from "~/components/deployments/paths";
import { RunStatusBadge } from "~/components/experiments/badges";
import { runPath } from "~/components/experiments/paths";
import { Badge, Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { formatCount } from "~/lib/format-data";
import { versionPath } from "./paths";

const link = "font-medium text-accent-700 underline-offset-4 hover:underline";

const BATCH_TONES = { queued: "neutral", running: "accent", succeeded: "green", failed: "red" } as const;

function isEmpty(l: DatasetVersionLineage): boolean {
  return l.runs.total === 0 && l.modelVersions.length === 0 && l.deployments.length === 0 && l.derivedFrom === null && l.scoredInto.length === 0;
}

function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section data-testid={testId} aria-label={title}>
      <h3 className="mb-2 text-sm font-semibold text-zinc-900">{title}</h3>
      {children}
    </section>
  );
}

function ModelVersionLink({ project, model, version }: { project: string; model: string; version: number }) {
  return (
    <Link href={modelVersionPath(project, model, version)} className={link}>
      {model} · version {version}
    </Link>
  );
}

function DatasetVersionLink({ project, dataset, version }: { project: string; dataset: string; version: number }) {
  return (
    <Link href={versionPath(project, dataset, version)} className={link}>
      {dataset} · version {version}
    </Link>
  );
}

function routeLabel(d: LineageDeployment): string {
  return d.mode === "shadow" ? "shadow" : `${d.percent ?? 0}% live`;
}

function ModelRow({ project, mv, deployments }: { project: string; mv: LineageModelVersion; deployments: LineageDeployment[] }) {
  const routed = deployments.filter((d) => d.model === mv.model && d.version === mv.version);
  return (
    <li className="flex flex-col gap-1.5 py-3 first:pt-0 last:pb-0" data-testid="lineage-model" data-model={mv.model} data-version={mv.version}>
      <div className="flex flex-wrap items-center gap-2">
        <ModelVersionLink project={project} model={mv.model} version={mv.version} />
        {mv.aliases.map((a) => (
          <Badge key={a} tone="accent" data-testid="lineage-alias">
            @{a}
          </Badge>
        ))}
        {mv.status === "archived" ? <Badge tone="neutral">archived</Badge> : null}
      </div>
      <p className="text-xs text-zinc-600">
        Registered {formatDateTime(mv.createdAt)} from{" "}
        <Link href={runPath(project, mv.experiment.name, mv.runId)} className={link} title={mv.runId}>
          a run of {mv.experiment.name}
        </Link>
      </p>
      {routed.length > 0 ? (
        <ul className="flex flex-wrap gap-2" data-testid="lineage-deployments">
          {routed.map((d) => (
            <li key={d.name} className="flex items-center gap-1.5 text-xs">
              <span className="text-zinc-500">Serving in</span>
              <Link href={deploymentPath(project, d.name)} className={link}>
                {d.name}
              </Link>
              <Badge tone={d.environment === "production" ? "green" : "amber"}>{d.environment}</Badge>
              <span className="text-zinc-500">{routeLabel(d)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-zinc-500">Not deployed.</p>
      )}
    </li>
  );
}

/**
 * Where this version came from (a batch score) and where it went: the runs that trained on it,
 * the model versions registered from them, the deployments serving those, and batch-score outputs.
 */
export function LineageCard({ project, lineage }: { project: string; lineage: DatasetVersionLineage }) {
  if (isEmpty(lineage)) {
    return (
      <Card id="lineage" title="Lineage" description="Used by runs and models">
        <div className="flex items-start gap-3 text-sm text-zinc-600" data-testid="lineage-empty">
          <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="mt-0.5 size-5 shrink-0 text-zinc-400">
            <circle cx="6" cy="6" r="2.5" />
            <circle cx="18" cy="18" r="2.5" />
            <path d="M8.5 6H14a4 4 0 0 1 4 4v5.5" />
          </svg>
          <p>
            No training run has used this version yet. Launch a run on it from an experiment: the runs, the model versions registered from them and the
            deployments serving those will be listed here.
          </p>
        </div>
      </Card>
    );
  }
  const { runs, modelVersions, deployments, derivedFrom, scoredInto } = lineage;
  return (
    <Card
      id="lineage"
      title="Lineage"
      description={`${formatCount(runs.total)} ${runs.total === 1 ? "run" : "runs"} trained on this version · ${formatCount(modelVersions.length)} registered model ${modelVersions.length === 1 ? "version" : "versions"} · ${formatCount(deployments.length)} ${deployments.length === 1 ? "deployment" : "deployments"} serving them`}
    >
      <div className="space-y-6">
        {derivedFrom ? (
          <Section title="Derived from" testId="lineage-derived-from">
            <p className="text-sm text-zinc-700">
              Written by batch score <span className="font-mono text-xs">{derivedFrom.batchScoreId}</span> on {formatDateTime(derivedFrom.createdAt)}:{" "}
              <ModelVersionLink project={project} model={derivedFrom.model.model} version={derivedFrom.model.version} /> scored{" "}
              <DatasetVersionLink project={project} dataset={derivedFrom.input.dataset} version={derivedFrom.input.version} />.
            </p>
          </Section>
        ) : null}

        {runs.total > 0 ? (
          <Section title="Runs trained on this version" testId="lineage-runs">
            <div className="-mx-5">
              <Table>
                <THead>
                  <TR>
                    <TH>Run</TH>
                    <TH>Experiment</TH>
                    <TH>Status</TH>
                    <TH>Created</TH>
                  </TR>
                </THead>
                <TBody>
                  {runs.items.map((r) => (
                    <TR key={r.id} data-testid="lineage-run">
                      <TD>
                        <Link href={runPath(project, r.experiment.name, r.id)} className={link} title={r.id}>
                          #{r.number} {r.name}
                        </Link>
                      </TD>
                      <TD>{r.experiment.name}</TD>
                      <TD>
                        <RunStatusBadge status={r.status} />
                      </TD>
                      <TD className="whitespace-nowrap text-zinc-600">{formatDateTime(r.createdAt)}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </div>
            {runs.total > runs.items.length ? (
              <p className="mt-2 text-xs text-zinc-500">
                Showing the {formatCount(runs.items.length)} newest of {formatCount(runs.total)} runs.
              </p>
            ) : null}
          </Section>
        ) : null}

        {modelVersions.length > 0 ? (
          <Section title="Registered model versions" testId="lineage-models">
            <ul className="divide-y divide-zinc-100">
              {modelVersions.map((mv) => (
                <ModelRow key={mv.id} project={project} mv={mv} deployments={deployments} />
              ))}
            </ul>
          </Section>
        ) : runs.total > 0 ? (
          <p className="text-sm text-zinc-600" data-testid="lineage-models-empty">
            No model version has been registered from these runs yet: open a succeeded run and register it in the model registry.
          </p>
        ) : null}

        {scoredInto.length > 0 ? (
          <Section title="Scored into" testId="lineage-scored-into">
            <ul className="space-y-2 text-sm text-zinc-700">
              {scoredInto.map((s) => (
                <li key={s.batchScoreId} className="flex flex-wrap items-center gap-2" data-testid="lineage-batch-score">
                  <ModelVersionLink project={project} model={s.model.model} version={s.model.version} />
                  <span aria-hidden="true" className="text-zinc-400">
                    →
                  </span>
                  {s.output ? (
                    <DatasetVersionLink project={project} dataset={s.output.dataset} version={s.output.version} />
                  ) : (
                    <span className="font-medium">{s.outputDataset}</span>
                  )}
                  <Badge tone={BATCH_TONES[s.status]}>{s.status}</Badge>
                  <span className="text-xs text-zinc-500">{formatDateTime(s.createdAt)}</span>
                </li>
              ))}
            </ul>
          </Section>
        ) : null}
      </div>
    </Card>
  );
}
