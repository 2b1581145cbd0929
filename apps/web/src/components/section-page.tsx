import type { SectionKey } from "~/lib/sections";
import { SECTION_INFO, sectionByKey, sectionNoun } from "~/lib/sections";
import { loadProject } from "~/server/pages";
import { Forbidden } from "./forbidden";
import { Badge, LinkButton, PageHeader } from "./ui";

/**
 * A section this version of Keel has not built yet: says so, what it will hold and what to do
 * meanwhile. Never shows invented data. The permission is checked here, on the server.
 */
export async function SectionPlaceholder({ slug, sectionKey }: { slug: string; sectionKey: SectionKey }) {
  const project = await loadProject(slug);
  const section = sectionByKey(sectionKey);
  if (!project.permissions.includes(section.permission)) {
    return <Forbidden project={project.slug} role={project.role} what={sectionNoun(section)} />;
  }
  const info = SECTION_INFO[sectionKey];
  const canOpenSettings = project.permissions.includes("project.settings.read");
  return (
    <>
      <PageHeader eyebrow={project.name} title={section.label} description={info.purpose} />
      <section aria-labelledby="not-built-title" className="rounded-lg border border-zinc-200 bg-white shadow-xs">
        <div className="flex items-start gap-4 border-b border-zinc-200 px-6 py-5">
          <div className="flex size-10 shrink-0 items-center justify-center rounded-full bg-amber-50 text-amber-700 ring-1 ring-amber-200">
            <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-5">
              <path d="M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18v3h3l6.3-6.3a4 4 0 0 0 5.4-5.4l-2.5 2.5-2.4-.6-.6-2.4z" />
            </svg>
          </div>
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h2 id="not-built-title" className="text-base font-semibold text-zinc-900">
                {section.label} is not built yet in this version of Keel
              </h2>
              <Badge tone="amber">Coming in a later release</Badge>
            </div>
            <p className="mt-1 text-sm text-zinc-600">There is nothing to show here yet, and Keel will not pretend otherwise.</p>
          </div>
        </div>
        <dl className="divide-y divide-zinc-100 px-6">
          <div className="grid gap-1 py-4 sm:grid-cols-[11rem_1fr] sm:gap-6">
            <dt className="text-sm font-medium text-zinc-900">What it will hold</dt>
            <dd className="text-sm text-zinc-600">{info.willHold}</dd>
          </div>
          <div className="grid gap-1 py-4 sm:grid-cols-[11rem_1fr] sm:gap-6">
            <dt className="text-sm font-medium text-zinc-900">What to do next</dt>
            <dd className="text-sm text-zinc-600">{info.meanwhile}</dd>
          </div>
        </dl>
        <div className="flex flex-wrap items-center gap-3 border-t border-zinc-200 bg-zinc-50/60 px-6 py-4">
          <LinkButton href={`/${project.slug}`} size="sm">
            Project overview
          </LinkButton>
          {canOpenSettings ? (
            <LinkButton href={`/${project.slug}/settings`} size="sm">
              Members and API tokens
            </LinkButton>
          ) : null}
          <a href="/api/v1/openapi.json" className="text-sm font-medium text-accent-700 underline-offset-4 hover:underline">
            REST API description (OpenAPI)
          </a>
        </div>
      </section>
    </>
  );
}
