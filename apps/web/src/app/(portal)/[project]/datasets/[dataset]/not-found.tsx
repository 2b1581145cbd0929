"use client";

import { useParams } from "next/navigation";
import { EmptyState, LinkButton } from "~/components/ui";

/** A dataset or version that does not exist (or a malformed name in the address). */
function decode(text: string | undefined): string {
  try {
    return decodeURIComponent(text ?? "");
  } catch {
    return text ?? "";
  }
}

export default function DatasetNotFound() {
  const params = useParams<{ project: string; dataset: string; version?: string }>();
  const project = params.project;
  return (
    <div className="py-6">
      <EmptyState
        as="h1"
        title={params.version ? "No such dataset version" : "No such dataset"}
        actions={
          <>
            <LinkButton href={`/${project}/datasets`} variant="primary">
              All datasets
            </LinkButton>
            {params.version ? <LinkButton href={`/${project}/datasets/${params.dataset}`}>Back to the dataset</LinkButton> : null}
          </>
        }
      >
        <p>
          {params.version
            ? `This dataset has no version ${decode(params.version)}, or the dataset itself does not exist.`
            : `There is no dataset named “${decode(params.dataset)}” in this project. Names ignore case; it may have been created under another name.`}
        </p>
        <p className="text-xs text-zinc-500">Error 404</p>
      </EmptyState>
    </div>
  );
}
