import { z } from "zod";

/**
 * The web app's environment: the only file under src/ that reads process.env.
 * Read lazily (at request time): `next build` runs without the launcher's variables.
 */
const ZWebEnv = z.object({
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters (the launcher sets one in embedded mode)"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type WebEnv = z.infer<typeof ZWebEnv>;

let cached: WebEnv | undefined;

export function env(): WebEnv {
  if (cached) return cached;
  const empty = (v: string | undefined) => (v === "" ? undefined : v);
  cached = ZWebEnv.parse({
    AUTH_SECRET: empty(process.env.AUTH_SECRET),
    NODE_ENV: empty(process.env.NODE_ENV),
  });
  return cached;
}
