"use client";

/**
 * The data pages' charts (recharts renders in the browser). Animations are off: dozens of small
 * charts on one page, and what they show should not move.
 */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatNumber, formatPercent } from "~/lib/format-data";

const ACCENT = "var(--color-accent-500)";
const MUTED = "#a1a1aa"; // zinc-400
const RED = "#f87171"; // red-400
const GRID = "#e4e4e7"; // zinc-200
const TICK = { fontSize: 11, fill: "#52525b" }; // zinc-600
const TOOLTIP = { contentStyle: { fontSize: 12, borderRadius: 6, borderColor: GRID }, labelStyle: { color: "#18181b", fontWeight: 600 } };

function num(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

/** numpy-style histogram: `edges` has one more entry than `counts`. */
export function HistogramChart({ column, edges, counts }: { column: string; edges: number[]; counts: number[] }) {
  const data = counts.map((count, i) => {
    const lo = edges[i] ?? 0;
    const hi = edges[i + 1] ?? lo;
    return { start: lo, range: `${formatNumber(lo)} – ${formatNumber(hi)}`, count };
  });
  return (
    <figure data-testid={`histogram-${column}`} aria-label={`Histogram of ${column}`} className="w-full">
      <BarChart responsive data={data} style={{ width: "100%", height: 150 }} margin={{ top: 4, right: 4, bottom: 0, left: -12 }} barCategoryGap={1}>
        <CartesianGrid vertical={false} stroke={GRID} />
        <XAxis dataKey="start" tick={TICK} tickFormatter={(v) => formatNumber(num(v))} interval="preserveStartEnd" minTickGap={16} />
        <YAxis tick={TICK} allowDecimals={false} width={44} tickFormatter={(v) => formatCount(num(v))} />
        <Tooltip
          {...TOOLTIP}
          cursor={{ fill: "#f4f4f5" }}
          labelFormatter={(_, payload) => {
            const p: unknown = payload[0]?.payload;
            return typeof p === "object" && p !== null && "range" in p ? String(p.range) : "";
          }}
          formatter={(v) => [formatCount(num(v)), "rows"]}
        />
        <Bar dataKey="count" fill={ACCENT} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}

/** Most frequent values, as horizontal bars (longest first). */
export function TopValuesChart({ column, values, total }: { column: string; values: { value: string; count: number }[]; total: number }) {
  const data = values.slice(0, 10).map((v) => ({ value: v.value === "" ? "(empty)" : v.value, count: v.count }));
  return (
    <figure data-testid={`top-values-${column}`} aria-label={`Most frequent values of ${column}`} className="w-full">
      <BarChart
        responsive
        layout="vertical"
        data={data}
        style={{ width: "100%", height: Math.max(60, data.length * 22 + 28) }}
        margin={{ top: 0, right: 12, bottom: 0, left: 0 }}
      >
        <CartesianGrid horizontal={false} stroke={GRID} />
        <XAxis type="number" tick={TICK} allowDecimals={false} tickFormatter={(v) => formatCount(num(v))} />
        <YAxis type="category" dataKey="value" tick={TICK} width={96} interval={0} tickFormatter={(v) => truncate(String(v), 14)} />
        <Tooltip {...TOOLTIP} cursor={{ fill: "#f4f4f5" }} formatter={(v) => [`${formatCount(num(v))} (${formatPercent(total ? num(v) / total : 0)})`, "rows"]} />
        <Bar dataKey="count" fill={ACCENT} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}

/** Share of missing values per column. */
export function MissingChart({ columns }: { columns: { name: string; missing: number; rowCount: number }[] }) {
  const data = columns.map((c) => ({ name: c.name, share: c.rowCount ? c.missing / c.rowCount : 0, missing: c.missing }));
  return (
    <figure data-testid="missing-chart" aria-label="Missing values per column" className="w-full">
      <BarChart
        responsive
        layout="vertical"
        data={data}
        style={{ width: "100%", height: data.length * 20 + 40 }}
        margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
      >
        <CartesianGrid horizontal={false} stroke={GRID} />
        <XAxis type="number" domain={[0, (max: number) => Math.max(0.05, max)]} tick={TICK} tickFormatter={(v) => formatPercent(num(v))} />
        <YAxis type="category" dataKey="name" tick={TICK} width={200} interval={0} tickFormatter={(v) => truncate(String(v), 30)} />
        <Tooltip {...TOOLTIP} cursor={{ fill: "#f4f4f5" }} formatter={(v, _n, item) => [`${formatPercent(num(v))} (${formatCount(num((item.payload as { missing?: unknown } | undefined)?.missing))} rows)`, "missing"]} />
        <Bar dataKey="share" fill={RED} isAnimationActive={false} minPointSize={0} />
      </BarChart>
    </figure>
  );
}

/** Reference vs current share of rows per bin (the bins PSI is computed on). */
export function BinsChart({
  column,
  bins,
  base,
  target,
}: {
  column: string;
  bins: { label: string; reference: number; current: number }[];
  base: number;
  target: number;
}) {
  // The bins hold row counts: each side is shown as its share of rows, so different sizes compare.
  const refTotal = bins.reduce((n, b) => n + b.reference, 0);
  const curTotal = bins.reduce((n, b) => n + b.current, 0);
  const data = bins.map((b) => ({
    label: b.label,
    reference: refTotal ? b.reference / refTotal : 0,
    current: curTotal ? b.current / curTotal : 0,
    referenceRows: b.reference,
    currentRows: b.current,
  }));
  return (
    <figure data-testid={`bins-${column}`} aria-label={`Reference and current distribution of ${column}`} className="w-full">
      <BarChart responsive data={data} style={{ width: "100%", height: 260 }} margin={{ top: 8, right: 8, bottom: 8, left: -4 }}>
        <CartesianGrid vertical={false} stroke={GRID} />
        <XAxis dataKey="label" tick={TICK} interval="preserveStartEnd" minTickGap={8} tickFormatter={(v) => truncate(String(v), 16)} />
        <YAxis tick={TICK} width={48} tickFormatter={(v) => formatPercent(num(v))} />
        <Tooltip
          {...TOOLTIP}
          cursor={{ fill: "#f4f4f5" }}
          formatter={(v, name, item) => {
            const row = item.payload as { referenceRows?: unknown; currentRows?: unknown } | undefined;
            const rows = item.dataKey === "reference" ? row?.referenceRows : row?.currentRows;
            return [`${formatPercent(num(v))} (${formatCount(num(rows))} rows)`, name];
          }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        <Bar dataKey="reference" name={`Reference · v${base}`} fill={MUTED} isAnimationActive={false} />
        <Bar dataKey="current" name={`Current · v${target}`} fill={ACCENT} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
