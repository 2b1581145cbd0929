import { ROLE_LABELS } from "@keel/auth/permissions";
import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "~/components/ui";
import { formatDate, pageTitle } from "~/lib/format";
import { SECTION_INFO, visibleSections } from "~/lib/sections";
import { loadProject, requireViewer } from "~/server/pages";

interface Props {
  params: Promise<{ project: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await params;
  return { title: pageTitle("Overview", project) };
}

export default async function ProjectOverviewPage({ params }: Props) {
  const { project: slug } = await params;
  const viewer = await requireViewer();
  const project = await loadProject(slug);
  const sections = visibleSections(project.permissions);
  return (
    <>
      <PageHeader
        eyebrow={`Project · ${project.slug}`}
        title={project.name}
        description={project.description || "No description yet."}
      />
      <dl className="mb-8 grid gap-4 sm:grid-cols-3">
        <div className="rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
          <dt className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Your role</dt>
          <dd className="mt-2 flex items-center gap-2 text-sm text-zinc-900">
            {project.role ? ROLE_LABELS[project.role] : "Administrator (not a member)"}
            {viewer.isAdmin && project.role ? <Badge tone="amber">Admin</Badge> : null}
          </dd>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
          <dt className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Members</dt>
          <dd className="mt-2 text-2xl font-semibold text-zinc-900" data-testid="member-count">
            {project.memberCount}
          </dd>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
          <dt className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Created</dt>
          <dd className="mt-2 text-sm text-zinc-900">{formatDate(project.createdAt)}</dd>
        </div>
      </dl>

      <Card title="Sections" description="What each part of this project is for. You see the sections your role opens.">
        <ul className="-my-2 divide-y divide-zinc-100">
          {sections.map((s) => {
            const info = SECTION_INFO[s.key];
            return (
              <li key={s.key} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <Link href={`/${project.slug}/${s.key}`} className="text-sm font-medium text-accent-700 underline-offset-4 hover:underline">
                    {s.label}
                  </Link>
                  <p className="mt-0.5 text-sm text-zinc-600">{info.purpose}</p>
                </div>
                {info.built ? <Badge tone="green">Available</Badge> : <Badge>Coming in a later release</Badge>}
              </li>
            );
          })}
        </ul>
      </Card>
    </>
  );
}
