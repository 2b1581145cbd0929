/**
 * The artifact store's errors. Messages are meant for people and never carry file paths,
 * keys as typed by a caller, or URLs (which may hold credentials).
 */

export type ArtifactErrorCode =
  | "INVALID_ARTIFACT_KEY"
  | "UNSAFE_PATH"
  | "BLOB_TOO_LARGE"
  | "ARTIFACT_NOT_FOUND"
  | "INVALID_RANGE"
  | "ARTIFACT_INTEGRITY"
  | "ARTIFACT_STORE_CONFIG";

export class ArtifactStoreError extends Error {
  readonly code: ArtifactErrorCode;
  constructor(code: ArtifactErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A key that is not exactly 64 lowercase hex characters once decoded. */
export class InvalidArtifactKeyError extends ArtifactStoreError {
  constructor() {
    super("INVALID_ARTIFACT_KEY", "Invalid artifact key: expected a sha256 digest of 64 hexadecimal characters.");
  }
}

/** A path that would resolve outside the store's root (the last check before the filesystem). */
export class UnsafePathError extends ArtifactStoreError {
  constructor() {
    super("UNSAFE_PATH", "Refused a path that resolves outside the artifact store.");
  }
}

export class BlobTooLargeError extends ArtifactStoreError {
  readonly limit: number;
  constructor(limit: number) {
    super("BLOB_TOO_LARGE", `The file is larger than the ${formatBytes(limit)} limit.`);
    this.limit = limit;
  }
}

export class ArtifactNotFoundError extends ArtifactStoreError {
  constructor() {
    super("ARTIFACT_NOT_FOUND", "The artifact does not exist in the store.");
  }
}

export class InvalidRangeError extends ArtifactStoreError {
  constructor(message = "The requested byte range is not satisfiable.") {
    super("INVALID_RANGE", message);
  }
}

/** Downloaded bytes whose sha256 differs from the key they were stored under. */
export class ArtifactIntegrityError extends ArtifactStoreError {
  constructor() {
    super("ARTIFACT_INTEGRITY", "The stored artifact does not match its sha256 digest.");
  }
}

export class ArtifactStoreConfigError extends ArtifactStoreError {
  constructor(message: string) {
    super("ARTIFACT_STORE_CONFIG", message);
  }
}

const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/** 1073741824 → "1 GiB", 1536 → "1.5 KiB", 100 → "100 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  let value = bytes;
  let unit: string = "bytes";
  for (const u of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${unit}`;
}
