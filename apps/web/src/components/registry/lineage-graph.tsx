import Link from "next/link";
import { Fragment } from "react";
import { cn } from "~/components/ui";
import type { LineageColumn, LineageNode } from "./logic";

const KIND_STYLE: Record<LineageNode["kind"], string> = {
  dataset: "border-sky-200 bg-sky-50/60",
  run: "border-violet-200 bg-violet-50/60",
  version: "border-accent-300 bg-accent-50 ring-2 ring-accent-200",
  deployment: "border-emerald-200 bg-emerald-50/60",
};

function Arrow() {
  return (
    <div aria-hidden="true" className="flex shrink-0 items-center justify-center self-center text-zinc-400 max-md:rotate-90 max-md:py-1">
      <svg viewBox="0 0 40 16" className="h-4 w-10" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path d="M0 8h36M30 2l6 6-6 6" />
      </svg>
    </div>
  );
}

function NodeBox({ node }: { node: LineageNode }) {
  const inner = (
    <>
      <span className="block truncate text-sm font-medium text-zinc-900">{node.title}</span>
      <span className="block truncate text-xs text-zinc-600">{node.detail}</span>
    </>
  );
  const cls = cn("block min-w-0 rounded-md border px-3 py-2", KIND_STYLE[node.kind]);
  return node.href ? (
    <Link href={node.href} className={cn(cls, "hover:border-accent-400 focus-visible:outline-2 focus-visible:outline-accent-600")} data-lineage-node={node.kind}>
      {inner}
    </Link>
  ) : (
    <div className={cls} data-lineage-node={node.kind} aria-current={node.current ? "page" : undefined}>
      {inner}
    </div>
  );
}

/** Dataset version → run → model version → deployments, as boxes joined by arrows (links where there is a page). */
export function LineageGraph({ columns }: { columns: LineageColumn[] }) {
  return (
    <div data-testid="lineage-graph" role="group" aria-label="Lineage: dataset version, training run, model version, deployments" className="flex flex-col items-stretch md:flex-row">
      {columns.map((col, i) => (
        <Fragment key={col.kind}>
          {i > 0 ? <Arrow /> : null}
          <div className="min-w-0 flex-1">
            <p className="mb-1.5 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{col.label}</p>
            <div className="space-y-2">
              {col.nodes.length === 0 ? (
                <div className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-xs text-zinc-500">{col.empty}</div>
              ) : (
                col.nodes.map((n) => <NodeBox key={n.key} node={n} />)
              )}
            </div>
          </div>
        </Fragment>
      ))}
    </div>
  );
}
