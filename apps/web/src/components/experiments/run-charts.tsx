"use client";

/**
 * The run pages' charts (recharts renders in the browser). Animations are off: curves that
 * grow while a run trains should not bounce on each refetch.
 */
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Line, LineChart, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import { formatMetric } from "./badges";

const GRID = "#e4e4e7";
const TICK = { fontSize: 11, fill: "#52525b" };
const TOOLTIP = { contentStyle: { fontSize: 12, borderRadius: 6, borderColor: GRID }, labelStyle: { color: "#18181b", fontWeight: 600 } };
/** Distinguishable line colours (Tableau 10). */
export const SERIES_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

function num(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

export interface Series {
  name: string;
  points: { step: number; value: number }[];
}

/** One line per series over the step (epoch) axis. */
export function CurveChart({ series, label, height = 240, testId }: { series: Series[]; label: string; height?: number; testId?: string }) {
  const steps = new Map<number, Record<string, number>>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = steps.get(p.step) ?? { step: p.step };
      row[`s${i}`] = p.value;
      steps.set(p.step, row);
    }
  });
  const data = [...steps.values()].sort((a, b) => num(a.step) - num(b.step));
  return (
    <figure aria-label={label} data-testid={testId} data-points={series.reduce((n, s) => n + s.points.length, 0)} className="w-full">
      <LineChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 8, right: 12, bottom: 4, left: -4 }}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} tick={TICK} allowDecimals={false} label={{ value: "epoch", position: "insideBottomRight", offset: -2, fontSize: 11, fill: "#71717a" }} />
        <YAxis tick={TICK} width={52} domain={["auto", "auto"]} tickFormatter={(v) => formatMetric(num(v))} />
        <Tooltip {...TOOLTIP} labelFormatter={(v) => `epoch ${num(v)}`} formatter={(v, n) => [formatMetric(num(v)), String(n)]} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s, i) => (
          <Line key={s.name} dataKey={`s${i}`} name={s.name} stroke={SERIES_COLORS[i % SERIES_COLORS.length]} dot={false} strokeWidth={1.8} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </figure>
  );
}

/** A curve of (x, y) points with a diagonal reference (ROC) or none (PR). */
export function XYCurve({
  x,
  y,
  xLabel,
  yLabel,
  label,
  diagonal,
  testId,
}: {
  x: number[];
  y: number[];
  xLabel: string;
  yLabel: string;
  label: string;
  diagonal?: boolean;
  testId?: string;
}) {
  const data = x.map((xv, i) => ({ x: xv, y: y[i] ?? 0 })).sort((a, b) => a.x - b.x || a.y - b.y);
  return (
    <figure aria-label={label} data-testid={testId} className="w-full">
      <LineChart responsive data={data} style={{ width: "100%", height: 260 }} margin={{ top: 8, right: 16, bottom: 16, left: -4 }}>
        <CartesianGrid stroke={GRID} />
        <XAxis dataKey="x" type="number" domain={[0, 1]} tick={TICK} label={{ value: xLabel, position: "insideBottom", offset: -8, fontSize: 11, fill: "#71717a" }} />
        <YAxis type="number" domain={[0, 1]} tick={TICK} width={44} label={{ value: yLabel, angle: -90, position: "insideLeft", offset: 14, fontSize: 11, fill: "#71717a" }} />
        <Tooltip {...TOOLTIP} labelFormatter={(v) => `${xLabel} ${formatMetric(num(v))}`} formatter={(v) => [formatMetric(num(v)), yLabel]} />
        {diagonal ? <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#a1a1aa" strokeDasharray="4 4" /> : null}
        <Line dataKey="y" stroke={SERIES_COLORS[0]} dot={false} strokeWidth={2} isAnimationActive={false} type="linear" />
      </LineChart>
    </figure>
  );
}

/** Points on two numeric axes (residuals, sweep trials). */
export function PointsChart({
  points,
  xLabel,
  yLabel,
  label,
  testId,
  zeroLine,
  highlight,
}: {
  points: { x: number; y: number; name?: string }[];
  xLabel: string;
  yLabel: string;
  label: string;
  testId?: string;
  zeroLine?: boolean;
  highlight?: { x: number; y: number } | null;
}) {
  return (
    <figure aria-label={label} data-testid={testId} className="w-full">
      <ScatterChart responsive style={{ width: "100%", height: 260 }} margin={{ top: 8, right: 16, bottom: 16, left: -4 }}>
        <CartesianGrid stroke={GRID} />
        <XAxis dataKey="x" type="number" name={xLabel} domain={["auto", "auto"]} tick={TICK} tickFormatter={(v) => formatMetric(num(v))} label={{ value: xLabel, position: "insideBottom", offset: -8, fontSize: 11, fill: "#71717a" }} />
        <YAxis dataKey="y" type="number" name={yLabel} domain={["auto", "auto"]} tick={TICK} width={52} tickFormatter={(v) => formatMetric(num(v))} />
        <ZAxis range={[28, 28]} />
        <Tooltip {...TOOLTIP} cursor={{ strokeDasharray: "3 3" }} formatter={(v, n) => [formatMetric(num(v)), String(n)]} />
        {zeroLine ? <ReferenceLine y={0} stroke="#a1a1aa" strokeDasharray="4 4" /> : null}
        <Scatter data={points} fill={SERIES_COLORS[0]} fillOpacity={0.6} isAnimationActive={false} />
        {highlight ? <Scatter data={[highlight]} fill="#e15759" shape="star" isAnimationActive={false} name="best" /> : null}
      </ScatterChart>
    </figure>
  );
}

/** Permutation importance, largest first, with ± one standard deviation. */
export function ImportanceChart({ items }: { items: { feature: string; importanceMean: number; importanceStd: number }[] }) {
  const data = [...items].sort((a, b) => b.importanceMean - a.importanceMean).slice(0, 20).map((i) => ({ feature: i.feature, mean: i.importanceMean, std: i.importanceStd }));
  return (
    <figure aria-label="Feature importance" data-testid="importance-chart" className="w-full">
      <BarChart responsive layout="vertical" data={data} style={{ width: "100%", height: data.length * 22 + 40 }} margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid horizontal={false} stroke={GRID} />
        <XAxis type="number" tick={TICK} tickFormatter={(v) => formatMetric(num(v))} />
        <YAxis type="category" dataKey="feature" tick={TICK} width={170} interval={0} />
        <Tooltip {...TOOLTIP} cursor={{ fill: "#f4f4f5" }} formatter={(v) => [formatMetric(num(v)), "importance (mean drop)"]} />
        <Bar dataKey="mean" fill={SERIES_COLORS[0]} isAnimationActive={false}>
          <ErrorBar dataKey="std" width={3} stroke="#52525b" direction="x" />
        </Bar>
      </BarChart>
    </figure>
  );
}

/** Trapezoidal area under a curve given as (x, y) points. */
export function areaUnder(x: number[], y: number[]): number {
  const pts = x.map((xv, i) => [xv, y[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
  let area = 0;
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1] ?? [0, 0];
    const [x1, y1] = pts[i] ?? [0, 0];
    area += ((x1 - x0) * (y0 + y1)) / 2;
  }
  return area;
}
