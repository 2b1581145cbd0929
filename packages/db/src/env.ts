import { z } from "zod";

/** The only place in @keel/db that reads process.env. */
const ZDbEnv = z.object({
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  KEEL_DATA_DIR: z.string().min(1).default("./.keel"),
  KEEL_TEST_DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  KEEL_DEMO_PASSWORD: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

export type DbEnv = z.infer<typeof ZDbEnv>;

export function dbEnv(): DbEnv {
  return ZDbEnv.parse({
    DATABASE_URL: process.env.DATABASE_URL,
    KEEL_DATA_DIR: process.env.KEEL_DATA_DIR,
    KEEL_TEST_DATABASE_URL: process.env.KEEL_TEST_DATABASE_URL,
    KEEL_DEMO_PASSWORD: process.env.KEEL_DEMO_PASSWORD,
    NODE_ENV: process.env.NODE_ENV,
  });
}
