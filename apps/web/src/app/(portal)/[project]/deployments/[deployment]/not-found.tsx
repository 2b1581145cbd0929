"use client";

import { useParams } from "next/navigation";
import { EmptyState, LinkButton } from "~/components/ui";

/** A deployment that does not exist (or a malformed name in the address). */
export default function DeploymentNotFound() {
  const params = useParams<{ project: string; deployment: string }>();
  return (
    <div className="py-6">
      <EmptyState
        as="h1"
        title="No such deployment"
        actions={
          <LinkButton href={`/${params.project}/deployments`} variant="primary">
            All deployments
          </LinkButton>
        }
      >
        <p>There is no deployment with this name in this project.</p>
        <p className="text-xs text-zinc-500">Error 404</p>
      </EmptyState>
    </div>
  );
}
