export {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  ArtifactStoreConfigError,
  ArtifactStoreError,
  BlobTooLargeError,
  InvalidArtifactKeyError,
  InvalidRangeError,
  UnsafePathError,
  formatBytes,
  type ArtifactErrorCode,
} from "./errors";
export { parseSha256Key, safeJoin } from "./keys";
export { LocalArtifactStore } from "./local";
export { S3ArtifactStore, type S3ArtifactStoreOptions } from "./s3";
export {
  createArtifactStore,
  parseArtifactsUrl,
  type ArtifactsLocation,
  type CreateArtifactStoreOptions,
  type S3ConnectionOptions,
} from "./config";
export { artifactStoreFromEnv, storageEnv, type StorageEnv } from "./env";
export type { ArtifactStore, BlobSource, ByteRange, PutResult, StageOptions, StagedBlob } from "./types";
