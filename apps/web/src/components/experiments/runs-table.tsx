"use client";

import type { RunSummary, SavedView } from "@keel/api";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Fragment, useState, type FormEvent } from "react";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { Button, EmptyState, Field, Input, LinkButton, Select, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { Dialog } from "~/components/ui/dialog";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { BaselineBadge, formatDuration, formatMetric, isActive, RunStatusBadge, SweepBadge } from "./badges";
import { comparePath, filterKey, launchPath, parseColumns, parseOrder, runPath, runsInput, viewQuery, type RunsView } from "./paths";

/** Writes the view into the address bar (no navigation: the table refetches itself). */
function replaceView(view: RunsView) {
  window.history.replaceState(null, "", `${window.location.pathname}${viewQuery(view)}`);
}

/** `params.x` → the run's value of x. */
function cellValue(run: RunSummary, column: string): string {
  const dot = column.indexOf(".");
  const kind = column.slice(0, dot);
  const key = column.slice(dot + 1);
  if (kind === "metrics") return formatMetric(run.metrics[key]);
  if (kind === "params") return run.params[key] ?? "—";
  return run.tags[key] ?? "—";
}

/** The order-by key of a chosen column (`metrics.x` → `metrics.x`, quoted when needed). */
function orderKey(column: string): string {
  const dot = column.indexOf(".");
  return filterKey(column.slice(0, dot), column.slice(dot + 1));
}

const FIXED_SORTS: Record<string, string> = {
  name: "attributes.name",
  status: "attributes.status",
  started: "attributes.start_time",
  created: "attributes.created_at",
  backend: "attributes.backend",
};

export function RunsTable({ project, experiment, canWrite }: { project: string; experiment: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const params = useSearchParams();
  const view: RunsView = { columns: parseColumns(params.get("cols")), filter: params.get("filter") ?? "", orderBy: params.get("order") ?? "" };
  const viewKey = viewQuery(view);
  const [text, setText] = useState(view.filter);
  const [shownFilter, setShownFilter] = useState(view.filter);
  // Back/forward (or a saved view) changes the address bar: the box and the pages follow it.
  const [shownKey, setShownKey] = useState(viewKey);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  if (view.filter !== shownFilter) {
    setShownFilter(view.filter);
    setText(view.filter);
  }
  if (viewKey !== shownKey) {
    setShownKey(viewKey);
    setCursors([undefined]);
  }
  const cursor = cursors.at(-1);
  const [selected, setSelected] = useState<string[]>([]);

  const runs = useQuery(
    trpc.experiments.listRuns.queryOptions(runsInput(project, experiment, view, cursor), {
      placeholderData: keepPreviousData,
      retry: false,
      refetchInterval: (q) => ((q.state.data?.items ?? []).some((r) => isActive(r.status)) ? 1500 : false),
    }),
  );
  const keys = useQuery(trpc.experiments.runKeys.queryOptions({ project, experiment }));
  const views = useQuery(trpc.experiments.listViews.queryOptions({ project, experiment }));
  const items = runs.data?.items ?? [];
  const order = parseOrder(view.orderBy);

  const applyFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    replaceView({ ...view, filter: text });
  };
  const sortBy = (key: string) => {
    const dir = order?.key === key && order.dir === "desc" ? "asc" : "desc";
    replaceView({ ...view, orderBy: `${key} ${dir}` });
  };
  const toggleColumn = (column: string) => {
    const columns = view.columns.includes(column) ? view.columns.filter((c) => c !== column) : [...view.columns, column];
    replaceView({ ...view, columns });
  };
  const toggleRun = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const applySaved = (v: SavedView) => replaceView({ columns: v.state.columns, filter: v.state.filter, orderBy: v.state.orderBy });
  // The saved view the address bar shows right now, if any (it can then be deleted).
  const appliedView = views.data?.items.find((v) => viewQuery({ columns: v.state.columns, filter: v.state.filter, orderBy: v.state.orderBy }) === viewKey) ?? null;
  const deleteView = useMutation(
    trpc.experiments.deleteView.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.experiments.listViews.pathFilter()) }),
  );

  const sortHeader = (label: string, key: string | undefined, className?: string) => {
    if (!key) return <TH className={className}>{label}</TH>;
    const active = order?.key === key;
    return (
      <TH className={className} aria-sort={active ? (order.dir === "desc" ? "descending" : "ascending") : undefined}>
        <button type="button" className="inline-flex items-center gap-1 uppercase hover:text-zinc-900" onClick={() => sortBy(key)} data-sort-key={key}>
          {label}
          <span aria-hidden="true" className={active ? "text-zinc-900" : "text-zinc-300"}>
            {active && order.dir === "asc" ? "▲" : "▼"}
          </span>
        </button>
      </TH>
    );
  };

  const total = runs.data?.total ?? 0;
  const noRunsAtAll = !runs.isPending && !runs.isError && total === 0 && !view.filter;
  if (noRunsAtAll) {
    return (
      <EmptyState
        title="No runs yet"
        actions={canWrite ? <LinkButton variant="primary" href={launchPath(project, experiment)}>Launch run</LinkButton> : null}
      >
        <p>A run trains a model on a dataset version on Keel&apos;s worker, recording its parameters, live metric curves and an evaluation.</p>
        <p>{canWrite ? "Launch the first run from a dataset version." : "Your role can look at runs but not launch them: ask a data scientist or an owner of this project."}</p>
      </EmptyState>
    );
  }
  const colSpan = 8 + view.columns.length;
  const canCompare = selected.length >= 2 && selected.length <= 10;

  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <div className="space-y-3 border-b border-zinc-200 px-4 py-3">
        <div className="flex flex-wrap items-end gap-3">
        <form role="search" onSubmit={applyFilter} className="flex min-w-72 flex-1 flex-wrap items-end gap-3">
          <div className="min-w-72 flex-1">
            <label htmlFor="runs-filter" className="sr-only">
              Filter runs
            </label>
            <Input
              id="runs-filter"
              name="filter"
              type="search"
              className="font-mono"
              placeholder="params.learningRate < 0.01 and metrics.test_roc_auc > 0.9"
              value={text}
              onChange={(e) => setText(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={runs.isError ? true : undefined}
              aria-describedby={runs.isError ? "runs-filter-error" : "runs-filter-hint"}
            />
          </div>
          <Button type="submit" variant="secondary">
            Apply filter
          </Button>
          {view.filter ? (
            <Button variant="ghost" onClick={() => replaceView({ ...view, filter: "" })}>
              Clear
            </Button>
          ) : null}
        </form>
          <ColumnPicker keys={keys.data} columns={view.columns} onToggle={toggleColumn} />
          {views.data && views.data.items.length > 0 ? (
            <div className="flex items-center gap-2">
              <label htmlFor="saved-views" className="text-sm text-zinc-600">
                View
              </label>
              <Select
                id="saved-views"
                className="w-44"
                value=""
                onChange={(e) => {
                  const v = views.data.items.find((x) => x.id === e.target.value);
                  if (v) applySaved(v);
                }}
              >
                <option value="">Saved views…</option>
                {views.data.items.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          {canWrite && hydrated && appliedView ? (
            <Button variant="ghost" size="sm" disabled={deleteView.isPending} onClick={() => deleteView.mutate({ project, id: appliedView.id })}>
              Delete view “{appliedView.name}”
            </Button>
          ) : null}
          {canWrite && hydrated ? (
            <SaveViewButton
              view={view}
              onSave={async (name) => {
                await queryClient.invalidateQueries(trpc.experiments.listViews.pathFilter());
                return name;
              }}
              project={project}
              experiment={experiment}
            />
          ) : null}
        </div>
        {runs.isError ? (
          <p id="runs-filter-error" role="alert" className="text-sm text-red-700" data-testid="filter-error">
            {runs.error.message}
          </p>
        ) : (
          <p id="runs-filter-hint" className="text-xs text-zinc-500">
            Conditions joined by <code>and</code> on <code>params.</code>, <code>metrics.</code>, <code>tags.</code> or attributes (<code>status</code>, <code>backend</code>, <code>created_at</code>…). Click a column header to sort.
          </p>
        )}
      </div>
      <Table aria-label="Runs" data-testid="runs-table" aria-busy={runs.isFetching || undefined}>
        <THead>
          <TR>
            <TH className="w-8">
              <span className="sr-only">Select</span>
            </TH>
            {sortHeader("Status", FIXED_SORTS.status)}
            {sortHeader("Run", FIXED_SORTS.name)}
            <TH>Created by</TH>
            {sortHeader("Started", FIXED_SORTS.started)}
            <TH>Duration</TH>
            {sortHeader("Backend", FIXED_SORTS.backend)}
            <TH>Model</TH>
            {view.columns.map((c) => (
              <Fragment key={c}>{sortHeader(c.replace(/^(params|metrics|tags)\./, ""), orderKey(c), c.startsWith("metrics.") ? "text-right" : undefined)}</Fragment>
            ))}
          </TR>
        </THead>
        <TBody>
          {runs.isPending ? (
            <TR>
              <TD colSpan={colSpan} className="text-zinc-500">
                Loading runs…
              </TD>
            </TR>
          ) : null}
          {!runs.isPending && items.length === 0 && !runs.isError ? (
            <TR>
              <TD colSpan={colSpan} className="py-8 text-center text-zinc-600">
                No run matches this filter.
              </TD>
            </TR>
          ) : null}
          {items.map((r) => (
            <TR key={r.id} data-run={r.id} data-run-number={r.number} className={selected.includes(r.id) ? "bg-accent-50/50" : undefined}>
              <TD>
                <input
                  type="checkbox"
                  className="size-4 accent-accent-600"
                  aria-label={`Select run ${r.number} (${r.name})`}
                  checked={selected.includes(r.id)}
                  onChange={() => toggleRun(r.id)}
                />
              </TD>
              <TD>
                <RunStatusBadge status={r.status} />
              </TD>
              <TD className="whitespace-nowrap">
                <Link href={runPath(project, experiment, r.id)} className="font-medium text-accent-700 underline-offset-4 hover:underline">
                  <span className="text-zinc-500">#{r.number}</span> {r.name}
                </Link>
                <span className="ml-2 inline-flex gap-1 align-middle">
                  {r.kind === "sweep" ? <SweepBadge /> : null}
                  {r.isBaseline ? <BaselineBadge /> : null}
                </span>
              </TD>
              <TD className="whitespace-nowrap text-zinc-600">{r.createdBy?.name ?? "—"}</TD>
              <TD className="whitespace-nowrap text-zinc-600" title={formatDateTime(r.startedAt ?? r.createdAt)}>
                <time dateTime={r.startedAt ?? r.createdAt} suppressHydrationWarning>
                  {r.startedAt ? formatRelative(r.startedAt) : "not yet"}
                </time>
              </TD>
              <TD className="whitespace-nowrap text-zinc-600 tabular-nums">{formatDuration(r.durationMs)}</TD>
              <TD className="whitespace-nowrap text-zinc-600">{r.backend ?? "—"}</TD>
              <TD className="whitespace-nowrap text-zinc-600">{r.kind === "external" ? "external" : [r.family, r.task].filter(Boolean).join(" · ") || "—"}</TD>
              {view.columns.map((c) => (
                <TD key={c} className={c.startsWith("metrics.") ? "text-right font-mono text-xs tabular-nums" : "max-w-48 truncate font-mono text-xs"}>
                  {cellValue(r, c)}
                </TD>
              ))}
            </TR>
          ))}
        </TBody>
      </Table>
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm text-zinc-600">
        <div className="flex items-center gap-3">
          {canCompare ? (
            <LinkButton href={comparePath(project, experiment, selected)} variant="primary" size="sm" data-testid="compare-runs">
              Compare {selected.length} runs
            </LinkButton>
          ) : (
            <Button size="sm" variant="secondary" disabled data-testid="compare-runs">
              Compare
            </Button>
          )}
          <span aria-live="polite">
            {selected.length === 0 ? "Select 2 to 10 runs to compare them." : selected.length > 10 ? "At most 10 runs at once." : `${selected.length} selected`}
          </span>
        </div>
        <div className="flex items-center gap-3">
          <span aria-live="polite">{runs.isPending ? "" : `Page ${cursors.length} · ${total} ${total === 1 ? "run" : "runs"}`}</span>
          {cursors.length > 1 ? (
            <Button variant="secondary" size="sm" onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous page
            </Button>
          ) : null}
          {runs.data?.nextCursor ? (
            <Button variant="secondary" size="sm" onClick={() => setCursors((c) => [...c, runs.data.nextCursor ?? undefined])}>
              Next page
            </Button>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** A disclosure with checkboxes for the param, metric and tag columns the experiment's runs have. */
function ColumnPicker({
  keys,
  columns,
  onToggle,
}: {
  keys: { params: string[]; metrics: string[]; tags: string[] } | undefined;
  columns: string[];
  onToggle: (column: string) => void;
}) {
  const groups: { kind: "metrics" | "params" | "tags"; label: string; names: string[] }[] = [
    { kind: "metrics", label: "Metrics", names: keys?.metrics ?? [] },
    { kind: "params", label: "Parameters", names: keys?.params ?? [] },
    { kind: "tags", label: "Tags", names: keys?.tags ?? [] },
  ];
  return (
    <details className="relative" data-testid="column-picker">
      <summary className="inline-flex h-9 cursor-pointer list-none items-center rounded-md border border-zinc-300 bg-white px-4 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50">
        Columns{columns.length > 0 ? ` (${columns.length})` : ""}
      </summary>
      <div className="absolute right-0 z-20 mt-1 max-h-96 w-72 overflow-y-auto rounded-md border border-zinc-200 bg-white p-3 shadow-lg">
        {groups.every((g) => g.names.length === 0) ? <p className="text-sm text-zinc-500">No parameters or metrics logged yet.</p> : null}
        {groups
          .filter((g) => g.names.length > 0)
          .map((g) => (
            <fieldset key={g.kind} className="mb-3">
              <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{g.label}</legend>
              {g.names.map((n) => {
                const col = `${g.kind}.${n}`;
                return (
                  <label key={col} className="flex items-center gap-2 py-0.5 text-sm text-zinc-800">
                    <input type="checkbox" className="size-4 accent-accent-600" checked={columns.includes(col)} onChange={() => onToggle(col)} />
                    <span className="truncate font-mono text-xs">{n}</span>
                  </label>
                );
              })}
            </fieldset>
          ))}
      </div>
    </details>
  );
}

function SaveViewButton({
  view,
  project,
  experiment,
  onSave,
}: {
  view: RunsView;
  project: string;
  experiment: string;
  onSave: (name: string) => Promise<string>;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const save = useMutation(
    trpc.experiments.saveView.mutationOptions({
      onSuccess: async (v) => {
        await onSave(v.name);
        setOpen(false);
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    e.stopPropagation();
    if (!name.trim()) return;
    save.mutate({ project, experiment, name: name.trim(), state: { columns: view.columns, filter: view.filter, orderBy: view.orderBy } });
  };
  return (
    <>
      <Button variant="secondary" onClick={() => { save.reset(); setOpen(true); }} aria-haspopup="dialog">
        Save view
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Save this view"
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" form="save-view-form" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save view"}
            </Button>
          </>
        }
      >
        <p>Saves the columns, the filter and the sort under a name, for everyone in the project. Saving under an existing name replaces it.</p>
        <form id="save-view-form" onSubmit={submit} className="mt-4 space-y-3">
          <Field id="view-name" label="Name" error={save.isError ? save.error.message : null}>
            <Input id="view-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="best by ROC AUC" autoComplete="off" />
          </Field>
        </form>
      </Dialog>
    </>
  );
}
