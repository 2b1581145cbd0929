/**
 * The REST routes that stream bytes, which tRPC cannot: the dataset upload (a raw body or a
 * `multipart/form-data` field `file`) and the download. Both call the same services as the rest
 * of the API; the services check permissions and write the audit event.
 */
import { Readable } from "node:stream";
import type { Permission } from "@keel/auth";
import busboy from "busboy";
import { type z } from "zod";
import type { ServiceContext } from "../context";
import { KeelError } from "../errors";
import { ZDatasetVersion, ZUploadOptions } from "../schemas/datasets";
import { downloadDatasetVersion, uploadDatasetVersion, type UploadResult } from "../services/datasets/index";

export interface RawRoute {
  method: "GET" | "POST";
  /** OpenAPI-style path under /api/v1. */
  path: string;
  pattern: RegExp;
  permission: Permission;
  summary: string;
  handle(ctx: ServiceContext, req: Request, params: Record<string, string>): Promise<Response>;
}

/** Media types accepted for a raw-body upload, and the format each one means (null: sniff). */
const UPLOAD_TYPES: Record<string, "csv" | "jsonl" | "parquet" | null> = {
  "text/csv": "csv",
  "application/csv": "csv",
  "text/tab-separated-values": "csv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/json-lines": "jsonl",
  "application/vnd.apache.parquet": "parquet",
  "application/x-parquet": "parquet",
  "application/octet-stream": null,
};

function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** A display name for the uploaded file: its last path segment, printable, at most 255 characters. */
export function displayFilename(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const last = raw.split(/[\\/]/).pop() ?? "";
  const clean = [...last]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"')
    .join("")
    .trim()
    .slice(0, 255);
  return clean && clean !== "." && clean !== ".." ? clean : undefined;
}

function queryOptions(req: Request): z.infer<typeof ZUploadOptions> {
  const q = new URL(req.url).searchParams;
  const parsed = ZUploadOptions.safeParse({
    format: q.get("format") ?? undefined,
    delimiter: q.get("delimiter") ?? undefined,
    quote: q.get("quote") ?? undefined,
    filename: q.get("filename") ?? undefined,
  });
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new KeelError("BAD_REQUEST", `Invalid upload option: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}.`, details);
  }
  return parsed.data;
}

function contentLength(req: Request): number | undefined {
  const raw = req.headers.get("content-length");
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The request body as a Node stream (read chunk by chunk; cancelled when the reader stops early). */
function nodeStream(body: ReadableStream<Uint8Array>): Readable {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const reader = body.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Streams the first multipart part named `file` into the upload service. */
function uploadMultipart(ctx: ServiceContext, req: Request, params: Record<string, string>): Promise<UploadResult> {
  const body = req.body;
  if (!body) return Promise.reject(new KeelError("BAD_REQUEST", "The request has no body: send the file in a multipart field named 'file'."));
  const options = queryOptions(req);
  return new Promise<UploadResult>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { "content-type": req.headers.get("content-type") ?? "" }, limits: { files: 1, fields: 20 } });
    } catch (err) {
      reject(new KeelError("BAD_REQUEST", `The multipart body cannot be read: ${err instanceof Error ? err.message : String(err)}.`));
      return;
    }
    let started = false;
    const fields: Record<string, string> = {};
    bb.on("field", (name, value) => {
      if (["format", "delimiter", "quote"].includes(name)) fields[name] = value;
    });
    bb.on("file", (name, file, info) => {
      if (name !== "file" || started) {
        file.resume();
        return;
      }
      started = true;
      const fromFields = ZUploadOptions.safeParse(fields);
      const extra = fromFields.success ? fromFields.data : {};
      uploadDatasetVersion(ctx, {
        project: params.project ?? "",
        dataset: params.dataset ?? "",
        body: file,
        contentType: info.mimeType,
        filename: displayFilename(info.filename) ?? options.filename,
        format: options.format ?? extra.format,
        delimiter: options.delimiter ?? extra.delimiter,
        quote: options.quote ?? extra.quote,
        contentLength: contentLength(req),
        signal: req.signal,
      }).then(resolve, (err: unknown) => {
        file.resume();
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
    bb.on("close", () => {
      if (!started) reject(new KeelError("BAD_REQUEST", "No file in the request: send it in a multipart field named 'file'.", [{ path: "file", message: "missing" }]));
    });
    bb.on("error", (err) => reject(new KeelError("BAD_REQUEST", `The multipart body cannot be read: ${err instanceof Error ? err.message : String(err)}.`)));
    nodeStream(body).on("error", (err) => bb.destroy(err)).pipe(bb);
  });
}

async function upload(ctx: ServiceContext, req: Request, params: Record<string, string>): Promise<Response> {
  const type = mediaType(req);
  let result: UploadResult;
  if (type === "multipart/form-data") {
    result = await uploadMultipart(ctx, req, params);
  } else {
    if (!(type in UPLOAD_TYPES)) {
      throw new KeelError(
        "UNSUPPORTED_MEDIA_TYPE",
        `Content-Type '${type || "(none)"}' is not an upload Keel reads: send multipart/form-data with a field 'file', or the file itself as ${Object.keys(UPLOAD_TYPES).join(", ")}.`,
        [{ path: "content-type", message: "unsupported" }],
      );
    }
    if (!req.body) throw new KeelError("UNPROCESSABLE_CONTENT", "The file is empty.", [{ path: "file", message: "empty_file" }]);
    const options = queryOptions(req);
    result = await uploadDatasetVersion(ctx, {
      project: params.project ?? "",
      dataset: params.dataset ?? "",
      body: nodeStream(req.body),
      contentType: type,
      ...options,
      format: options.format ?? UPLOAD_TYPES[type] ?? undefined,
      contentLength: contentLength(req),
      signal: req.signal,
    });
  }
  const location = `/api/v1/projects/${params.project ?? ""}/datasets/${result.version.dataset}/versions/${result.version.version}`;
  return Response.json(ZDatasetVersion.parse(result.version), { status: result.created ? 201 : 200, headers: { location } });
}

async function download(ctx: ServiceContext, _req: Request, params: Record<string, string>): Promise<Response> {
  const file = await downloadDatasetVersion(ctx, { project: params.project ?? "", dataset: params.dataset ?? "", version: params.version ?? "" });
  const web = Readable.toWeb(file.stream) as unknown as ReadableStream<Uint8Array>;
  return new Response(web, {
    status: 200,
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.size),
      "content-disposition": `attachment; filename="${file.filename}"`,
      etag: `"sha256:${file.sha256}"`,
      "x-content-sha256": file.sha256,
      "x-content-type-options": "nosniff",
    },
  });
}

/** One path segment: decoded once; a segment that still holds `%`, `/`, `\` or NUL after that is refused. */
const SEG = "([^/]+)";

export const RAW_ROUTES: RawRoute[] = [
  {
    method: "POST",
    path: "/projects/{project}/datasets/{dataset}/versions",
    pattern: new RegExp(`^/projects/${SEG}/datasets/${SEG}/versions/?$`),
    permission: "dataset.write",
    summary: "Upload a file (CSV, JSON Lines, Parquet) as a new dataset version",
    handle: upload,
  },
  {
    method: "GET",
    path: "/projects/{project}/datasets/{dataset}/versions/{version}/download",
    pattern: new RegExp(`^/projects/${SEG}/datasets/${SEG}/versions/${SEG}/download/?$`),
    permission: "dataset.read",
    summary: "Download a dataset version's file, byte for byte",
    handle: download,
  },
];

const PARAM_NAMES: Record<string, string[]> = {
  POST: ["project", "dataset"],
  GET: ["project", "dataset", "version"],
};

/** Matches a path below /api/v1 against the raw routes. */
export function matchRawRoute(method: string, subpath: string): { route: RawRoute; params: Record<string, string> } | null {
  for (const route of RAW_ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(subpath);
    if (!m) continue;
    const params: Record<string, string> = {};
    const names = PARAM_NAMES[method] ?? [];
    for (let i = 0; i < names.length; i++) {
      const raw = m[i + 1] ?? "";
      let value: string;
      try {
        value = decodeURIComponent(raw);
      } catch {
        throw new KeelError("BAD_REQUEST", `The path segment '${raw}' is not valid percent-encoding.`, [{ path: names[i] ?? "path", message: "invalid" }]);
      }
      if (/[%/\\]/.test(value) || value.includes("\0") || value === "." || value === "..") {
        throw new KeelError("BAD_REQUEST", `The ${names[i] ?? "path"} in the URL contains characters Keel never uses in names.`, [
          { path: names[i] ?? "path", message: "invalid characters" },
        ]);
      }
      params[names[i] ?? `p${i}`] = value;
    }
    return { route, params };
  }
  return null;
}
