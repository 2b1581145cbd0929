"use client";

import { useParams } from "next/navigation";
import { EmptyState, LinkButton } from "~/components/ui";

/** A model or version that does not exist (or a malformed name in the address). */
export default function ModelNotFound() {
  const params = useParams<{ project: string; model: string; version?: string }>();
  return (
    <div className="py-6">
      <EmptyState
        as="h1"
        title={params.version ? "No such version" : "No such model"}
        actions={
          <>
            <LinkButton href={`/${params.project}/models`} variant="primary">
              All models
            </LinkButton>
            {params.version ? <LinkButton href={`/${params.project}/models/${params.model}`}>Back to the model</LinkButton> : null}
          </>
        }
      >
        <p>{params.version ? "This model has no such version." : "There is no registered model with this name in this project."}</p>
        <p className="text-xs text-zinc-500">Error 404</p>
      </EmptyState>
    </div>
  );
}
