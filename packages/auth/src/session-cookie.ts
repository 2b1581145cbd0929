/**
 * Reading the portal's Auth.js session outside Next.js (the prediction server): the session
 * strategy is "jwt", so the cookie is an encrypted JWT (JWE) whose `sub` is the user id. The
 * cookie is `authjs.session-token` (`__Secure-authjs.session-token` over https), possibly split
 * into chunks `<name>.0`, `<name>.1`, … when large; Auth.js derives the key from AUTH_SECRET with
 * the cookie name as salt. `decode` checks the expiry.
 */
import { decode } from "next-auth/jwt";
import { authEnv } from "./env";

export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/** Parses a Cookie header into name → value (the first occurrence of a name wins). */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (out.has(name)) continue;
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

/** The cookie's value, whole or reassembled from its chunks; null when absent. */
function cookieValue(cookies: Map<string, string>, name: string): string | null {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; ; i++) {
    const chunk = cookies.get(`${name}.${i}`);
    if (chunk === undefined) break;
    chunks.push(chunk);
  }
  return chunks.length > 0 ? chunks.join("") : null;
}

export interface SessionCookieOptions {
  /** AUTH_SECRET (one, or several while rotating: the first that decrypts wins); default the environment's. */
  secret?: string | string[];
}

/**
 * The user id of the Auth.js session cookie in `headers`, or null when there is none, it does not
 * decrypt with the secret, it expired, or it names no user. Never throws for a bad cookie.
 */
export async function sessionUserIdFromHeaders(headers: Headers, options: SessionCookieOptions = {}): Promise<string | null> {
  const cookies = parseCookieHeader(headers.get("cookie"));
  if (cookies.size === 0) return null;
  const secret = options.secret ?? authEnv().AUTH_SECRET;
  if (!secret || (Array.isArray(secret) && secret.length === 0)) return null;
  for (const name of SESSION_COOKIE_NAMES) {
    const token = cookieValue(cookies, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret, salt: name });
      const sub = payload?.sub;
      if (typeof sub === "string" && sub.length > 0) return sub;
    } catch {
      // a cookie from another secret, tampered or expired: not a session
    }
  }
  return null;
}

/** A `sessionUserId` option for servers (e.g. buildServeApp) bound to a secret. */
export function sessionCookieReader(options: SessionCookieOptions = {}): (headers: Headers) => Promise<string | null> {
  return (headers) => sessionUserIdFromHeaders(headers, options);
}
