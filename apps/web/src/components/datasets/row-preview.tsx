"use client";

import type { VersionRows } from "@keel/api";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { Alert, Button, Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatCount } from "~/lib/format-data";
import { useTRPC } from "~/trpc/react";
import { PREVIEW_PAGE_SIZE } from "./labels";

type Cell = VersionRows["rows"][number][number];
interface PreviewRow {
  n: number;
  cells: Cell[];
}

function CellValue({ value }: { value: Cell }) {
  if (value === null) return <span className="text-zinc-400 italic">null</span>;
  if (value === "") return <span className="text-zinc-400 italic">empty</span>;
  if (typeof value === "boolean") return <>{value ? "true" : "false"}</>;
  const text = String(value);
  return (
    <span className="block max-w-64 truncate" title={text.length > 40 ? text : undefined}>
      {text}
    </span>
  );
}

/** The version's rows, read from the stored file 50 at a time. */
export function RowPreview({ project, dataset, version, rowCount }: { project: string; dataset: string; version: number; rowCount: number }) {
  const trpc = useTRPC();
  const [offset, setOffset] = useState(0);
  const rows = useQuery({
    ...trpc.datasets.versionRows.queryOptions({ project, dataset, version, offset, limit: PREVIEW_PAGE_SIZE }),
    placeholderData: keepPreviousData,
    staleTime: Infinity, // versions never change
  });
  const names = rows.data?.columns;
  const columns = useMemo<ColumnDef<PreviewRow>[]>(
    () => [
      { id: "#", header: "#", cell: ({ row }) => <span className="text-zinc-500">{formatCount(row.original.n)}</span> },
      ...(names ?? []).map(
        (name, i): ColumnDef<PreviewRow> => ({
          id: `c${i}`,
          header: name,
          cell: ({ row }) => <CellValue value={row.original.cells[i] ?? null} />,
        }),
      ),
    ],
    [names],
  );
  const data = useMemo<PreviewRow[]>(
    () => (rows.data?.rows ?? []).map((cells, i) => ({ n: (rows.data?.offset ?? 0) + i + 1, cells })),
    [rows.data],
  );
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), manualPagination: true });

  const total = rows.data?.total ?? rowCount;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + PREVIEW_PAGE_SIZE, total);
  const range = total === 0 ? "No rows" : `rows ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`;
  const pager = (
    <div className="flex items-center gap-2">
      <span className="text-sm text-zinc-600 tabular-nums" aria-live="polite" data-testid="rows-range">
        {range}
      </span>
      <Button variant="secondary" size="sm" disabled={offset === 0 || rows.isFetching} onClick={() => setOffset((o) => Math.max(0, o - PREVIEW_PAGE_SIZE))}>
        Previous
      </Button>
      <Button variant="secondary" size="sm" disabled={last >= total || rows.isFetching} onClick={() => setOffset((o) => o + PREVIEW_PAGE_SIZE)}>
        Next
      </Button>
    </div>
  );

  return (
    <Card id="rows" title="Rows" description="The file as stored, read back page by page. Row numbers count data rows from 1 (the header is not a row)." actions={pager}>
      {rows.isError ? <Alert tone="error">{rows.error.message}</Alert> : null}
      {rows.isPending ? <p className="text-sm text-zinc-500">Reading rows…</p> : null}
      {rows.data ? (
        <div className="-mx-5 -my-4 max-h-[32rem] overflow-auto" data-testid="rows-preview">
          <Table aria-label={`Rows of version ${version}`} className={rows.isPlaceholderData ? "opacity-60" : undefined}>
            <THead className="sticky top-0 z-10">
              {table.getHeaderGroups().map((hg) => (
                <TR key={hg.id}>
                  {hg.headers.map((h) => (
                    <TH key={h.id} className="whitespace-nowrap">
                      <span className="font-mono tracking-normal normal-case">{flexRender(h.column.columnDef.header, h.getContext())}</span>
                    </TH>
                  ))}
                </TR>
              ))}
            </THead>
            <TBody>
              {table.getRowModel().rows.map((r) => (
                <TR key={r.id}>
                  {r.getVisibleCells().map((c) => (
                    <TD key={c.id} className="py-1.5 text-xs whitespace-nowrap tabular-nums">
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </TD>
                  ))}
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      ) : null}
    </Card>
  );
}
