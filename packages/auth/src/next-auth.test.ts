import { afterEach, describe, expect, it } from "vitest";
import { createPgliteDb } from "@keel/db";
import { createAuthConfig, type AuthDeps } from "./next-auth";
import { hashPassword, passwordProblem, verifyPassword } from "./password";

const OIDC_VARS = ["AUTH_OIDC_ISSUER", "AUTH_OIDC_ID", "AUTH_OIDC_SECRET", "AUTH_OIDC_NAME"] as const;
afterEach(() => {
  for (const v of OIDC_VARS) delete process.env[v];
});

async function deps(): Promise<AuthDeps> {
  const kdb = await createPgliteDb();
  return {
    db: kdb.db,
    secret: "a-test-secret-of-enough-length",
    verifyCredentials: () => Promise.resolve({ ok: false, reason: "invalid", message: "no" }),
    onSignOut: () => Promise.resolve(),
    requestIdOf: () => "req",
    clientIpOf: () => "127.0.0.1",
  };
}

function providerIds(config: ReturnType<typeof createAuthConfig>): string[] {
  // Auth.js applies a provider's user options (here `id: "password"`) over its defaults at run time.
  return config.providers.map((p) => {
    const provider = typeof p === "function" ? p() : p;
    return (provider as { options?: { id?: string } }).options?.id ?? provider.id;
  });
}

describe("Auth.js config", () => {
  it("offers email + password only, with JWT sessions, when no OIDC provider is configured", async () => {
    const config = createAuthConfig(await deps());
    expect(providerIds(config)).toEqual(["password"]);
    expect(config.session?.strategy).toBe("jwt");
  });

  it("adds the company OIDC provider when issuer, client id and secret are set", async () => {
    process.env.AUTH_OIDC_ISSUER = "https://sso.example.com/realms/acme";
    process.env.AUTH_OIDC_ID = "keel";
    process.env.AUTH_OIDC_SECRET = "s3cret";
    process.env.AUTH_OIDC_NAME = "Acme SSO";
    const config = createAuthConfig(await deps());
    expect(providerIds(config)).toEqual(["password", "oidc"]);
    const oidc = config.providers[1];
    expect(oidc).toMatchObject({ type: "oidc", issuer: "https://sso.example.com/realms/acme", clientId: "keel", name: "Acme SSO" });
  });

  it("ignores a half-configured OIDC provider", async () => {
    process.env.AUTH_OIDC_ISSUER = "https://sso.example.com";
    expect(providerIds(createAuthConfig(await deps()))).toEqual(["password"]);
  });
});

describe("passwords", () => {
  it("hashes with a fresh salt and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });

  it("names what is wrong with a weak password", () => {
    expect(passwordProblem("")).toMatch(/empty/);
    expect(passwordProblem("short")).toMatch(/at least 12/);
    expect(passwordProblem("password123")).toMatch(/at least 12/);
    expect(passwordProblem("aaaaaaaaaaaaaaa")).toMatch(/too common or too simple/);
    expect(passwordProblem("a good long passphrase")).toBeUndefined();
  });
});
