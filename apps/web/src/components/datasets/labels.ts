/** Constants shared by the server pages and the client components (kept out of "use client" modules). */
import type { DatasetVersionSummary } from "@keel/api";

export const FORMAT_LABEL: Record<DatasetVersionSummary["format"], string> = { csv: "CSV", jsonl: "JSON Lines", parquet: "Parquet" };

/** The timeline shows schema changes for this many of the newest versions (each needs the version's detail). */
export const SCHEMA_DETAIL_LIMIT = 10;

/** Rows per page in the row preview. */
export const PREVIEW_PAGE_SIZE = 50;

/** Who added something: a person's name, or (no person behind it) an API token made from the CLI or Keel's own seed and jobs. */
export function actorName(actor: { name: string } | null): string {
  return actor?.name ?? "an API token or Keel itself";
}
