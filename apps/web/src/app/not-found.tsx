import type { Metadata } from "next";
import { Logo } from "~/components/logo";
import { EmptyState, LinkButton } from "~/components/ui";
import { pageTitle } from "~/lib/format";

export const metadata: Metadata = { title: pageTitle("Not found") };

export default function NotFound() {
  return (
    <main id="main" tabIndex={-1} className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-4 py-12 focus:outline-none">
      <div className="mb-8 flex justify-center">
        <Logo />
      </div>
      <EmptyState
        as="h1"
        title="Page not found"
        actions={
          <>
            <LinkButton href="/" variant="primary">
              Go to your projects
            </LinkButton>
            <LinkButton href="/status">System status</LinkButton>
          </>
        }
      >
        <p>There is no page here, or it belongs to a project you are not a member of.</p>
        <p className="text-xs text-zinc-500">Error 404</p>
      </EmptyState>
    </main>
  );
}
