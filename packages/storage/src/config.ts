import path from "node:path";
import { fileURLToPath } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";
import { ArtifactStoreConfigError } from "./errors";
import { LocalArtifactStore } from "./local";
import { S3ArtifactStore } from "./s3";
import type { ArtifactStore } from "./types";

export interface S3ConnectionOptions {
  /** An S3-compatible endpoint (MinIO, Ceph, R2, s3rver…); unset for AWS S3. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface CreateArtifactStoreOptions {
  /** Keel's data folder; blobs (local) or staging and cache (S3) live in `<dataDir>/artifacts`. */
  dataDir: string;
  /** Unset, `file:` → local; `file:///abs/dir` → local at that folder; `s3://bucket/prefix` → S3. */
  url?: string;
  s3?: S3ConnectionOptions;
  /** Where the S3 store keeps downloaded copies (default `<dataDir>/artifacts/cache`). */
  cacheDir?: string;
}

export type ArtifactsLocation = { kind: "local"; root: string | null } | { kind: "s3"; bucket: string; prefix: string };

const FORBIDDEN = /[?#\\;%\0\s]/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_.=+-]+$/;

function refuse(reason: string): never {
  throw new ArtifactStoreConfigError(`Invalid artifact store URL: ${reason}`);
}

/**
 * Reads KEEL_ARTIFACTS_URL-style locations. Strict on purpose: no query, fragment, backslash,
 * `;`, percent-encoding or whitespace, no `.`/`..`/empty path segments (`s3://b/../other`).
 * `root: null` means the default folder. Messages never echo the URL (it may hold secrets).
 */
export function parseArtifactsUrl(url: string | undefined): ArtifactsLocation {
  const raw = url?.trim() ?? "";
  if (raw === "" || raw === "file:" || raw === "file://") return { kind: "local", root: null };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== "file" && scheme !== "s3") refuse("use file:///absolute/folder or s3://bucket/prefix.");
  if (FORBIDDEN.test(raw)) refuse("it may not contain ?, #, ;, %, backslashes, whitespace or control characters.");

  if (scheme === "file") {
    const match = /^file:\/\/(localhost)?(\/.*)$/i.exec(raw);
    const pathname = match?.[2];
    if (pathname === undefined) refuse("a file: URL needs an absolute path (file:///absolute/folder).");
    const segments = pathname.split("/").slice(1);
    if (segments.at(-1) === "") segments.pop();
    if (segments.length === 0) refuse("the artifact folder may not be the filesystem root.");
    if (segments.some((s) => s === "" || s === "." || s === "..")) refuse("the path may not contain empty, . or .. segments.");
    return { kind: "local", root: path.resolve(fileURLToPath(`file://${pathname}`)) };
  }

  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(raw);
  const bucket = match?.[1] ?? "";
  if (bucket === "") refuse("the S3 bucket name is missing (expected s3://bucket/prefix).");
  if (!BUCKET.test(bucket) || bucket.includes("..")) refuse("the S3 bucket name is not valid.");
  const segments = (match?.[2] ?? "").split("/");
  if (segments.at(-1) === "") segments.pop();
  if (segments.some((s) => s === "." || s === ".." || s === "")) refuse("the S3 prefix may not contain empty, . or .. segments.");
  if (segments.some((s) => !PREFIX_SEGMENT.test(s))) refuse("the S3 prefix may only use letters, digits and _ . = + -.");
  const prefix = segments.join("/");
  if (prefix.length > 512) refuse("the S3 prefix is too long.");
  return { kind: "s3", bucket, prefix };
}

/** The artifact store named by `url` (see parseArtifactsUrl); local under `<dataDir>/artifacts` by default. */
export function createArtifactStore(options: CreateArtifactStoreOptions): ArtifactStore {
  const artifactsDir = path.join(path.resolve(options.dataDir), "artifacts");
  const location = parseArtifactsUrl(options.url);
  if (location.kind === "local") return new LocalArtifactStore({ root: location.root ?? artifactsDir });

  const s3 = options.s3 ?? {};
  if (s3.endpoint !== undefined && !/^https?:\/\/[^/?#\s]+/i.test(s3.endpoint)) {
    throw new ArtifactStoreConfigError("Invalid S3 endpoint: expected an http(s) URL.");
  }
  const client = new S3Client({
    region: s3.region ?? "us-east-1",
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.credentials,
    // S3-compatible servers often do not understand the v3 SDK's default CRC32 checksums (a
    // streamed PutObject gets aws-chunked framing that s3rver stores verbatim). Send and check
    // checksums only where the API requires them when talking to anything but AWS.
    ...(s3.endpoint
      ? { requestChecksumCalculation: "WHEN_REQUIRED" as const, responseChecksumValidation: "WHEN_REQUIRED" as const }
      : {}),
  });
  return new S3ArtifactStore({
    client,
    bucket: location.bucket,
    prefix: location.prefix,
    localDir: artifactsDir,
    cacheDir: options.cacheDir ?? path.join(artifactsDir, "cache"),
    endpoint: s3.endpoint,
  });
}
