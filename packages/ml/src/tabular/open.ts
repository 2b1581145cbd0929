/** Entry points: pick the format of an upload and open it as a TabularSource. */
import { extname } from "node:path";
import { openCsv } from "./read-csv";
import { openJsonl } from "./read-jsonl";
import { openParquet } from "./read-parquet";
import { readHead, startsWithBom } from "./sniff";
import type { TabularFormat, TabularSource } from "./types";

/**
 * Opens a file as a TabularSource. CSV reads only the head of the file (dialect, header, one
 * data row); JSON Lines streams the whole file once to learn its keys (so bad lines and invalid
 * UTF-8 are reported here); Parquet reads the footer metadata. Every `batches()` call then
 * streams the rows again from the start. Problems with the file throw a `TabularInputError`.
 */
export async function openTabular(
  path: string,
  options: { format: TabularFormat; delimiter?: string; quote?: string },
): Promise<TabularSource> {
  switch (options.format) {
    case "csv":
      return openCsv(path, { delimiter: options.delimiter, quote: options.quote });
    case "jsonl":
      return openJsonl(path);
    case "parquet":
      return openParquet(path);
  }
}

const BY_CONTENT_TYPE = new Map<string, TabularFormat>([
  ["application/vnd.apache.parquet", "parquet"],
  ["application/x-parquet", "parquet"],
  ["application/x-ndjson", "jsonl"],
  ["application/jsonl", "jsonl"],
  ["application/json-lines", "jsonl"],
  ["text/csv", "csv"],
]);

const BY_EXTENSION = new Map<string, TabularFormat>([
  [".parquet", "parquet"],
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".csv", "csv"],
  [".tsv", "csv"],
  [".txt", "csv"],
]);

/** The format from the upload's content type, else its file name, else its first bytes
 * ("PAR1" → parquet, a first non-space character `{` → jsonl, anything else → csv). */
export async function detectFormat(path: string, hint: { contentType?: string; filename?: string }): Promise<TabularFormat> {
  const contentType = hint.contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  const byType = BY_CONTENT_TYPE.get(contentType);
  if (byType !== undefined) return byType;
  const byName = BY_EXTENSION.get(extname(hint.filename ?? "").toLowerCase());
  if (byName !== undefined) return byName;
  const { head } = await readHead(path, 4096);
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return "parquet";
  let i = startsWithBom(head) ? 3 : 0;
  while (i < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[i] ?? 0)) i++;
  return head[i] === 0x7b ? "jsonl" : "csv";
}
