import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Logo } from "~/components/logo";
import { Alert, Button, Field, Input } from "~/components/ui";
import { pageTitle, safeCallbackPath } from "~/lib/format";
import { ssoProviderName } from "~/server/auth";
import { getViewer } from "~/server/context";
import { signInWithPassword, signInWithSso } from "./actions";

export const metadata: Metadata = { title: pageTitle("Sign in") };

const MESSAGES: Record<string, string> = {
  invalid_credentials: "Wrong email or password.",
  rate_limited: "Too many failed sign-in attempts. Wait 15 minutes and try again.",
  missing: "Enter your email and password.",
  sso_error: "Single sign-on did not complete. Try again, or sign in with your email and password.",
};

function messageFor(code: string | undefined, error: string | undefined): string | null {
  if (code && MESSAGES[code]) return MESSAGES[code];
  if (error === "CredentialsSignin") return MESSAGES.invalid_credentials ?? null;
  if (code || error) return "Sign-in failed. Try again.";
  return null;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(first(params.callbackUrl));
  // Someone already signed in (with an account that still exists) has nothing to do here.
  if (await getViewer()) redirect(callbackUrl);
  const message = messageFor(first(params.code), first(params.error));
  const sso = ssoProviderName();
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen items-center justify-center px-4 py-12 focus:outline-none">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-xl border border-zinc-200 bg-white p-8 shadow-sm">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Sign in to Keel</h1>
          <p className="mt-1 text-sm text-zinc-600">Use the email and password of your Keel account.</p>
          {message ? (
            <Alert tone="error" className="mt-5">
              {message}
            </Alert>
          ) : null}
          <form action={signInWithPassword} className="mt-6 space-y-4">
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <Field id="email" label="Email">
              <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
            </Field>
            <Field id="password" label="Password">
              <Input id="password" name="password" type="password" autoComplete="current-password" required />
            </Field>
            <Button type="submit" className="w-full">
              Sign in
            </Button>
          </form>
          {sso ? (
            <>
              <div className="my-6 flex items-center gap-3 text-xs text-zinc-500" aria-hidden="true">
                <span className="h-px flex-1 bg-zinc-200" />
                or
                <span className="h-px flex-1 bg-zinc-200" />
              </div>
              <form action={signInWithSso}>
                <input type="hidden" name="callbackUrl" value={callbackUrl} />
                <Button type="submit" variant="secondary" className="w-full">
                  Sign in with {sso}
                </Button>
              </form>
            </>
          ) : null}
        </div>
        <p className="mt-6 text-center text-xs text-zinc-500">
          No account? Ask a Keel administrator to create one. · <a href="/api/v1/openapi.json" className="underline-offset-4 hover:underline">REST API</a>
        </p>
      </div>
    </main>
  );
}
