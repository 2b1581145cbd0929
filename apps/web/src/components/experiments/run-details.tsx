"use client";

import type { Run } from "@keel/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { Alert, Badge, Button, Card, Input, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { CopyButton } from "~/components/ui/copy-button";
import { formatBytes, shortSha } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { formatMetric, isActive } from "./badges";
import { datasetVersionPath, runPath } from "./paths";

/** The parameters the run was trained with (as recorded). */
export function ParamsCard({ run }: { run: Run }) {
  const entries = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card title="Parameters" id="params">
      {entries.length === 0 ? (
        <p className="text-sm text-zinc-600">No parameters recorded.</p>
      ) : (
        <div className="-mx-5 -my-4">
          <Table aria-label="Parameters" data-testid="params-table">
            <TBody>
              {entries.map(([k, v]) => (
                <TR key={k}>
                  <TH scope="row" className="w-1/3">
                    <span className="font-mono font-medium tracking-normal text-zinc-700 normal-case">{k}</span>
                  </TH>
                  <TD className="font-mono text-xs break-all">{v}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </Card>
  );
}

/** Adds and removes a run's tags (they stay editable after the run ended). */
function TagEditor({ project, run }: { project: string; run: Run }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const setTags = useMutation(
    trpc.experiments.setTags.mutationOptions({
      onSuccess: async () => {
        setKey("");
        setValue("");
        await queryClient.invalidateQueries(trpc.experiments.pathFilter());
      },
    }),
  );
  return (
    <form
      className="mb-4 flex flex-wrap items-end gap-2"
      aria-label="Add a tag"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) setTags.mutate({ project, run: run.id, tags: { [key.trim()]: value } });
      }}
    >
      <label className="sr-only" htmlFor="tag-key">
        Tag name
      </label>
      <Input id="tag-key" className="w-36" placeholder="tag" value={key} onChange={(e) => setKey(e.target.value)} />
      <label className="sr-only" htmlFor="tag-value">
        Tag value
      </label>
      <Input id="tag-value" className="w-44" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
      <Button type="submit" variant="secondary" size="sm" disabled={!key.trim() || setTags.isPending}>
        Add tag
      </Button>
      {setTags.isError ? (
        <p role="alert" className="w-full text-sm text-red-700">
          {setTags.error.message}
        </p>
      ) : null}
      <RemoveTags project={project} run={run} />
    </form>
  );
}

function RemoveTags({ project, run }: { project: string; run: Run }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.experiments.setTags.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.experiments.pathFilter()) }));
  const keys = Object.keys(run.tags).filter((k) => !k.startsWith("keel."));
  if (keys.length === 0) return null;
  return (
    <span className="flex flex-wrap gap-1">
      {keys.map((k) => (
        <Button key={k} variant="ghost" size="sm" aria-label={`Remove tag ${k}`} onClick={() => remove.mutate({ project, run: run.id, tags: {}, remove: [k] })}>
          × {k}
        </Button>
      ))}
    </span>
  );
}

export function TagsAndArtifacts({ project, run, canWrite }: { project: string; run: Run; canWrite: boolean }) {
  const tags = Object.entries(run.tags);
  return (
    <Card title="Tags and artifacts" id="artifacts">
      <div className="mb-4 flex flex-wrap gap-2" data-testid="run-tags">
        {tags.length === 0 ? <span className="text-sm text-zinc-500">No tags.</span> : null}
        {tags.map(([k, v]) => (
          <Badge key={k}>
            <span className="font-mono">{k}</span>
            {v ? <span className="ml-1 text-zinc-500">= {v}</span> : null}
          </Badge>
        ))}
      </div>
      {canWrite ? <TagEditor project={project} run={run} /> : null}
      {run.artifacts.length === 0 ? (
        <p className="text-sm text-zinc-600">{isActive(run.status) ? "Artifacts are stored when the run finishes." : "No artifacts."}</p>
      ) : (
        <div className="-mx-5 -mb-4">
          <Table aria-label="Artifacts" data-testid="artifacts-table">
            <THead>
              <TR>
                <TH>Path</TH>
                <TH className="text-right">Size</TH>
                <TH>sha256</TH>
              </TR>
            </THead>
            <TBody>
              {run.artifacts.map((a) => (
                <TR key={a.path}>
                  <TD className="font-mono text-xs">{a.path}</TD>
                  <TD className="text-right text-zinc-600 tabular-nums">{formatBytes(a.sizeBytes)}</TD>
                  <TD className="font-mono text-xs text-zinc-600" title={a.sha256}>
                    {shortSha(a.sha256)}
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </Card>
  );
}

/** Where the run's data came from, and the code that trained it. */
export function LineageCard({ project, run }: { project: string; run: Run }) {
  return (
    <Card title="Lineage" id="lineage">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-zinc-500">Dataset</dt>
        <dd data-testid="run-dataset">
          {run.dataset ? (
            <Link href={datasetVersionPath(project, run.dataset.name, run.dataset.version)} className="font-medium text-accent-700 underline-offset-4 hover:underline">
              {run.dataset.name} · version {run.dataset.version}
            </Link>
          ) : (
            <span className="text-zinc-500">{run.kind === "external" ? "Logged from outside Keel" : "—"}</span>
          )}
        </dd>
        {run.datasetSha256 ? (
          <>
            <dt className="text-zinc-500">Dataset sha256</dt>
            <dd className="flex items-center gap-2 font-mono text-xs break-all">
              {run.datasetSha256} <CopyButton value={run.datasetSha256} label="Copy sha256" />
            </dd>
          </>
        ) : null}
        {run.target ? (
          <>
            <dt className="text-zinc-500">Target</dt>
            <dd className="font-mono text-xs">{run.target}</dd>
          </>
        ) : null}
        {run.features ? (
          <>
            <dt className="text-zinc-500">Features</dt>
            <dd className="text-xs text-zinc-700">
              {run.features.length} columns: <span className="font-mono">{run.features.join(", ")}</span>
            </dd>
          </>
        ) : null}
        {run.seed !== null ? (
          <>
            <dt className="text-zinc-500">Seed</dt>
            <dd className="font-mono text-xs">{run.seed}</dd>
          </>
        ) : null}
        {run.codeVersion ? (
          <>
            <dt className="text-zinc-500">Code version</dt>
            <dd className="font-mono text-xs">{run.codeVersion}</dd>
          </>
        ) : null}
        {run.packageVersions ? (
          <>
            <dt className="text-zinc-500">Packages</dt>
            <dd className="font-mono text-xs">
              {Object.entries(run.packageVersions)
                .map(([k, v]) => `${k} ${v}`)
                .join(" · ")}
            </dd>
          </>
        ) : null}
      </dl>
    </Card>
  );
}

/** Whether a re-run reproduced its original, metric by metric. */
export function ReproductionCard({ project, experiment, run }: { project: string; experiment: string; run: Run }) {
  const r = run.reproduction;
  if (!run.rerunOfRunId) return null;
  return (
    <Card
      title="Reproduction"
      id="reproduction"
      description={
        <>
          A re-run of{" "}
          <Link href={runPath(project, experiment, run.rerunOfRunId)} className="text-accent-700 underline-offset-4 hover:underline">
            the original run
          </Link>
          {r ? ` with the same configuration; metrics agree when within ±${r.tolerance}.` : "."}
        </>
      }
    >
      {!r || r.reproduced === null ? (
        <p className="text-sm text-zinc-600" data-testid="reproduction">
          Known once both runs have succeeded.
        </p>
      ) : (
        <>
          <Alert tone={r.reproduced ? "success" : "warning"} title={r.reproduced ? "Reproduced" : "Not reproduced"}>
            <span data-testid="reproduction">
              {r.sameDataset ? "Same dataset bytes" : "A different dataset hash"} · {r.sameBackend ? "same backend" : "a different backend"}.
            </span>
          </Alert>
          <div className="-mx-5 mt-4 -mb-4">
            <Table aria-label="Reproduced metrics">
              <THead>
                <TR>
                  <TH>Metric</TH>
                  <TH className="text-right">Original</TH>
                  <TH className="text-right">Re-run</TH>
                  <TH className="text-right">Δ</TH>
                  <TH>Within tolerance</TH>
                </TR>
              </THead>
              <TBody>
                {r.metrics.map((m) => (
                  <TR key={m.key}>
                    <TD className="font-mono text-xs">{m.key}</TD>
                    <TD className="text-right tabular-nums">{formatMetric(m.original)}</TD>
                    <TD className="text-right tabular-nums">{formatMetric(m.rerun)}</TD>
                    <TD className="text-right tabular-nums">{formatMetric(m.delta)}</TD>
                    <TD>{m.withinTolerance ? <Badge tone="green">yes</Badge> : <Badge tone="red">no</Badge>}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </div>
        </>
      )}
    </Card>
  );
}

/** The worker's log lines, polled while the run is active. */
export function LogsCard({ project, run }: { project: string; run: Run }) {
  const trpc = useTRPC();
  const logs = useQuery(
    trpc.experiments.runLogs.queryOptions({ project, run: run.id, after: 0, limit: 1000 }, { refetchInterval: isActive(run.status) ? 1500 : false }),
  );
  const lines = logs.data?.lines ?? [];
  const attempts = new Set(lines.map((l) => l.attempt)).size;
  return (
    <Card title="Logs" id="logs" description={
        run.attempt > 0
          ? `Attempt ${run.attempt} of at most ${run.maxAttempts}${attempts > 1 ? `; lines from ${attempts} attempts` : ""}.`
          : run.kind === "sweep"
            ? "A sweep's own work is planning; each trial has its own logs."
            : "Not started yet."
      }>
      {lines.length === 0 ? (
        <p className="text-sm text-zinc-600">{logs.isPending ? "Loading…" : "No log lines yet."}</p>
      ) : (
        <pre className="max-h-80 overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100" data-testid="run-logs" tabIndex={0} aria-label="Run logs">
          {lines.map((l) => (
            <div key={l.id} className={l.level === "error" ? "text-red-300" : l.level === "warn" ? "text-amber-200" : undefined}>
              <span className="text-zinc-500">
                {l.at.slice(11, 19)} #{l.attempt}{" "}
              </span>
              {l.message}
            </div>
          ))}
        </pre>
      )}
    </Card>
  );
}
