import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PlainShell } from "~/components/shell/plain-shell";
import { Card, EmptyState } from "~/components/ui";
import { pageTitle } from "~/lib/format";
import { loadProjects, requireViewer } from "~/server/pages";
import { CreateProjectForm } from "./create-project-form";

export const metadata: Metadata = { title: pageTitle("Projects") };

/** Home: straight to the first project the caller belongs to, or an empty state that says what to do. */
export default async function HomePage() {
  const viewer = await requireViewer();
  const projects = await loadProjects();
  const first = projects.find((p) => p.role !== null) ?? (viewer.isAdmin ? projects[0] : undefined);
  if (first) redirect(`/${first.slug}`);
  return (
    <PlainShell viewer={viewer} projects={[]}>
      <h1 className="sr-only">Projects</h1>
      <EmptyState
        title="No projects yet"
        icon={
          <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-6">
            <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" />
          </svg>
        }
      >
        <p>You are not a member of any project yet — ask an owner to add you.</p>
        <p>Once you are added, this page takes you straight to the project.</p>
      </EmptyState>
      {viewer.isAdmin ? (
        <Card className="mt-8" title="Create a project" description="As an administrator you can start a project; you become its owner and can add members.">
          <CreateProjectForm />
        </Card>
      ) : null}
    </PlainShell>
  );
}
