"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "~/lib/format";
import { signIn } from "~/server/auth";

const KNOWN_CODES = new Set(["invalid_credentials", "rate_limited"]);

function codeOf(err: AuthError): string {
  const code = (err as AuthError & { code?: unknown }).code;
  return typeof code === "string" && KNOWN_CODES.has(code) ? code : err.type === "CredentialsSignin" ? "invalid_credentials" : "error";
}

function backToSignIn(code: string, callbackUrl: string): never {
  const q = new URLSearchParams({ code });
  if (callbackUrl !== "/") q.set("callbackUrl", callbackUrl);
  redirect(`/sign-in?${q.toString()}`);
}

function textField(formData: FormData, name: string): string {
  const v = formData.get(name);
  return typeof v === "string" ? v : "";
}

/** Email + password: on success Auth.js sets the session cookie and redirects; on failure back here with a code. */
export async function signInWithPassword(formData: FormData): Promise<void> {
  const callbackUrl = safeCallbackPath(formData.get("callbackUrl"));
  const email = textField(formData, "email").trim().slice(0, 254);
  const password = textField(formData, "password");
  if (!email || !password) backToSignIn("missing", callbackUrl);
  try {
    await signIn("password", { email, password, redirectTo: callbackUrl });
  } catch (err) {
    // A successful sign-in "throws" Next's redirect: let it through.
    if (err instanceof AuthError) backToSignIn(codeOf(err), callbackUrl);
    throw err;
  }
}

/** Company SSO (OIDC), when configured. */
export async function signInWithSso(formData: FormData): Promise<void> {
  const callbackUrl = safeCallbackPath(formData.get("callbackUrl"));
  try {
    await signIn("oidc", { redirectTo: callbackUrl });
  } catch (err) {
    if (err instanceof AuthError) backToSignIn("sso_error", callbackUrl);
    throw err;
  }
}
