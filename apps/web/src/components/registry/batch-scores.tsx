"use client";

import type { AppRouter } from "@keel/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { Fragment, useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Alert, Badge, Button, Card, cn, Field, Input, Select, Table, TBody, TD, TH, THead, TR, type BadgeTone } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import {
  BATCH_SCORES_LIMIT,
  batchScoresInput,
  defaultOutputName,
  describeErrorDetail,
  forModelVersion,
  isActiveBatchScore,
  progressPercent,
  resolveOutputName,
  statusText,
  type BatchScoreStatus,
} from "./batch-scores-logic";
import { datasetVersionPath } from "./paths";

type BatchScore = inferRouterOutputs<AppRouter>["scoring"]["listBatchScores"]["items"][number];

export interface BatchScoresProps {
  project: string;
  model: string;
  version: number;
  /** `registry.score`: the form is shown (the server checks again). */
  canScore: boolean;
  /** `dataset.read`: the form lists the project's datasets. */
  canReadDatasets: boolean;
  /** Archived versions are not used for scoring. */
  archived: boolean;
}

const link = "text-accent-700 underline-offset-4 hover:underline";

const TONES: Record<BatchScoreStatus, BadgeTone> = { queued: "neutral", running: "accent", succeeded: "green", failed: "red" };

/** "Batch scoring" on the version page: start a job that scores a dataset version, and this version's jobs as they run. */
export function BatchScores({ project, model, version, canScore, canReadDatasets, archived }: BatchScoresProps) {
  const trpc = useTRPC();
  const list = useQuery(
    trpc.scoring.listBatchScores.queryOptions(batchScoresInput(project, model), {
      refetchInterval: (q) => (forModelVersion(q.state.data?.items ?? [], version).some((b) => isActiveBatchScore(b.status)) ? 1000 : false),
    }),
  );
  const items = forModelVersion(list.data?.items ?? [], version);
  const truncated = (list.data?.items.length ?? 0) >= BATCH_SCORES_LIMIT;
  return (
    <Card
      id="batch-scoring"
      title="Batch scoring"
      description="Score a whole dataset version with this model version on the worker. The result is a new dataset version: the input columns, then prediction and one probability_<label> per class."
    >
      {canScore ? (
        archived ? (
          <p className="mb-4 text-sm text-zinc-500">This version is archived: archived versions are not used for scoring.</p>
        ) : canReadDatasets ? (
          <BatchScoreForm project={project} model={model} version={version} />
        ) : (
          <p className="mb-4 text-sm text-zinc-500">Your role cannot read datasets, so it cannot choose one to score.</p>
        )
      ) : null}
      {list.isError ? <Alert tone="error">{list.error.message || "The batch scores could not be loaded. Reload the page to try again."}</Alert> : null}
      {list.isPending ? <p className="text-sm text-zinc-500">Loading the batch scores…</p> : null}
      {list.data && items.length === 0 ? <p className="text-sm text-zinc-500">No dataset has been scored with this version yet.</p> : null}
      {items.length > 0 ? (
        <div className={cn("-mx-5 -mb-4", canScore && !archived && "mt-2 border-t border-zinc-200")}>
          <Table aria-label="Batch scores of this version" data-testid="batch-scores">
            <THead>
              <TR>
                <TH>Status</TH>
                <TH>Input</TH>
                <TH className="w-56">Rows</TH>
                <TH>Output</TH>
                <TH>Started</TH>
              </TR>
            </THead>
            <TBody>
              {items.map((b) => (
                <BatchScoreRow key={b.id} project={project} b={b} />
              ))}
            </TBody>
          </Table>
        </div>
      ) : null}
      {truncated ? <p className="mt-6 text-xs text-zinc-500">Only this version&apos;s jobs among the model&apos;s {BATCH_SCORES_LIMIT} most recent batch scores are shown.</p> : null}
    </Card>
  );
}

function BatchScoreStatusBadge({ status }: { status: BatchScoreStatus }) {
  return (
    <Badge tone={TONES[status]} data-testid="batch-score-status" data-status={status}>
      {status === "running" ? <span aria-hidden="true" className="mr-1.5 size-1.5 animate-pulse rounded-full bg-current" /> : null}
      {status}
    </Badge>
  );
}

function BatchScoreRow({ project, b }: { project: string; b: BatchScore }) {
  const pct = progressPercent(b);
  const text = statusText(b);
  return (
    <Fragment>
      <TR data-testid="batch-score-row" data-status={b.status} data-id={b.id}>
        <TD>
          <BatchScoreStatusBadge status={b.status} />
        </TD>
        <TD>
          <Link className={link} href={datasetVersionPath(project, b.input.dataset, b.input.version)} data-testid="batch-score-input">
            {b.input.dataset} v{b.input.version}
          </Link>
        </TD>
        <TD>
          <p className="text-xs text-zinc-700 tabular-nums" data-testid="batch-score-progress">
            {b.rowsScored.toLocaleString("en-US")} / {b.rowsTotal.toLocaleString("en-US")}
            <span className="sr-only"> · {text}</span>
          </p>
          {isActiveBatchScore(b.status) ? (
            <div
              role="progressbar"
              aria-label={text}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              title={text}
              className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-200"
            >
              <div className={cn("h-full rounded-full bg-accent-600 transition-[width]", b.status === "queued" && "animate-pulse")} style={{ width: `${pct}%` }} />
            </div>
          ) : null}
        </TD>
        <TD>
          {b.status === "succeeded" && b.output.version !== null ? (
            <Link className={link} href={datasetVersionPath(project, b.output.dataset, b.output.version)} data-testid="batch-score-output">
              {b.output.dataset} v{b.output.version}
            </Link>
          ) : (
            <span className="text-zinc-400" title={b.status === "failed" ? "Nothing was written" : "Written when the job succeeds"}>
              {b.output.dataset}
            </span>
          )}
        </TD>
        <TD className="text-zinc-600">
          {b.createdBy?.name ?? "—"},{" "}
          <time dateTime={b.createdAt} title={formatDateTime(b.createdAt)} suppressHydrationWarning>
            {formatRelative(b.createdAt)}
          </time>
          {b.endedAt ? (
            <span className="block text-xs text-zinc-500">
              ended{" "}
              <time dateTime={b.endedAt} title={formatDateTime(b.endedAt)} suppressHydrationWarning>
                {formatRelative(b.endedAt)}
              </time>
            </span>
          ) : null}
        </TD>
      </TR>
      {b.status === "failed" ? (
        <tr>
          <td colSpan={5} className="px-4 pt-0 pb-3">
            <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="batch-score-error">
              <p>{b.error ?? statusText(b)}</p>
              {b.errorDetails.length > 0 ? (
                <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
                  {b.errorDetails.map((d, i) => (
                    <li key={`${d.path}-${i}`}>{describeErrorDetail(d)}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function BatchScoreForm({ project, model, version }: { project: string; model: string; version: number }) {
  const hydrated = useHydrated();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.datasets.list.queryOptions({ project, sort: "name", order: "asc", limit: 100 }));
  const [dataset, setDataset] = useState("");
  const [datasetVersion, setDatasetVersion] = useState("latest");
  const [output, setOutput] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const versions = useQuery({ ...trpc.datasets.listVersions.queryOptions({ project, dataset }), enabled: dataset !== "" });
  const listKey = trpc.scoring.listBatchScores.queryKey(batchScoresInput(project, model));
  const start = useMutation(
    trpc.scoring.startBatchScore.mutationOptions({
      onSuccess: async (created) => {
        setOutput("");
        queryClient.setQueryData(listKey, (old) => (old ? { items: [created, ...old.items.filter((b) => b.id !== created.id)] } : old));
        await queryClient.invalidateQueries(trpc.scoring.listBatchScores.pathFilter());
      },
    }),
  );
  const choices = datasets.data?.items ?? [];
  const chosen = choices.find((d) => d.name === dataset);
  const latest = chosen?.latestVersion?.version ?? null;
  const placeholder = dataset ? defaultOutputName(dataset, model) : defaultOutputName("<dataset>", model);

  const choose = (name: string) => {
    setDataset(name);
    setDatasetVersion("latest");
    setLocalError(null);
    start.reset();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!dataset) return setLocalError("Choose the dataset to score.");
    const out = resolveOutputName(output, dataset, model);
    if (!out.ok) return setLocalError(out.error);
    setLocalError(null);
    start.mutate({
      project,
      model,
      version,
      dataset,
      datasetVersion: datasetVersion === "latest" ? "latest" : Number(datasetVersion),
      ...(out.value ? { outputDataset: out.value } : {}),
    });
  };
  const details = start.error?.data?.keel?.details ?? [];
  const error = localError ?? start.error?.message ?? null;
  return (
    <form onSubmit={submit} noValidate className="mb-4 space-y-4" data-testid="batch-score-form" aria-label="Start a batch score">
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="batch-score-dataset" label="Input dataset" hint={datasets.data?.nextCursor ? "The first 100 datasets by name." : undefined}>
          <Select
            id="batch-score-dataset"
            value={dataset}
            onChange={(e) => choose(e.target.value)}
            disabled={!datasets.data}
            aria-invalid={localError && !dataset ? true : undefined}
            data-testid="batch-score-dataset"
          >
            <option value="">{datasets.isPending ? "Loading datasets…" : choices.length === 0 ? "No dataset in this project" : "Choose a dataset…"}</option>
            {choices.map((d) => (
              <option key={d.id} value={d.name} disabled={d.versionCount === 0}>
                {d.name}
                {d.versionCount === 0 ? " (no version yet)" : ""}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="batch-score-dataset-version" label="Dataset version">
          <Select
            id="batch-score-dataset-version"
            value={datasetVersion}
            onChange={(e) => setDatasetVersion(e.target.value)}
            disabled={!dataset}
            data-testid="batch-score-dataset-version"
          >
            <option value="latest">{latest === null ? "Latest" : `Latest (v${latest})`}</option>
            {(versions.data?.items ?? [])
              .slice()
              .sort((a, b) => b.version - a.version)
              .map((v) => (
                <option key={v.id} value={String(v.version)}>
                  v{v.version} · {v.rowCount.toLocaleString("en-US")} rows · quality {v.qualityStatus}
                </option>
              ))}
          </Select>
        </Field>
        <Field id="batch-score-output-name" label="Output dataset (optional)" hint="Created when missing; the scores become its next version.">
          <Input
            id="batch-score-output-name"
            value={output}
            onChange={(e) => setOutput(e.target.value)}
            placeholder={placeholder}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            data-testid="batch-score-output-name"
          />
        </Field>
      </div>
      {datasets.isError ? <Alert tone="error">The datasets could not be loaded: {datasets.error.message}</Alert> : null}
      {versions.isError ? <Alert tone="error">The versions of {dataset} could not be loaded: {versions.error.message}</Alert> : null}
      {error ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800" data-testid="batch-score-form-error">
          <p>{error}</p>
          {!localError && details.length > 0 ? (
            <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
              {details.map((d, i) => (
                <li key={`${d.path ?? ""}-${i}`}>{describeErrorDetail({ path: d.path ?? "", message: d.message })}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="flex items-center justify-end gap-3">
        {start.isSuccess ? (
          <span role="status" className="text-sm text-emerald-700">
            Queued: the job appears below.
          </span>
        ) : null}
        <Button type="submit" disabled={!hydrated || start.isPending} data-testid="batch-score-submit">
          {start.isPending ? "Starting…" : "Score dataset"}
        </Button>
      </div>
    </form>
  );
}
