import { z } from "zod";
import { createArtifactStore } from "./config";
import type { ArtifactStore } from "./types";

/** The only place in @keel/storage that reads process.env. */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const ZStorageEnv = z.object({
  KEEL_ARTIFACTS_URL: z.preprocess(blankToUndefined, z.string().optional()),
  KEEL_S3_ENDPOINT: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  KEEL_S3_REGION: z.preprocess(blankToUndefined, z.string().min(1).default("us-east-1")),
  KEEL_S3_FORCE_PATH_STYLE: z.preprocess(blankToUndefined, z.stringbool().optional()),
});

export type StorageEnv = z.infer<typeof ZStorageEnv>;

export function storageEnv(source: Record<string, string | undefined> = process.env): StorageEnv {
  return ZStorageEnv.parse({
    KEEL_ARTIFACTS_URL: source.KEEL_ARTIFACTS_URL,
    KEEL_S3_ENDPOINT: source.KEEL_S3_ENDPOINT,
    KEEL_S3_REGION: source.KEEL_S3_REGION,
    KEEL_S3_FORCE_PATH_STYLE: source.KEEL_S3_FORCE_PATH_STYLE,
  });
}

/**
 * The artifact store configured by the environment: KEEL_ARTIFACTS_URL (unset → local under
 * `<dataDir>/artifacts`), KEEL_S3_ENDPOINT, KEEL_S3_REGION, KEEL_S3_FORCE_PATH_STYLE. S3
 * credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY…).
 */
export function artifactStoreFromEnv(dataDir: string, source: Record<string, string | undefined> = process.env): ArtifactStore {
  const env = storageEnv(source);
  return createArtifactStore({
    dataDir,
    url: env.KEEL_ARTIFACTS_URL,
    s3: { endpoint: env.KEEL_S3_ENDPOINT, region: env.KEEL_S3_REGION, forcePathStyle: env.KEEL_S3_FORCE_PATH_STYLE },
  });
}
