import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "keel_";

/** A new API token: 32 random bytes, base64url, prefixed so secret scanners can spot it. */
export function generateApiToken(): { token: string; hash: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashApiToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

/** Tokens carry 256 bits of entropy, so a plain sha256 is the right hash (no slow KDF needed). */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length > TOKEN_PREFIX.length + 20;
}
