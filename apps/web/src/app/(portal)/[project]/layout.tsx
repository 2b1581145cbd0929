import type { ReactNode } from "react";
import { AppHeader } from "~/components/shell/app-header";
import { ProjectNav } from "~/components/shell/project-nav";
import { visibleSections } from "~/lib/sections";
import { loadProject, loadProjects, requireViewer } from "~/server/pages";

/** The app shell of a project: header, the sections the caller's role opens, the page. */
export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const viewer = await requireViewer();
  const [project, projects] = await Promise.all([loadProject(slug), loadProjects()]);
  const items = visibleSections(project.permissions).map((s) => ({ key: s.key, label: s.label }));
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader
        viewer={viewer}
        projects={projects.map((p) => ({ slug: p.slug, name: p.name }))}
        current={{ slug: project.slug, role: project.role }}
      />
      <div className="flex flex-1 flex-col md:flex-row">
        <aside className="shrink-0 border-b border-zinc-200 bg-zinc-100/60 px-3 py-4 md:w-60 md:border-r md:border-b-0 md:py-6">
          <ProjectNav project={project.slug} projectName={project.name} items={items} />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-8 sm:px-8 focus:outline-none">
          <div className="mx-auto max-w-5xl">
            {children}
          </div>
        </main>
      </div>
    </div>
  );
}
