import type { ReactNode } from "react";
import { cn } from "./cn";

export interface EmptyStateProps {
  title: ReactNode;
  children?: ReactNode;
  icon?: ReactNode;
  actions?: ReactNode;
  /** Heading level (h2 by default). */
  as?: "h1" | "h2" | "h3";
  className?: string;
}

/** Says plainly that there is nothing here yet, and what to do next. */
export function EmptyState({ title, children, icon, actions, as: Heading = "h2", className }: EmptyStateProps) {
  return (
    <div className={cn("rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center", className)}>
      {icon ? <div className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-zinc-100 text-zinc-500">{icon}</div> : null}
      <Heading className="text-base font-semibold text-zinc-900">{title}</Heading>
      {children ? <div className="mx-auto mt-2 max-w-xl space-y-2 text-sm text-zinc-600">{children}</div> : null}
      {actions ? <div className="mt-6 flex flex-wrap items-center justify-center gap-3">{actions}</div> : null}
    </div>
  );
}
