import type { ProjectRole } from "@keel/auth/permissions";
import Link from "next/link";
import type { Viewer } from "~/server/context";
import { signOutAction } from "~/server/actions";
import { Logo } from "../logo";
import { RoleBadge } from "../role-badge";
import { Badge, Button } from "../ui";
import { NotificationsIndicator } from "./notifications-indicator";
import { ProjectSwitcher, type SwitcherProject } from "./project-switcher";

export interface AppHeaderProps {
  viewer: Viewer;
  projects: SwitcherProject[];
  /** The open project, when there is one. */
  current: { slug: string; role: ProjectRole | null } | null;
}

export function AppHeader({ viewer, projects, current }: AppHeaderProps) {
  return (
    <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/95 backdrop-blur">
      <div className="flex h-14 items-center gap-4 px-4 sm:px-6">
        <Link href="/" className="rounded-md" aria-label="Keel home">
          <Logo />
        </Link>
        <span aria-hidden="true" className="h-6 w-px bg-zinc-200" />
        <ProjectSwitcher projects={projects} current={current?.slug ?? null} />
        <div className="ml-auto flex items-center gap-3">
          <Link href="/status" className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:text-zinc-900">
            System status
          </Link>
          {current && current.role !== "viewer" ? <NotificationsIndicator inboxHref={`/${encodeURIComponent(current.slug)}/approvals`} /> : null}
          <span aria-hidden="true" className="h-6 w-px bg-zinc-200" />
          <div className="flex items-center gap-2">
            <span className="hidden text-right sm:block">
              <span className="block text-sm leading-tight font-medium text-zinc-900" data-testid="user-name">
                {viewer.name}
              </span>
              <span className="block text-xs leading-tight text-zinc-500">{viewer.email}</span>
            </span>
            {current ? <RoleBadge role={current.role} isAdmin={viewer.isAdmin} /> : null}
            {viewer.isAdmin && current?.role ? <Badge tone="amber">Admin</Badge> : null}
          </div>
          <form action={signOutAction}>
            <Button type="submit" variant="secondary" size="sm">
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </header>
  );
}
