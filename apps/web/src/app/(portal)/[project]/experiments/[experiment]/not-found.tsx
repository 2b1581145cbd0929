"use client";

import { useParams } from "next/navigation";
import { EmptyState, LinkButton } from "~/components/ui";

/** An experiment or run that does not exist (or a malformed name in the address). */
export default function ExperimentNotFound() {
  const params = useParams<{ project: string; experiment: string; run?: string }>();
  return (
    <div className="py-6">
      <EmptyState
        as="h1"
        title={params.run ? "No such run" : "No such experiment"}
        actions={
          <>
            <LinkButton href={`/${params.project}/experiments`} variant="primary">
              All experiments
            </LinkButton>
            {params.run ? <LinkButton href={`/${params.project}/experiments/${params.experiment}`}>Back to the experiment</LinkButton> : null}
          </>
        }
      >
        <p>{params.run ? "This experiment has no such run." : "There is no experiment with this name in this project."}</p>
        <p className="text-xs text-zinc-500">Error 404</p>
      </EmptyState>
    </div>
  );
}
