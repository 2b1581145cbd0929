import "server-only";
import { clientIpOf, recordSignOut, requestIdOf, runtime, verifyCredentials } from "@keel/api";
import { createAuthConfig } from "@keel/auth/next-auth";
import NextAuth, { type NextAuthConfig } from "next-auth";
import { env } from "~/env";

/**
 * Auth.js, configured lazily: the config function runs per request, after the launcher has set
 * the runtime database on globalThis (never at module load, which also happens during `next build`).
 */
function authConfig(): NextAuthConfig {
  const { db } = runtime();
  return createAuthConfig({
    db,
    secret: env().AUTH_SECRET,
    verifyCredentials: (input) => verifyCredentials(runtime().db, input),
    onSignOut: (input) => recordSignOut(runtime().db, input),
    requestIdOf,
    clientIpOf,
  });
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => authConfig());

/** The signed-in user's id from the session cookie, or null. */
export async function sessionUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id ?? null;
}

/** The name of the SSO button when an OIDC provider is configured, else null. */
export function ssoProviderName(): string | null {
  for (const p of authConfig().providers) {
    if (typeof p === "object" && p.id === "oidc") return typeof p.name === "string" ? p.name : "Company SSO";
  }
  return null;
}
