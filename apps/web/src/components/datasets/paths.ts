/** URLs of the dataset pages and REST routes, built in one place. */
import type { ListDatasetsInput } from "@keel/api";

const seg = encodeURIComponent;

export const datasetsPath = (project: string) => `/${seg(project)}/datasets`;
export const datasetPath = (project: string, dataset: string) => `${datasetsPath(project)}/${seg(dataset)}`;
export const versionPath = (project: string, dataset: string, version: number | "latest") => `${datasetPath(project, dataset)}/versions/${version}`;
export const comparePath = (project: string, dataset: string, base: number, target: number) =>
  `${datasetPath(project, dataset)}/compare?base=${base}&target=${target}`;
export const downloadUrl = (project: string, dataset: string, version: number) =>
  `/api/v1/projects/${seg(project)}/datasets/${seg(dataset)}/versions/${version}/download`;

export type DatasetSort = NonNullable<ListDatasetsInput["sort"]>;
export const DATASET_SORT_OPTIONS = [
  { value: "updated", label: "Recently updated" },
  { value: "created", label: "Recently created" },
  { value: "name", label: "Name (A–Z)" },
] as const satisfies readonly { value: DatasetSort; label: string }[];

export function parseSort(value: string | null | undefined): DatasetSort {
  return DATASET_SORT_OPTIONS.find((o) => o.value === value)?.value ?? "updated";
}

export const DATASETS_PAGE_SIZE = 25;

/** The list query's input; the server prefetch and the client hook build the same key from it. */
export function listInput(project: string, search: string, sort: DatasetSort) {
  const s = search.trim();
  return { project, sort, limit: DATASETS_PAGE_SIZE, ...(s ? { search: s } : {}) } satisfies ListDatasetsInput;
}

/** Reads one value of a search parameter from Next's `searchParams`. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** "3" → 3, "latest" → "latest", anything else → null. */
export function parseVersionRef(raw: string | undefined): number | "latest" | null {
  if (raw === "latest") return "latest";
  if (!raw || !/^\d{1,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}
