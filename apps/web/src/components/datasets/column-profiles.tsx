import type { DatasetVersion } from "@keel/api";
import type { ReactNode } from "react";
import { formatDateTime } from "~/lib/format";
import { formatCount, formatNumber, formatPercent } from "~/lib/format-data";
import { TypeTag } from "./badges";
import { HistogramChart, TopValuesChart } from "./charts";

type ColumnProfile = DatasetVersion["profile"]["columns"][number];

const NUMERIC = new Set(["numeric", "integer"]);

function Row({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-3 py-1" title={title}>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="text-right font-medium text-zinc-900 tabular-nums">{children}</dd>
    </div>
  );
}

function formatDateValue(v: string | number | null): string {
  if (typeof v !== "string") return formatNumber(v);
  const shown = formatDateTime(v, v);
  return shown.endsWith(", 00:00 UTC") ? shown.slice(0, -", 00:00 UTC".length) : shown;
}

/** One column's profile: counts, the statistics that fit its type and a chart of its distribution. */
export function ColumnProfileCard({ profile, rowCount }: { profile: ColumnProfile; rowCount: number }) {
  const p = profile;
  const numeric = NUMERIC.has(p.type);
  const total = p.count + p.missing || rowCount;
  return (
    <article className="rounded-lg border border-zinc-200 bg-white shadow-xs" data-testid="column-profile" data-column={p.name} aria-labelledby={`col-${p.name}`}>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-100 px-4 py-2.5">
        <h3 id={`col-${p.name}`} className="min-w-0 truncate font-mono text-sm font-semibold text-zinc-900" title={p.name}>
          {p.name}
        </h3>
        <TypeTag type={p.type} />
      </header>
      <div className="grid gap-4 px-4 py-3 text-sm sm:grid-cols-[minmax(0,11rem)_1fr]">
        <dl className="divide-y divide-zinc-100">
          <Row label="count">{formatCount(p.count)}</Row>
          <Row label="missing">
            {formatCount(p.missing)}
            {p.missing > 0 ? <span className="ml-1 text-xs font-normal text-zinc-500">({formatPercent(total ? p.missing / total : 0)})</span> : null}
          </Row>
          <Row label="distinct" title={p.distinctApproximate ? "Estimated with a HyperLogLog sketch" : undefined}>
            {p.distinctApproximate ? "≈ " : ""}
            {formatCount(p.distinct)}
          </Row>
          {numeric ? (
            <>
              <Row label="min">{formatNumber(p.min)}</Row>
              <Row label="max">{formatNumber(p.max)}</Row>
              <Row label="mean">{formatNumber(p.mean)}</Row>
              <Row label="std (sample, n−1)">{formatNumber(p.std)}</Row>
              {p.nonFinite > 0 ? <Row label="non-finite">{formatCount(p.nonFinite)}</Row> : null}
            </>
          ) : null}
          {p.type === "datetime" ? (
            <>
              <Row label="earliest">{formatDateValue(p.min)}</Row>
              <Row label="latest">{formatDateValue(p.max)}</Row>
            </>
          ) : null}
        </dl>
        <div className="min-w-0">
          {numeric && p.quantiles ? (
            <dl className="mb-2 grid grid-cols-5 gap-1 text-center text-xs" aria-label="Quantiles">
              {(["p5", "p25", "p50", "p75", "p95"] as const).map((q) => (
                <div key={q} className="rounded bg-zinc-50 px-1 py-1">
                  <dt className="text-zinc-500">{q}</dt>
                  <dd className="truncate font-medium text-zinc-900 tabular-nums" title={String(p.quantiles?.[q] ?? "")}>
                    {formatNumber(p.quantiles?.[q])}
                  </dd>
                </div>
              ))}
            </dl>
          ) : null}
          {numeric && p.histogram && p.histogram.counts.length > 0 ? (
            <HistogramChart column={p.name} edges={p.histogram.edges} counts={p.histogram.counts} />
          ) : null}
          {!numeric && p.topValues && p.topValues.length > 0 ? <TopValuesChart column={p.name} values={p.topValues} total={total} /> : null}
          {p.quantilesApproximate && numeric ? (
            <p className="mt-1 text-xs text-zinc-500">Quantiles and histogram from a uniform sample of the values.</p>
          ) : null}
          {!numeric && p.topValues && p.topValues.length > 10 ? <p className="mt-1 text-xs text-zinc-500">The 10 most frequent values.</p> : null}
          {p.count === 0 ? <p className="text-sm text-zinc-500">Every value is missing.</p> : null}
          {p.type === "datetime" && p.count > 0 ? <p className="text-sm text-zinc-500">Dates and times span the range on the left.</p> : null}
        </div>
      </div>
    </article>
  );
}
