import type { ReactNode } from "react";
import { cn } from "./cn";

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
  /** Heading level of the title (h2 by default). */
  as?: "h2" | "h3";
  id?: string;
  children?: ReactNode;
}

export function Card({ title, description, actions, className, as: Heading = "h2", id, children }: CardProps) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section id={id} aria-labelledby={headingId} className={cn("rounded-lg border border-zinc-200 bg-white shadow-xs", className)}>
      {title ? (
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
          <div className="min-w-0">
            <Heading id={headingId} className="text-base font-semibold text-zinc-900">
              {title}
            </Heading>
            {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
          </div>
          {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
        </div>
      ) : null}
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}
