import { z } from "zod";

/** The only file in apps/serve that reads process.env. */
const ZServeEnv = z.object({
  KEEL_SERVE_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  KEEL_SERVE_HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
});

export type ServeEnv = z.infer<typeof ZServeEnv>;

export function serveEnv(): ServeEnv {
  const empty = (v: string | undefined) => (v === "" ? undefined : v);
  return ZServeEnv.parse({
    KEEL_SERVE_PORT: empty(process.env.KEEL_SERVE_PORT),
    KEEL_SERVE_HOST: empty(process.env.KEEL_SERVE_HOST),
    DATABASE_URL: empty(process.env.DATABASE_URL),
  });
}
