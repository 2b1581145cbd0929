"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Select } from "../ui";

export interface SwitcherProject {
  slug: string;
  name: string;
}

/** Lists the caller's projects; choosing one opens it. */
export function ProjectSwitcher({ projects, current }: { projects: SwitcherProject[]; current: string | null }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  if (projects.length === 0) return null;
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="project-switcher" className="sr-only">
        Project
      </label>
      <Select
        id="project-switcher"
        data-testid="project-switcher"
        className="w-48 max-w-[40vw]"
        value={current ?? ""}
        aria-busy={pending}
        onChange={(e) => {
          const slug = e.target.value;
          if (slug && slug !== current) startTransition(() => router.push(`/${slug}`));
        }}
      >
        {current === null ? (
          <option value="" disabled>
            Choose a project…
          </option>
        ) : null}
        {projects.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name} ({p.slug})
          </option>
        ))}
      </Select>
    </div>
  );
}
