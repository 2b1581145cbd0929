import Link from "next/link";
import { Fragment } from "react";

/**
 * "Datasets › breast-cancer › Version 2": the trail above a page title. Inline elements only: the
 * page header places it inside a paragraph, where a <nav> or a list would break the HTML.
 */
export function Breadcrumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <span role="navigation" aria-label="Breadcrumb" className="flex flex-wrap items-center gap-1.5">
      {items.map((item, i) => (
        <Fragment key={`${item.label}-${i}`}>
          {i > 0 ? (
            <span aria-hidden="true" className="text-zinc-400">
              ›
            </span>
          ) : null}
          {item.href ? (
            <Link href={item.href} className="min-w-0 truncate text-zinc-500 underline-offset-4 hover:text-zinc-800 hover:underline">
              {item.label}
            </Link>
          ) : (
            <span aria-current="page" className="min-w-0 truncate text-zinc-500">
              {item.label}
            </span>
          )}
        </Fragment>
      ))}
    </span>
  );
}
