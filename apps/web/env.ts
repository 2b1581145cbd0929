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
  KEEL_SERVE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Set by npm to where `npm start` was run: a relative KEEL_DATA_DIR is taken from there. */
  INIT_CWD: z.string().optional(),
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
    KEEL_SERVE_PORT: empty(e.KEEL_SERVE_PORT),
    INIT_CWD: empty(e.INIT_CWD),
    NODE_ENV: empty(e.NODE_ENV),
  });
}

/** KEEL_DATA_DIR as an absolute path, relative to where the user ran npm (as the CLI resolves it). */
export function resolvedDataDir(env: ServerEnv): string {
  return path.resolve(env.INIT_CWD ?? process.cwd(), env.KEEL_DATA_DIR);
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
  const dataDir = resolvedDataDir(env);
  const file = path.join(dataDir, "auth-secret");
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    secret = randomBytes(32).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600 });
  }
  process.env.AUTH_SECRET = secret;
}
