import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Environment of the launcher (server.ts); the only file beside src/env.ts that reads process.env. */
const ZServerEnv = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  KEEL_DATA_DIR: z.string().min(1).default("./.keel"),
  KEEL_SEED: z.enum(["auto", "always", "never"]).default("auto"),
  KEEL_DEMO_PASSWORD: z.string().optional(),
  KEEL_TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  KEEL_WORKER: z.enum(["0", "1"]).default("1"),
  AUTH_SECRET: z.string().min(16).optional(),
  NODE_ENV: z.string().optional(),
});

export type ServerEnv = z.infer<typeof ZServerEnv>;

export function serverEnv(): ServerEnv {
  const e = process.env;
  const empty = (v: string | undefined) => (v === "" ? undefined : v);
  return ZServerEnv.parse({
    PORT: empty(e.PORT),
    HOST: empty(e.HOST),
    DATABASE_URL: empty(e.DATABASE_URL),
    KEEL_DATA_DIR: empty(e.KEEL_DATA_DIR),
    KEEL_SEED: empty(e.KEEL_SEED),
    KEEL_DEMO_PASSWORD: empty(e.KEEL_DEMO_PASSWORD),
    KEEL_TRUST_PROXY: empty(e.KEEL_TRUST_PROXY),
    KEEL_WORKER: empty(e.KEEL_WORKER),
    AUTH_SECRET: empty(e.AUTH_SECRET),
    NODE_ENV: empty(e.NODE_ENV),
  });
}

/**
 * Auth.js needs a secret. Use AUTH_SECRET when given; in embedded mode keep a generated one in
 * the data folder so sessions survive restarts. Exposed to the Next.js code through process.env.
 */
export function ensureAuthSecret(env: ServerEnv): void {
  if (env.AUTH_SECRET) return;
  if (env.DATABASE_URL) {
    throw new Error("AUTH_SECRET is required when DATABASE_URL is set (e.g. `openssl rand -base64 32`).");
  }
  const file = path.join(env.KEEL_DATA_DIR, "auth-secret");
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(env.KEEL_DATA_DIR, { recursive: true });
    secret = randomBytes(32).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600 });
  }
  process.env.AUTH_SECRET = secret;
}
