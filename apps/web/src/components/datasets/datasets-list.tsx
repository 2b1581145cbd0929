"use client";

import type { Dataset } from "@keel/api";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Alert, Button, EmptyState, Input, Select, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { formatShape } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { QualityBadge } from "./badges";
import { NewDatasetButton } from "./new-dataset-button";
import { DATASET_SORT_OPTIONS, datasetPath, listInput, parseSort, versionPath, type DatasetSort } from "./paths";

/** Writes search and sort into the address bar (no navigation: the list refetches itself). */
function replaceQuery(search: string, sort: DatasetSort) {
  const params = new URLSearchParams(window.location.search);
  if (search.trim()) params.set("search", search.trim());
  else params.delete("search");
  if (sort !== "updated") params.set("sort", sort);
  else params.delete("sort");
  const qs = params.toString();
  window.history.replaceState(null, "", `${window.location.pathname}${qs ? `?${qs}` : ""}`);
}

export function DatasetsList({ project, canWrite }: { project: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const search = params.get("search") ?? "";
  const sort = parseSort(params.get("sort"));
  const [text, setText] = useState(search);
  // Back/forward changes the address bar: the box follows it.
  const [shown, setShown] = useState(search);
  if (search !== shown) {
    setShown(search);
    setText(search);
  }

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    if (text.trim() === search.trim()) return;
    const t = window.setTimeout(() => replaceQuery(text, sort), 300);
    return () => window.clearTimeout(t);
  }, [text, search, sort]);

  const list = useInfiniteQuery(
    trpc.datasets.list.infiniteQueryOptions(listInput(project, search, sort), {
      getNextPageParam: (last) => last.nextCursor,
      placeholderData: keepPreviousData,
    }),
  );
  const items: Dataset[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    replaceQuery(text, sort);
  };

  const noDatasetsAtAll = !list.isPending && items.length === 0 && !search;
  if (noDatasetsAtAll && !list.isError) {
    return (
      <EmptyState
        title="No datasets yet"
        icon={<DatabaseIcon />}
        actions={canWrite ? <NewDatasetButton project={project} variant="primary" /> : null}
      >
        <p>A dataset holds the versions of one table of training data: each upload of a CSV, TSV, JSON Lines or Parquet file becomes an immutable version with a schema, a column profile and quality checks.</p>
        <p>
          {canWrite
            ? "Create a dataset, then drop a file on its page to upload the first version."
            : "Your role can browse datasets but not create them: ask a data scientist or an owner of this project to upload one."}
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <form role="search" onSubmit={submit} className="flex flex-wrap items-end gap-3 border-b border-zinc-200 px-4 py-3">
        <div className="min-w-48 flex-1">
          <label htmlFor="dataset-search" className="sr-only">
            Search datasets
          </label>
          <Input
            id="dataset-search"
            type="search"
            name="search"
            placeholder="Search by name or description"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor="dataset-sort" className="text-sm text-zinc-600">
            Sort
          </label>
          <Select
            id="dataset-sort"
            name="sort"
            className="w-44"
            value={sort}
            onChange={(e) => replaceQuery(text, parseSort(e.target.value))}
          >
            {DATASET_SORT_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </div>
      </form>
      {list.isError ? (
        <Alert tone="error" className="m-4">
          {list.error.message || "The datasets could not be loaded. Reload the page to try again."}
        </Alert>
      ) : null}
      <Table aria-label="Datasets" data-testid="datasets-table" aria-busy={list.isFetching || undefined}>
        <THead>
          <TR>
            <TH>Name</TH>
            <TH>Description</TH>
            <TH>Latest</TH>
            <TH>Shape</TH>
            <TH>Quality</TH>
            <TH>Updated</TH>
          </TR>
        </THead>
        <TBody>
          {list.isPending ? (
            <TR>
              <TD colSpan={6} className="text-zinc-500">
                Loading datasets…
              </TD>
            </TR>
          ) : null}
          {!list.isPending && items.length === 0 && search ? (
            <TR>
              <TD colSpan={6} className="py-8 text-center text-zinc-600">
                No dataset matches “{search}”.{" "}
                <button type="button" className="font-medium text-accent-700 underline-offset-4 hover:underline" onClick={() => { setText(""); replaceQuery("", sort); }}>
                  Clear the search
                </button>
              </TD>
            </TR>
          ) : null}
          {items.map((d) => (
            <TR key={d.id} data-dataset={d.name}>
              <TD className="font-medium whitespace-nowrap">
                <Link href={datasetPath(project, d.name)} className="text-accent-700 underline-offset-4 hover:underline">
                  {d.name}
                </Link>
              </TD>
              <TD className="max-w-xs text-zinc-600">
                <span className="line-clamp-2" title={d.description || undefined}>
                  {d.description || <span className="text-zinc-400">No description</span>}
                </span>
              </TD>
              <TD className="whitespace-nowrap">
                {d.latestVersion ? (
                  <Link href={versionPath(project, d.name, d.latestVersion.version)} className="text-zinc-800 underline-offset-4 hover:underline">
                    v{d.latestVersion.version}
                  </Link>
                ) : (
                  <span className="text-zinc-400">No versions</span>
                )}
                {d.versionCount > 1 ? <span className="ml-1 text-xs text-zinc-500">of {d.versionCount}</span> : null}
              </TD>
              <TD className="whitespace-nowrap text-zinc-600 tabular-nums">
                {d.latestVersion ? formatShape(d.latestVersion.rowCount, d.latestVersion.columnCount) : "—"}
              </TD>
              <TD>
                {d.latestVersion ? <QualityBadge status={d.latestVersion.qualityStatus} overridden={d.latestVersion.qualityOverridden} short /> : "—"}
              </TD>
              <TD className="whitespace-nowrap text-zinc-600" title={formatDateTime(d.updatedAt)}>
                {/* Relative to "now", which moves between the server render and hydration. */}
                <time dateTime={d.updatedAt} suppressHydrationWarning>
                  {formatRelative(d.updatedAt)}
                </time>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm text-zinc-600">
        <span aria-live="polite">
          {list.isPending ? "" : `Showing ${items.length} ${items.length === 1 ? "dataset" : "datasets"}${list.hasNextPage ? "" : search ? " (all matches)" : ""}`}
        </span>
        {list.hasNextPage ? (
          <Button variant="secondary" size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function DatabaseIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-6">
      <ellipse cx="12" cy="5.5" rx="7" ry="2.5" />
      <path d="M5 5.5v13c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5v-13" />
      <path d="M5 12c0 1.4 3.1 2.5 7 2.5s7-1.1 7-2.5" />
    </svg>
  );
}
