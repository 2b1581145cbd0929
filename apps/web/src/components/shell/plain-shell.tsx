import type { ReactNode } from "react";
import type { Viewer } from "~/server/context";
import { AppHeader } from "./app-header";
import type { SwitcherProject } from "./project-switcher";

/** The shell of pages outside a project (home, system status): the header and a centred column. */
export function PlainShell({ viewer, projects, children }: { viewer: Viewer; projects: SwitcherProject[]; children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader viewer={viewer} projects={projects} current={null} />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-5xl flex-1 px-4 py-10 sm:px-8 focus:outline-none">
        {children}
      </main>
    </div>
  );
}
