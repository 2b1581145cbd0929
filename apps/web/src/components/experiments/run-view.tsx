"use client";

import type { Run } from "@keel/api";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert, Button, Card, PageHeader } from "~/components/ui";
import { Breadcrumbs } from "~/components/datasets/breadcrumbs";
import { formatDateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { BaselineBadge, formatDuration, isActive, RunStatusBadge, SweepBadge } from "./badges";
import { EvaluationSection } from "./evaluation";
import { experimentPath, experimentsPath, runPath } from "./paths";
import { CurveChart, type Series } from "./run-charts";
import { LineageCard, LogsCard, ParamsCard, ReproductionCard, TagsAndArtifacts } from "./run-details";
import { SweepTrials } from "./sweep-trials";

const CURVES = [
  { title: "Loss", keys: ["train_loss", "val_loss"], testId: "loss-curve" },
  { title: "Accuracy", keys: ["train_accuracy", "val_accuracy"], testId: "accuracy-curve" },
] as const;

/** "Trained on wasm · TensorFlow.js 4.22.0". */
function backendLine(run: Run): string | null {
  if (!run.backend) return null;
  const tfjs = run.packageVersions?.["@tensorflow/tfjs"];
  return `Trained on ${run.backend}${tfjs ? ` · TensorFlow.js ${tfjs}` : ""}`;
}

export function RunView({ project, runId, canWrite }: { project: string; runId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.experiments.getRun.queryOptions({ project, run: runId }, { refetchInterval: (x) => (x.state.data && isActive(x.state.data.status) ? 1000 : false) }));
  const run = q.data;
  const active = run ? isActive(run.status) : false;
  const curveKeys = new Set(run?.metricKeys.map((k) => k.key) ?? []);
  const wanted: string[] = CURVES.flatMap((c) => c.keys).filter((k) => curveKeys.has(k));
  const histories = useQueries({
    queries: wanted.map((key) => trpc.experiments.metricHistory.queryOptions({ project, run: runId, key, maxPoints: 1000 }, { refetchInterval: active ? 1000 : false })),
  });
  const invalidate = () => queryClient.invalidateQueries(trpc.experiments.pathFilter());
  const cancel = useMutation(trpc.experiments.cancelRun.mutationOptions({ onSuccess: invalidate }));
  const rerun = useMutation(trpc.experiments.rerun.mutationOptions({ onSuccess: (r) => run && router.push(runPath(project, run.experiment.name, r.id)) }));
  const baseline = useMutation(trpc.experiments.setBaseline.mutationOptions({ onSuccess: invalidate }));

  if (!run) return <Alert tone="error">{q.error?.message ?? "Loading the run…"}</Alert>;
  const experiment = run.experiment.name;
  const backend = backendLine(run);
  const actionError = cancel.error?.message ?? rerun.error?.message ?? baseline.error?.message ?? null;
  const series = (keys: readonly string[]): Series[] =>
    keys.flatMap((key) => {
      const i = wanted.indexOf(key);
      const h = i >= 0 ? histories[i]?.data : undefined;
      return h ? [{ name: key, points: h.points }] : [];
    });

  return (
    <>
      <PageHeader
        eyebrow={
          <Breadcrumbs
            items={[
              { label: "Experiments", href: experimentsPath(project) },
              { label: experiment, href: experimentPath(project, experiment) },
              ...(run.parentRunId ? [{ label: "Sweep", href: runPath(project, experiment, run.parentRunId) }] : []),
              { label: `Run ${run.number}` },
            ]}
          />
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span>
              <span className="text-zinc-400">#{run.number}</span> {run.name}
            </span>
            <RunStatusBadge status={run.status} cancelRequested={run.cancelRequested} />
            {run.kind === "sweep" ? <SweepBadge /> : null}
            {run.isBaseline ? <BaselineBadge /> : null}
          </span>
        }
        description={
          <>
            Launched by {run.createdBy?.name ?? "someone"} · created {formatDateTime(run.createdAt)}
            {run.startedAt ? ` · started ${formatDateTime(run.startedAt)}` : ""}
            {run.endedAt ? ` · ended ${formatDateTime(run.endedAt)}` : ""} · duration {formatDuration(run.durationMs)}
            {run.family ? ` · ${run.family} · ${run.task ?? ""}` : ""}
          </>
        }
        actions={
          canWrite ? (
            <>
              {active ? (
                <Button variant="danger" onClick={() => cancel.mutate({ project, run: run.id })} disabled={cancel.isPending || run.cancelRequested} data-testid="cancel-run">
                  {run.cancelRequested || cancel.isPending ? "Cancelling…" : "Cancel"}
                </Button>
              ) : null}
              {run.kind !== "external" ? (
                <Button variant="secondary" onClick={() => rerun.mutate({ project, run: run.id })} disabled={rerun.isPending || rerun.isSuccess} data-testid="rerun">
                  {rerun.isPending || rerun.isSuccess ? "Re-running…" : "Re-run"}
                </Button>
              ) : null}
              <Button
                variant="secondary"
                onClick={() => baseline.mutate({ project, experiment, run: run.isBaseline ? null : run.id })}
                disabled={baseline.isPending}
                data-testid="set-baseline"
              >
                {run.isBaseline ? "Unset baseline" : "Set as baseline"}
              </Button>
            </>
          ) : null
        }
      />
      {actionError ? (
        <Alert tone="error" className="mb-6">
          {actionError}
        </Alert>
      ) : null}
      <div className="space-y-8">
        {run.kind !== "external" ? (
          <div className="flex flex-wrap items-center gap-3 rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
            <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-6 text-accent-600">
              <rect x="5" y="5" width="14" height="14" rx="2" />
              <path d="M9 1v4M15 1v4M9 19v4M15 19v4M1 9h4M1 15h4M19 9h4M19 15h4" />
            </svg>
            <p className="text-base font-semibold text-zinc-900" data-testid="run-backend">
              {backend ?? (run.kind === "sweep" ? "A sweep: each trial below records the backend that trained it" : active ? "Backend: chosen when the worker starts training" : "No backend recorded")}
            </p>
            {run.backendAttempts && run.backendAttempts.some((a) => !a.ok) ? (
              <details className="text-sm text-zinc-600">
                <summary className="cursor-pointer">Why not the others</summary>
                <ul className="mt-1 list-disc pl-5">
                  {run.backendAttempts.map((a) => (
                    <li key={a.backend}>
                      <span className="font-mono">{a.backend}</span>: {a.ok ? "used" : (a.reason ?? "not available")}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </div>
        ) : null}
        {run.status === "failed" && run.error ? (
          <Alert tone="error" title="The run failed">
            <span className="font-mono text-xs whitespace-pre-wrap" data-testid="run-error">
              {run.error}
            </span>
          </Alert>
        ) : null}
        <ReproductionCard project={project} experiment={experiment} run={run} />
        {run.kind === "sweep" ? <SweepTrials project={project} run={run} /> : null}
        {run.kind !== "sweep" ? (
          <section aria-labelledby="curves-title">
            <h2 id="curves-title" className="text-base font-semibold text-zinc-900">
              Learning curves
            </h2>
            <p className="mt-1 mb-4 text-sm text-zinc-600">{active ? "Live: updated every second while the run trains." : "Per epoch, on the training and validation rows."}</p>
            {wanted.length === 0 ? (
              <p className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
                {active ? "The first epoch's metrics appear here as soon as training starts." : "No per-epoch metrics were logged."}
              </p>
            ) : (
              <div className="grid gap-4 lg:grid-cols-2">
                {CURVES.map((c) => {
                  const s = series(c.keys);
                  return s.length > 0 ? (
                    <Card key={c.title} title={c.title} as="h3">
                      <CurveChart series={s} label={`${c.title} per epoch`} testId={c.testId} />
                    </Card>
                  ) : null;
                })}
              </div>
            )}
          </section>
        ) : null}
        {run.evaluation ? <EvaluationSection evaluation={run.evaluation} /> : null}
        <div className="grid gap-4 lg:grid-cols-2">
          <ParamsCard run={run} />
          <TagsAndArtifacts project={project} run={run} canWrite={canWrite} />
        </div>
        <LineageCard project={project} run={run} />
        <LogsCard project={project} run={run} />
      </div>
    </>
  );
}
