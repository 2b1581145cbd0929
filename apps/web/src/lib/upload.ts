/**
 * Uploads a file as a new dataset version through the REST route (multipart field `file`) with
 * XMLHttpRequest, which (unlike fetch) reports upload progress. The browser's session cookie
 * authenticates the request. Browser-only.
 */

export const UPLOAD_EXTENSIONS = [".csv", ".tsv", ".jsonl", ".ndjson", ".parquet"] as const;

/** The `accept` attribute of the file input. */
export const UPLOAD_ACCEPT = [
  ...UPLOAD_EXTENSIONS,
  "text/csv",
  "text/tab-separated-values",
  "application/x-ndjson",
  "application/vnd.apache.parquet",
].join(",");

/** The extension Keel reads, or null (".CSV" → ".csv"). */
export function uploadExtension(filename: string): (typeof UPLOAD_EXTENSIONS)[number] | null {
  const lower = filename.toLowerCase();
  return UPLOAD_EXTENSIONS.find((ext) => lower.endsWith(ext)) ?? null;
}

export function uploadUrl(project: string, dataset: string, filename: string): string {
  const base = `/api/v1/projects/${encodeURIComponent(project)}/datasets/${encodeURIComponent(dataset)}/versions`;
  // A .tsv file is a CSV with tabs: say so instead of relying on the sniffer.
  return uploadExtension(filename) === ".tsv" ? `${base}?format=csv&delimiter=tab` : base;
}

/** What the upload answer says about the version (the part the page shows). */
export interface UploadedVersion {
  version: number;
  sha256: string;
  rowCount: number;
  columnCount: number;
  qualityStatus: "pass" | "warn" | "fail";
}

export interface UploadErrorDetail {
  path?: string;
  message: string;
}

export type UploadOutcome =
  | { kind: "created" | "existing"; version: UploadedVersion }
  | { kind: "error"; status: number; code: string; message: string; details: UploadErrorDetail[] }
  | { kind: "aborted" };

export interface UploadProgress {
  loaded: number;
  /** Null when the browser cannot tell the total. */
  total: number | null;
}

export interface UploadHandle {
  /** Settles once: never rejects. */
  done: Promise<UploadOutcome>;
  abort(): void;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function toVersion(body: unknown): UploadedVersion | null {
  if (!isRecord(body)) return null;
  const { version, sha256, rowCount, columnCount } = body;
  const quality = isRecord(body.quality) ? body.quality.status : body.qualityStatus;
  if (typeof version !== "number" || typeof sha256 !== "string" || typeof rowCount !== "number" || typeof columnCount !== "number") return null;
  const qualityStatus = quality === "warn" || quality === "fail" ? quality : "pass";
  return { version, sha256, rowCount, columnCount, qualityStatus };
}

/** The documented REST error `{ error: { code, message, details } }`, or a description of what came back instead. */
export function parseUploadError(status: number, text: string): Extract<UploadOutcome, { kind: "error" }> {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: described below
  }
  if (isRecord(body) && isRecord(body.error) && typeof body.error.message === "string") {
    const details = Array.isArray(body.error.details)
      ? body.error.details.flatMap((d): UploadErrorDetail[] =>
          isRecord(d) && typeof d.message === "string" ? [{ message: d.message, ...(typeof d.path === "string" ? { path: d.path } : {}) }] : [],
        )
      : [];
    return { kind: "error", status, code: typeof body.error.code === "string" ? body.error.code : String(status), message: body.error.message, details };
  }
  if (status === 0) {
    return { kind: "error", status, code: "NETWORK", message: "The upload did not reach Keel (network error or the server closed the connection). Try again.", details: [] };
  }
  return { kind: "error", status, code: String(status), message: `The server answered ${status} without an explanation. Try again.`, details: [] };
}

export function uploadDatasetFile(url: string, file: File, onProgress: (p: UploadProgress) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadOutcome>((resolve) => {
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : null });
    xhr.onload = () => {
      if (xhr.status === 200 || xhr.status === 201) {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // handled below
        }
        const version = toVersion(body);
        if (version) {
          resolve({ kind: xhr.status === 201 ? "created" : "existing", version });
          return;
        }
      }
      resolve(parseUploadError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => resolve(parseUploadError(0, ""));
    xhr.onabort = () => resolve({ kind: "aborted" });
  });
  const form = new FormData();
  form.append("file", file, file.name);
  xhr.open("POST", url);
  xhr.setRequestHeader("accept", "application/json");
  xhr.withCredentials = true;
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}
