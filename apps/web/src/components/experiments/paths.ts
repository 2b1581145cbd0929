/** URLs of the experiment pages, built in one place. */
const seg = encodeURIComponent;

export const experimentsPath = (project: string) => `/${seg(project)}/experiments`;
export const experimentPath = (project: string, experiment: string) => `${experimentsPath(project)}/${seg(experiment)}`;
export const launchPath = (project: string, experiment: string) => `${experimentPath(project, experiment)}/launch`;
export const runPath = (project: string, experiment: string, run: string) => `${experimentPath(project, experiment)}/runs/${seg(run)}`;
export const comparePath = (project: string, experiment: string, runs: readonly string[]) =>
  `${experimentPath(project, experiment)}/compare?runs=${runs.map(seg).join(",")}`;
export const datasetVersionPath = (project: string, dataset: string, version: number) => `/${seg(project)}/datasets/${seg(dataset)}/versions/${version}`;

export const RUNS_PAGE_SIZE = 25;

/** The state of the runs table that lives in the address bar (a shareable view). */
export interface RunsView {
  /** Extra columns: `params.x`, `metrics.y`, `tags.z`. */
  columns: string[];
  filter: string;
  orderBy: string;
}

export function parseColumns(raw: string | null | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((c) => c.trim())
    .filter((c) => /^(params|metrics|tags)\..+/.test(c))
    .slice(0, 60);
}

/** The search params of a view ("?cols=…&filter=…&order=…"), empty parts left out. */
export function viewQuery(view: RunsView): string {
  const q = new URLSearchParams();
  if (view.columns.length > 0) q.set("cols", view.columns.join(","));
  if (view.filter.trim()) q.set("filter", view.filter.trim());
  if (view.orderBy.trim()) q.set("order", view.orderBy.trim());
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Reads one value of a search parameter from Next's `searchParams`. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `metrics.test_roc_auc desc` → { key: "metrics.test_roc_auc", dir: "desc" }. */
export function parseOrder(orderBy: string): { key: string; dir: "asc" | "desc" } | null {
  const m = /^\s*(.+?)\s+(asc|desc)\s*$/i.exec(orderBy);
  if (m?.[1] && m[2]) return { key: m[1], dir: m[2].toLowerCase() === "desc" ? "desc" : "asc" };
  const key = orderBy.trim();
  return key ? { key, dir: "asc" } : null;
}

/** Quotes a key part with backticks when it is not a plain identifier (e.g. `val loss`). */
export function filterKey(prefix: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) ? `${prefix}.${name}` : `${prefix}.\`${name}\``;
}

/** The runs query's input; the server prefetch and the client table build the same key from it. */
export function runsInput(project: string, experiment: string, view: Pick<RunsView, "filter" | "orderBy">, cursor?: string) {
  return {
    project,
    experiment,
    filter: view.filter.trim(),
    orderBy: view.orderBy.trim(),
    limit: RUNS_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
}
