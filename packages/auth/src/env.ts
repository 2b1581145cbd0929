import { z } from "zod";

/** The only place in @keel/auth that reads process.env. */
const ZAuthEnv = z.object({
  AUTH_SECRET: z.string().min(16).optional(),
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_ID: z.string().min(1).optional(),
  AUTH_OIDC_SECRET: z.string().min(1).optional(),
  AUTH_OIDC_NAME: z.string().min(1).default("Company SSO"),
});

export type AuthEnv = z.infer<typeof ZAuthEnv>;

export function authEnv(): AuthEnv {
  const empty = (v: string | undefined) => (v === "" ? undefined : v);
  return ZAuthEnv.parse({
    AUTH_SECRET: empty(process.env.AUTH_SECRET),
    AUTH_OIDC_ISSUER: empty(process.env.AUTH_OIDC_ISSUER),
    AUTH_OIDC_ID: empty(process.env.AUTH_OIDC_ID),
    AUTH_OIDC_SECRET: empty(process.env.AUTH_OIDC_SECRET),
    AUTH_OIDC_NAME: empty(process.env.AUTH_OIDC_NAME),
  });
}

/** The OIDC provider is on when its issuer, client id and secret are all set. */
export function oidcConfig(env: AuthEnv = authEnv()): { issuer: string; clientId: string; clientSecret: string; name: string } | null {
  if (!env.AUTH_OIDC_ISSUER || !env.AUTH_OIDC_ID || !env.AUTH_OIDC_SECRET) return null;
  return { issuer: env.AUTH_OIDC_ISSUER, clientId: env.AUTH_OIDC_ID, clientSecret: env.AUTH_OIDC_SECRET, name: env.AUTH_OIDC_NAME };
}
