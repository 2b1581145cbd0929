"use client";

import type { VersionComparison } from "@keel/api";
import { useState } from "react";
import { Card, cn, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatPsi } from "~/lib/format-data";
import { DriftBadge, TypeTag } from "./badges";
import { BinsChart } from "./charts";

type ColumnDrift = VersionComparison["columns"][number];

const METHOD_LABEL: Record<ColumnDrift["method"], string> = {
  psi_numeric: "PSI, numeric bins",
  psi_categorical: "PSI, categories",
  none: "not compared",
};

/** The column to show first: the one that moved most. */
function mostDrifted(columns: ColumnDrift[]): string | null {
  let best: ColumnDrift | null = null;
  for (const c of columns) if (c.psi !== null && c.bins.length > 0 && (best === null || (best.psi ?? -1) < c.psi)) best = c;
  return best?.name ?? columns.find((c) => c.bins.length > 0)?.name ?? null;
}

/** Per-column PSI, and for the selected column the reference and current share of rows in each bin. */
export function CompareColumns({ columns, base, target }: { columns: ColumnDrift[]; base: number; target: number }) {
  const [selected, setSelected] = useState<string | null>(() => mostDrifted(columns));
  const current = columns.find((c) => c.name === selected) ?? null;
  return (
    <Card
      id="psi"
      title="Distribution shift per column"
      description={`Population stability index of v${target} against v${base}, on v${base}'s bins: below 0.1 stable, 0.1–0.25 moderate, 0.25 and above major. Select a column to see its bins.`}
    >
      {columns.length === 0 ? (
        <p className="text-sm text-zinc-600">The two versions have no column in common.</p>
      ) : (
        <div className="-mx-5 -mt-4">
          <Table aria-label="PSI per column" data-testid="psi-table">
            <THead>
              <TR>
                <TH>Column</TH>
                <TH>Type</TH>
                <TH>Method</TH>
                <TH className="text-right">PSI</TH>
                <TH>Level</TH>
                <TH>
                  <span className="sr-only">Bins</span>
                </TH>
              </TR>
            </THead>
            <TBody>
              {columns.map((c) => {
                const active = c.name === selected;
                return (
                  <TR key={c.name} className={cn(active && "bg-accent-50/70")} data-column={c.name}>
                    <TD className="font-mono text-sm font-medium text-zinc-900">{c.name}</TD>
                    <TD>
                      <TypeTag type={c.type} />
                    </TD>
                    <TD className="text-zinc-600">
                      {METHOD_LABEL[c.method]}
                      {c.reason ? <span className="block text-xs text-zinc-500">{c.reason}</span> : null}
                    </TD>
                    <TD className="text-right font-mono tabular-nums">{formatPsi(c.psi)}</TD>
                    <TD>
                      <DriftBadge level={c.level} />
                    </TD>
                    <TD className="text-right">
                      {c.bins.length > 0 ? (
                        <button
                          type="button"
                          aria-pressed={active}
                          onClick={() => setSelected(c.name)}
                          className={cn(
                            "rounded-md px-2 py-1 text-xs font-medium whitespace-nowrap",
                            active ? "bg-accent-600 text-white" : "text-accent-700 hover:bg-accent-50",
                          )}
                        >
                          {active ? "Shown below" : "Show bins"}
                        </button>
                      ) : null}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        </div>
      )}
      {current ? (
        <div className="mt-6 border-t border-zinc-200 pt-4" aria-live="polite">
          <h3 className="text-sm font-semibold text-zinc-900">
            <span className="font-mono">{current.name}</span>: share of rows per bin
            <span className="ml-2 font-normal text-zinc-500">PSI {formatPsi(current.psi)}</span>
          </h3>
          <div className="mt-3">
            <BinsChart column={current.name} bins={current.bins} base={base} target={target} />
          </div>
        </div>
      ) : null}
    </Card>
  );
}
