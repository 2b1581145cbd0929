"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "../ui";

export interface NavItem {
  key: string;
  label: string;
}

const linkClass = (active: boolean) =>
  cn(
    "flex items-center rounded-md px-3 py-2 text-sm font-medium transition-colors",
    active ? "bg-white text-accent-700 shadow-xs ring-1 ring-zinc-200" : "text-zinc-700 hover:bg-zinc-200/60 hover:text-zinc-900",
  );

/** The project's sections the caller may open: plain links, the current one marked. */
export function ProjectNav({ project, projectName, items }: { project: string; projectName: string; items: NavItem[] }) {
  const pathname = usePathname();
  const overview = `/${project}`;
  return (
    <div className="space-y-4">
      <div>
        <p className="px-3 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Project</p>
        <Link href={overview} className={cn(linkClass(pathname === overview), "mt-1 truncate")} aria-current={pathname === overview ? "page" : undefined}>
          {projectName}
        </Link>
      </div>
      <nav aria-label="Project sections" data-testid="nav" className="space-y-1">
        {items.map((item) => {
          const href = `/${project}/${item.key}`;
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <Link key={item.key} href={href} className={linkClass(active)} aria-current={active ? "page" : undefined}>
              {item.label}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
