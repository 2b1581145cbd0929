import path from "node:path";
import { z } from "zod";

/** The only place in @keel/api that reads process.env. */
const ZApiEnv = z.object({
  KEEL_DATA_DIR: z.string().min(1).default("./.keel"),
  /** Where `npm start` was run from: a relative KEEL_DATA_DIR is taken from there. */
  INIT_CWD: z.string().optional(),
  /** The largest dataset upload accepted, in bytes (default 1 GiB); larger ones get 413. */
  KEEL_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(1024 ** 3),
});
export type ApiEnv = z.infer<typeof ZApiEnv>;

export function apiEnv(): ApiEnv {
  const e = process.env;
  const empty = (v: string | undefined) => (v === "" ? undefined : v);
  return ZApiEnv.parse({
    KEEL_DATA_DIR: empty(e.KEEL_DATA_DIR),
    INIT_CWD: empty(e.INIT_CWD),
    KEEL_MAX_UPLOAD_BYTES: empty(e.KEEL_MAX_UPLOAD_BYTES),
  });
}

export function dataDirFromEnv(env: ApiEnv = apiEnv()): string {
  return path.resolve(env.INIT_CWD ?? process.cwd(), env.KEEL_DATA_DIR);
}
