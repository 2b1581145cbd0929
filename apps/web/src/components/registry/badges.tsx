import { Badge } from "~/components/ui";

/** An alias on a version: protected ones (that move only through approval) carry a lock. */
export function AliasBadge({ alias, isProtected }: { alias: string; isProtected: boolean }) {
  return (
    <Badge
      tone={isProtected ? "amber" : "accent"}
      data-testid="alias-badge"
      data-alias={alias}
      title={isProtected ? `${alias} is protected: it moves only through an approved promotion request` : `alias ${alias}`}
    >
      {isProtected ? <LockIcon className="mr-1 size-3" /> : null}
      {alias}
    </Badge>
  );
}

export function LockIcon({ className }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className={className}>
      <path fillRule="evenodd" d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z" clipRule="evenodd" />
    </svg>
  );
}

export function VersionStatusBadge({ status }: { status: "ready" | "archived" }) {
  return (
    <Badge tone={status === "ready" ? "green" : "neutral"} data-testid="version-status" data-status={status}>
      {status}
    </Badge>
  );
}
