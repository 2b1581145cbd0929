import type { ProjectRole } from "@keel/auth/permissions";
import { forbiddenMessage } from "~/lib/sections";
import { EmptyState, LinkButton } from "./ui";

/** The 403 page: says which role cannot open what (the API refuses the same calls). */
export function Forbidden({ project, role, what }: { project: string; role: ProjectRole | null; what: string }) {
  return (
    <div className="py-6">
      <EmptyState
        as="h1"
        title={forbiddenMessage(role, what)}
        icon={
          <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-6">
            <rect x="5" y="11" width="14" height="9" rx="2" />
            <path d="M8 11V8a4 4 0 1 1 8 0v3" />
          </svg>
        }
        actions={<LinkButton href={`/${project}`}>Back to the project overview</LinkButton>}
      >
        <p>
          Access in Keel follows your role in each project. If you need this, ask an owner of <strong>{project}</strong> to change your role.
        </p>
        <p className="text-xs text-zinc-500">Error 403 · Forbidden</p>
      </EmptyState>
    </div>
  );
}
