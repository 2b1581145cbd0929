/**
 * Pure helpers of the registry pages: which way a metric is better, how a delta is coloured,
 * which metrics the versions table shows, which deployments route to a version, and the boxes of
 * the lineage graph. No React, no fetching: unit-tested beside this file.
 */

/**
 * The runs query behind the "Register version" picker and the run links of the versions table
 * (the server prefetch and the client build the same key from it).
 */
export const succeededRunsInput = (project: string) => ({ project, filter: "attributes.status = 'succeeded'", includeTrials: true, limit: 200 });

export type MetricGoal = "maximize" | "minimize";

/**
 * Which way is better for a metric, from its name: losses and errors go down, everything else up
 * (the same rule as the experiments service uses for its comparisons).
 */
export function metricGoal(key: string): MetricGoal {
  return /(loss|error|mae|mse|rmse|mape|perplexity|latency|duration|time)(_|$)|(^|_)err(_|$)/i.test(key) ? "minimize" : "maximize";
}

export type DeltaTone = "better" | "worse" | "same" | "none";

/** Whether a change of a metric is an improvement, given which way the metric is better. */
export function deltaTone(metric: string, delta: number | null | undefined): DeltaTone {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return "none";
  if (delta === 0) return "same";
  const up = delta > 0;
  return (metricGoal(metric) === "maximize") === up ? "better" : "worse";
}

/** Tailwind text colour of a delta's tone. */
export const DELTA_TONE_CLASS: Record<DeltaTone, string> = {
  better: "text-emerald-700",
  worse: "text-red-700",
  same: "text-zinc-500",
  none: "text-zinc-400",
};

/** A metric value: 4 significant digits, or an em dash. */
export function formatMetricValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** "+0.0123", "−0.05", "0", "—": a signed metric change with a real minus sign. */
export function formatSignedMetric(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return "—";
  if (delta === 0) return "0";
  const text = formatMetricValue(Math.abs(delta));
  return delta > 0 ? `+${text}` : `−${text}`;
}

/**
 * The few metrics worth a column in the versions table: test metrics first (what a model is judged
 * on), then the ones most versions have, then by name.
 */
export function keyMetricNames(versions: readonly { metrics: Record<string, number> }[], max = 3): string[] {
  const counts = new Map<string, number>();
  for (const v of versions) for (const k of Object.keys(v.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const rank = (k: string) => (k.startsWith("test_") ? 0 : k.startsWith("val_") ? 1 : k.startsWith("train_") ? 3 : 2);
  return [...counts.keys()]
    .sort((a, b) => rank(a) - rank(b) || (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b))
    .slice(0, Math.max(0, max));
}

/** Sorted alias names: protected ones first (production before staging…), then by name. */
export function sortAliases(aliases: readonly string[], protectedAliases: readonly string[]): string[] {
  const prot = new Set(protectedAliases);
  return [...aliases].sort((a, b) => Number(prot.has(b)) - Number(prot.has(a)) || a.localeCompare(b));
}

/** Aliases by version number (from the model's alias → version map). */
export function aliasesByVersion(aliases: Record<string, number>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [alias, version] of Object.entries(aliases)) out.set(version, [...(out.get(version) ?? []), alias]);
  for (const list of out.values()) list.sort();
  return out;
}

/** A deployment as the lineage needs it (a subset of the deployments router's DTO). */
export interface DeploymentLike {
  name: string;
  model: string;
  environment: string;
  traffic: readonly { version: number; mode: "live" | "shadow"; percent: number | null }[];
}

export interface VersionServing {
  deployment: string;
  environment: string;
  mode: "live" | "shadow";
  /** Percent of live traffic (null for shadow). */
  percent: number | null;
}

/** The deployments whose current routes send traffic (live or a shadow copy) to this version. */
export function deploymentsServing(deployments: readonly DeploymentLike[], model: string, version: number): VersionServing[] {
  const out: VersionServing[] = [];
  for (const d of deployments) {
    if (d.model !== model) continue;
    for (const r of d.traffic) {
      if (r.version === version) out.push({ deployment: d.name, environment: d.environment, mode: r.mode, percent: r.mode === "live" ? r.percent : null });
    }
  }
  return out.sort((a, b) => a.deployment.localeCompare(b.deployment));
}

export type LineageKind = "dataset" | "run" | "version" | "deployment";

export interface LineageNode {
  key: string;
  kind: LineageKind;
  title: string;
  detail: string;
  href: string | null;
  /** The node the page is about. */
  current: boolean;
}

export interface LineageColumn {
  kind: LineageKind;
  label: string;
  nodes: LineageNode[];
  /** Text shown when the column has no node (e.g. "Not deployed"). */
  empty: string;
}

export interface LineageInput {
  project: string;
  model: string;
  version: number;
  status: string;
  dataset: { name: string; version: number; sha256: string } | null;
  run: { id: string; name: string; number: number; experiment: string; family: string | null };
  serving: readonly VersionServing[];
}

const seg = encodeURIComponent;

/**
 * The lineage graph as columns of boxes, left to right: dataset version → run → model version →
 * deployments. A missing dataset or an undeployed version keeps its column with an "empty" text,
 * so the shape of the graph never changes.
 */
export function lineageColumns(input: LineageInput): LineageColumn[] {
  const p = `/${seg(input.project)}`;
  const dataset: LineageNode[] = input.dataset
    ? [
        {
          key: `dataset:${input.dataset.name}:${input.dataset.version}`,
          kind: "dataset",
          title: `${input.dataset.name} v${input.dataset.version}`,
          detail: `sha256 ${input.dataset.sha256.slice(0, 12)}`,
          href: `${p}/datasets/${seg(input.dataset.name)}/versions/${input.dataset.version}`,
          current: false,
        },
      ]
    : [];
  const run: LineageNode = {
    key: `run:${input.run.id}`,
    kind: "run",
    title: input.run.name || `Run #${input.run.number}`,
    detail: `${input.run.experiment} · #${input.run.number}${input.run.family ? ` · ${input.run.family}` : ""}`,
    href: `${p}/experiments/${seg(input.run.experiment)}/runs/${seg(input.run.id)}`,
    current: false,
  };
  const version: LineageNode = {
    key: `version:${input.model}:${input.version}`,
    kind: "version",
    title: `${input.model} v${input.version}`,
    detail: input.status,
    href: null,
    current: true,
  };
  const deployments: LineageNode[] = input.serving.map((s) => ({
    key: `deployment:${s.deployment}:${s.mode}`,
    kind: "deployment",
    title: s.deployment,
    detail: `${s.environment} · ${s.mode === "live" ? `live ${s.percent ?? 0}%` : "shadow"}`,
    href: `${p}/deployments/${seg(s.deployment)}`,
    current: false,
  }));
  return [
    { kind: "dataset", label: "Dataset version", nodes: dataset, empty: "No dataset recorded" },
    { kind: "run", label: "Training run", nodes: [run], empty: "" },
    { kind: "version", label: "Model version", nodes: [version], empty: "" },
    { kind: "deployment", label: "Deployments", nodes: deployments, empty: "Not deployed" },
  ];
}

/** The succeeded runs a version can be registered from, newest first, with the ones already registered marked. */
export function registrableRuns<R extends { id: string; status: string; createdAt: string }>(
  runs: readonly R[],
  registeredRunIds: Iterable<string>,
): { run: R; registered: boolean }[] {
  const taken = new Set(registeredRunIds);
  return runs
    .filter((r) => r.status === "succeeded")
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((run) => ({ run, registered: taken.has(run.id) }));
}

/** MLflow's alias rule as the server applies it: `^[\w-]+$`, not `latest` nor `v<number>`. Null when fine. */
export function aliasProblem(raw: string): string | null {
  const alias = raw.trim();
  if (!alias) return "Give the alias a name, e.g. staging or champion.";
  if (alias.length > 100) return "An alias is at most 100 characters.";
  if (!/^[\w-]+$/.test(alias)) return "Use letters, digits, '_' and '-' only.";
  if (/^(latest|v\d+)$/i.test(alias)) return "'latest' and 'v<number>' are reserved: they already name versions.";
  return null;
}
