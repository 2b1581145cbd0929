"use client";

import { useQueries, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert, Card, Select, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { BaselineBadge, formatMetric, RunStatusBadge } from "./badges";
import { runPath } from "./paths";
import { CurveChart } from "./run-charts";

function signed(n: number): string {
  const s = formatMetric(Math.abs(n));
  return n > 0 ? `+${s}` : n < 0 ? `−${s}` : "0";
}

export function CompareView({ project, experiment, runIds }: { project: string; experiment: string; runIds: string[] }) {
  const trpc = useTRPC();
  const cmp = useQuery(trpc.experiments.compare.queryOptions({ project, runs: runIds }, { retry: false }));
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const [curve, setCurve] = useState("");
  const data = cmp.data;
  const curveKey = curve || (data?.curveKeys.includes("val_loss") ? "val_loss" : (data?.curveKeys[0] ?? ""));
  const histories = useQueries({
    queries: (data?.runs ?? []).map((r) => ({
      ...trpc.experiments.metricHistory.queryOptions({ project, run: r.id, key: curveKey, maxPoints: 1000 }),
      enabled: curveKey !== "",
    })),
  });
  if (cmp.isError) return <Alert tone="error" title="These runs cannot be compared">{cmp.error.message}</Alert>;
  if (!data) return <p className="text-sm text-zinc-600">Loading the comparison…</p>;
  const runs = data.runs;
  const params = onlyDiffs ? data.params.filter((p) => p.differs) : data.params;
  const runHeader = (className?: string) =>
    runs.map((r) => (
      <TH key={r.id} className={className}>
        <Link href={runPath(project, experiment, r.id)} className="tracking-normal text-accent-700 normal-case underline-offset-4 hover:underline">
          #{r.number} {r.name}
        </Link>
        {r.id === data.baselineRunId ? <span className="ml-1 align-middle">{data.baselineIsExperimentBaseline ? <BaselineBadge /> : <span className="text-[10px] text-zinc-500 normal-case">(reference)</span>}</span> : null}
      </TH>
    ));
  return (
    <div className="space-y-8">
      <p className="text-sm text-zinc-600" data-testid="compare-reference">
        Deltas are measured against run #{runs.find((r) => r.id === data.baselineRunId)?.number}
        {data.baselineIsExperimentBaseline ? ", the experiment's baseline." : " (the first run: the experiment's baseline is not among these)."}
      </p>
      <Card title="Runs" as="h2">
        <div className="flex flex-wrap gap-3">
          {runs.map((r) => (
            <span key={r.id} className="flex items-center gap-2 text-sm">
              <RunStatusBadge status={r.status} /> #{r.number} {r.name} <span className="text-zinc-500">{r.backend ?? ""}</span>
            </span>
          ))}
        </div>
      </Card>
      <Card
        title="Metrics"
        description="Final values; the delta to the reference run is green when better, red when worse."
      >
        <div className="-mx-5 -my-4">
          <Table aria-label="Metrics compared" data-testid="compare-metrics">
            <THead>
              <TR>
                <TH>Metric</TH>
                {runHeader("text-right")}
              </TR>
            </THead>
            <TBody>
              {data.metrics.map((m) => (
                <TR key={m.key}>
                  <TH scope="row">
                    <span className="font-mono font-medium tracking-normal text-zinc-700 normal-case">{m.key}</span>{" "}
                    <span className="text-zinc-400" title={m.goal === "maximize" ? "higher is better" : "lower is better"}>
                      {m.goal === "maximize" ? "↑" : "↓"}
                    </span>
                  </TH>
                  {m.values.map((v, i) => {
                    const d = m.deltas[i];
                    const better = m.better[i];
                    const isRef = runs[i]?.id === data.baselineRunId;
                    return (
                      <TD key={runs[i]?.id ?? i} className="text-right tabular-nums">
                        {formatMetric(v)}
                        {!isRef && d !== null && d !== undefined ? (
                          <span
                            data-testid="metric-delta"
                            data-better={better === null || better === undefined ? "same" : String(better)}
                            className={`ml-2 text-xs ${better === true ? "text-emerald-700" : better === false ? "text-red-700" : "text-zinc-500"}`}
                          >
                            {signed(d)}
                          </span>
                        ) : null}
                      </TD>
                    );
                  })}
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      </Card>
      <Card
        title="Parameters"
        actions={
          <label className="flex items-center gap-2 text-sm text-zinc-700">
            <input type="checkbox" role="switch" aria-checked={onlyDiffs} className="size-4 accent-accent-600" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} data-testid="only-diffs" />
            Show only what differs
          </label>
        }
      >
        <div className="-mx-5 -my-4">
          <Table aria-label="Parameters compared" data-testid="compare-params">
            <THead>
              <TR>
                <TH>Parameter</TH>
                {runHeader()}
              </TR>
            </THead>
            <TBody>
              {params.length === 0 ? (
                <TR>
                  <TD colSpan={runs.length + 1} className="text-zinc-500">
                    {onlyDiffs ? "Every parameter is the same in these runs." : "No parameters recorded."}
                  </TD>
                </TR>
              ) : null}
              {params.map((p) => (
                <TR key={p.key} data-differs={p.differs || undefined} className={p.differs ? "bg-amber-50/60" : undefined}>
                  <TH scope="row">
                    <span className="font-mono font-medium tracking-normal text-zinc-700 normal-case">{p.key}</span>
                  </TH>
                  {p.values.map((v, i) => (
                    <TD key={runs[i]?.id ?? i} className="max-w-64 font-mono text-xs break-all">
                      {v ?? <span className="text-zinc-400">—</span>}
                    </TD>
                  ))}
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      </Card>
      <Card
        title="Curves"
        description="One line per run."
        actions={
          data.curveKeys.length > 0 ? (
            <>
              <label htmlFor="curve-key" className="text-sm text-zinc-600">
                Metric
              </label>
              <Select id="curve-key" className="w-48" value={curveKey} onChange={(e) => setCurve(e.target.value)}>
                {data.curveKeys.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </Select>
            </>
          ) : null
        }
      >
        {data.curveKeys.length === 0 ? (
          <p className="text-sm text-zinc-600">None of these runs logged a metric over more than one step.</p>
        ) : (
          <CurveChart
            testId="compare-curves"
            label={`${curveKey} per run`}
            height={320}
            series={runs.flatMap((r, i) => {
              const h = histories[i]?.data;
              return h ? [{ name: `#${r.number} ${r.name}`, points: h.points }] : [];
            })}
          />
        )}
      </Card>
    </div>
  );
}
