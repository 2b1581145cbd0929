"use client";

import { useParams } from "next/navigation";
import { EmptyState, LinkButton } from "~/components/ui";

/** An approval request that does not exist in this project (or a malformed id in the address). */
export default function ApprovalRequestNotFound() {
  const params = useParams<{ project: string }>();
  return (
    <div className="py-6">
      <EmptyState
        as="h1"
        title="No such approval request"
        actions={
          <LinkButton href={`/${params.project}/approvals`} variant="primary">
            All approval requests
          </LinkButton>
        }
      >
        <p>There is no promotion request with this id in this project.</p>
        <p className="text-xs text-zinc-500">Error 404</p>
      </EmptyState>
    </div>
  );
}
