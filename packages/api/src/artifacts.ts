import { artifactStoreFromEnv, type ArtifactStore } from "@keel/storage";
import type { ServiceContext } from "./context";
import { apiEnv, dataDirFromEnv } from "./env";

/**
 * The process-wide artifact store. The launcher sets it (embedded mode shares one process
 * between web, worker and serve, and Next.js bundles server code separately, hence globalThis);
 * other processes build it from KEEL_ARTIFACTS_URL / KEEL_DATA_DIR on first use. A service
 * context may carry its own (tests do).
 */
const KEY = Symbol.for("keel.runtimeArtifacts");
type Holder = { [KEY]?: ArtifactStore };

export function setRuntimeArtifactStore(store: ArtifactStore | undefined): void {
  (globalThis as Holder)[KEY] = store;
}

export function artifactStoreOf(ctx: Pick<ServiceContext, "artifacts">): ArtifactStore {
  if (ctx.artifacts) return ctx.artifacts;
  const holder = globalThis as Holder;
  holder[KEY] ??= artifactStoreFromEnv(dataDirFromEnv());
  return holder[KEY];
}

/** The upload size limit for this context (KEEL_MAX_UPLOAD_BYTES unless the context says otherwise). */
export function maxUploadBytesOf(ctx: Pick<ServiceContext, "limits">): number {
  return ctx.limits?.maxUploadBytes ?? apiEnv().KEEL_MAX_UPLOAD_BYTES;
}

/** Sets the process's store from KEEL_ARTIFACTS_URL (S3) or the local folder `<dataDir>/artifacts`. */
export function configureArtifactStore(dataDir: string): ArtifactStore {
  const store = artifactStoreFromEnv(dataDir);
  setRuntimeArtifactStore(store);
  return store;
}
