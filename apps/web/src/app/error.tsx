"use client";

import { useEffect } from "react";
import { Button, EmptyState, LinkButton } from "~/components/ui";

function digestOf(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("digest" in error)) return null;
  const digest = (error as { digest?: unknown }).digest;
  return typeof digest === "string" ? digest : null;
}

/** Shown when a page fails on the server or in the browser; the reference matches the server log. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = digestOf(error);
  return (
    <main id="main" tabIndex={-1} className="mx-auto flex min-h-[60vh] max-w-xl flex-col justify-center px-4 py-12 focus:outline-none">
      <EmptyState
        as="h1"
        title="Something went wrong"
        actions={
          <>
            <Button variant="primary" onClick={() => retry()}>
              Try again
            </Button>
            <LinkButton href="/">Go to your projects</LinkButton>
          </>
        }
      >
        <p>Keel could not show this page. Try again; if it keeps failing, give an administrator the reference below.</p>
        {digest ? <p className="font-mono text-xs text-zinc-500">Reference: {digest}</p> : null}
      </EmptyState>
    </main>
  );
}
