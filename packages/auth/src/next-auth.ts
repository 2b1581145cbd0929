/**
 * Auth.js (next-auth v5) configuration: email + password (scrypt hashes, rate-limited per account
 * and address), an optional OIDC provider for company SSO, JWT sessions carrying the user id.
 * The password check and the audit of sign-in/out are injected by the caller (they live in the
 * services of @keel/api, which depends on this package).
 */
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { schema, type Db } from "@keel/db";
import type { NextAuthConfig } from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { oidcConfig } from "./env";

export class RateLimitedSignin extends CredentialsSignin {
  override code = "rate_limited";
}
export class InvalidCredentialsSignin extends CredentialsSignin {
  override code = "invalid_credentials";
}

export interface AuthDeps {
  db: Db;
  secret: string;
  verifyCredentials(input: { email: string; password: string; ip: string; requestId: string }): Promise<
    | { ok: true; user: { id: string; email: string; name: string | null } }
    | { ok: false; reason: "invalid" | "rate_limited"; message: string }
  >;
  onSignOut(input: { userId: string; requestId: string; ip: string | null }): Promise<void>;
  requestIdOf(headers: Headers): string;
  clientIpOf(headers: Headers): string;
}

const ZCredentials = z.object({ email: z.string().trim().toLowerCase().min(3).max(254), password: z.string().min(1).max(1024) });

export const SIGN_IN_PATH = "/sign-in";

export function createAuthConfig(deps: AuthDeps): NextAuthConfig {
  const oidc = oidcConfig();
  return {
    secret: deps.secret,
    trustHost: true,
    adapter: DrizzleAdapter(deps.db, {
      usersTable: schema.users,
      accountsTable: schema.accounts,
      sessionsTable: schema.sessions,
      verificationTokensTable: schema.verificationTokens,
    }),
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: SIGN_IN_PATH },
    providers: [
      Credentials({
        id: "password",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, request) {
          const parsed = ZCredentials.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentialsSignin();
          const res = await deps.verifyCredentials({
            email: parsed.data.email,
            password: parsed.data.password,
            ip: deps.clientIpOf(request.headers),
            requestId: deps.requestIdOf(request.headers),
          });
          if (!res.ok) throw res.reason === "rate_limited" ? new RateLimitedSignin() : new InvalidCredentialsSignin();
          return { id: res.user.id, email: res.user.email, name: res.user.name };
        },
      }),
      ...(oidc
        ? [
            {
              id: "oidc",
              name: oidc.name,
              type: "oidc" as const,
              issuer: oidc.issuer,
              clientId: oidc.clientId,
              clientSecret: oidc.clientSecret,
            },
          ]
        : []),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const userId = "token" in message ? message.token?.sub : undefined;
        if (userId) await deps.onSignOut({ userId, requestId: `signout-${Date.now()}`, ip: null });
      },
    },
  };
}
