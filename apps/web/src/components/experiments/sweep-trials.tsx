"use client";

import type { Run } from "@keel/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge, Card, Select, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { formatDuration, formatMetric, isActive, RunStatusBadge } from "./badges";
import { runPath } from "./paths";
import { PointsChart } from "./run-charts";

/** The sweep's metric and goal, read from its recorded configuration. */
function sweepMetric(config: unknown): { metric: string; goal: string } | null {
  if (typeof config !== "object" || config === null || !("search" in config)) return null;
  const search: unknown = config.search;
  if (typeof search !== "object" || search === null || !("metric" in search) || typeof search.metric !== "string") return null;
  const goal = "goal" in search && typeof search.goal === "string" ? search.goal : "maximize";
  return { metric: search.metric, goal };
}

export function SweepTrials({ project, run }: { project: string; run: Run }) {
  const trpc = useTRPC();
  const trials = useQuery(
    trpc.experiments.listRuns.queryOptions(
      { project, parent: run.id, limit: 200, orderBy: "attributes.created_at asc" },
      { refetchInterval: (q) => (isActive(run.status) || (q.state.data?.items ?? []).some((r) => isActive(r.status)) ? 1500 : false) },
    ),
  );
  const items = trials.data?.items ?? [];
  const sm = sweepMetric(run.config);
  const metric = sm?.metric ?? items.flatMap((r) => Object.keys(r.metrics)).find((k) => k.startsWith("test_")) ?? "";
  const paramKeys = [...new Set(items.flatMap((r) => Object.keys(r.params)))].sort();
  const varied = paramKeys.filter((k) => new Set(items.map((r) => r.params[k])).size > 1);
  const [param, setParam] = useState("");
  const chosen = param || varied[0] || paramKeys[0] || "";
  const bestId = run.children?.bestRunId ?? null;
  const points = items.flatMap((r) => {
    const x = Number(r.params[chosen]);
    const y = r.metrics[metric];
    return Number.isFinite(x) && y !== undefined ? [{ x, y, id: r.id }] : [];
  });
  const best = points.find((p) => p.id === bestId) ?? null;
  const byStatus = run.children?.byStatus ?? {};
  return (
    <section aria-labelledby="trials-title" className="space-y-4">
      <div>
        <h2 id="trials-title" className="text-base font-semibold text-zinc-900">
          Trials
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          {run.children?.total ?? items.length} trials ·{" "}
          {Object.entries(byStatus)
            .map(([s, n]) => `${n} ${s}`)
            .join(", ") || "none yet"}
          {sm ? ` · best by ${sm.metric} (${sm.goal})` : ""}
        </p>
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
        <Table aria-label="Trials" data-testid="trials-table">
          <THead>
            <TR>
              <TH>Trial</TH>
              <TH>Status</TH>
              {varied.map((k) => (
                <TH key={k}>{k}</TH>
              ))}
              <TH className="text-right">{metric || "metric"}</TH>
              <TH>Duration</TH>
            </TR>
          </THead>
          <TBody>
            {items.length === 0 ? (
              <TR>
                <TD colSpan={4 + varied.length} className="text-zinc-500">
                  {trials.isPending ? "Loading trials…" : "The trials appear here as the sweep plans them."}
                </TD>
              </TR>
            ) : null}
            {items.map((r) => (
              <TR key={r.id} className={r.id === bestId ? "bg-emerald-50" : undefined} data-best={r.id === bestId || undefined}>
                <TD className="whitespace-nowrap">
                  <Link href={runPath(project, run.experiment.name, r.id)} className="font-medium text-accent-700 underline-offset-4 hover:underline">
                    #{r.number} {r.name}
                  </Link>
                  {r.id === bestId ? (
                    <Badge tone="green" className="ml-2">
                      best
                    </Badge>
                  ) : null}
                </TD>
                <TD>
                  <RunStatusBadge status={r.status} />
                </TD>
                {varied.map((k) => (
                  <TD key={k} className="font-mono text-xs">
                    {r.params[k] ?? "—"}
                  </TD>
                ))}
                <TD className="text-right tabular-nums">{formatMetric(r.metrics[metric])}</TD>
                <TD className="text-zinc-600 tabular-nums">{formatDuration(r.durationMs)}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
      {paramKeys.length > 0 && metric ? (
        <Card
          title={`${metric} by ${chosen}`}
          as="h3"
          actions={
            <>
              <label htmlFor="sweep-param" className="text-sm text-zinc-600">
                Parameter
              </label>
              <Select id="sweep-param" className="w-48" value={chosen} onChange={(e) => setParam(e.target.value)}>
                {paramKeys.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </Select>
            </>
          }
        >
          {points.length === 0 ? (
            <p className="text-sm text-zinc-600">No finished trial has a numeric {chosen} and a {metric} yet.</p>
          ) : (
            <PointsChart points={points} xLabel={chosen} yLabel={metric} label={`${metric} against ${chosen}`} highlight={best} testId="sweep-scatter" />
          )}
        </Card>
      ) : null}
    </section>
  );
}
