import type { DatasetVersion } from "@keel/api";
import type { ReactNode } from "react";
import { cn } from "~/components/ui";

type Changes = Omit<DatasetVersion["schemaChanges"], "against">;

export function hasSchemaChanges(c: Changes): boolean {
  return c.added.length > 0 || c.removed.length > 0 || c.changed.length > 0 || c.reordered;
}

function Item({ tone, sign, children }: { tone: "added" | "removed" | "changed" | "reordered"; sign: string; children: ReactNode }) {
  const tones = {
    added: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    removed: "bg-red-50 text-red-800 ring-red-200",
    changed: "bg-amber-50 text-amber-900 ring-amber-200",
    reordered: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  } as const;
  return (
    <li className={cn("inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs ring-1 ring-inset", tones[tone])} data-change={tone}>
      <span aria-hidden="true" className="font-mono font-semibold">
        {sign}
      </span>
      {children}
    </li>
  );
}

/** Added, removed and changed columns as small tags; `compact` leaves out the "no changes" line. */
export function SchemaChangesList({ changes, compact = false }: { changes: Changes; compact?: boolean }) {
  if (!hasSchemaChanges(changes)) {
    return compact ? null : <p className="text-sm text-zinc-600">Same columns, types and order.</p>;
  }
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Schema changes" data-testid="schema-changes">
      {changes.added.map((c) => (
        <Item key={`a-${c.name}`} tone="added" sign="+">
          <span className="sr-only">added</span>
          <code>{c.name}</code> <span className="opacity-75">{c.type}</span>
        </Item>
      ))}
      {changes.removed.map((c) => (
        <Item key={`r-${c.name}`} tone="removed" sign="−">
          <span className="sr-only">removed</span>
          <code>{c.name}</code> <span className="opacity-75">{c.type}</span>
        </Item>
      ))}
      {changes.changed.map((c) => (
        <Item key={`c-${c.name}`} tone="changed" sign="~">
          <span className="sr-only">changed</span>
          <code>{c.name}</code>{" "}
          <span className="opacity-75">
            {c.from.type !== c.to.type ? `${c.from.type} → ${c.to.type}` : null}
            {c.from.type !== c.to.type && c.from.nullable !== c.to.nullable ? ", " : null}
            {c.from.nullable !== c.to.nullable ? (c.to.nullable ? "now nullable" : "no longer nullable") : null}
          </span>
        </Item>
      ))}
      {changes.reordered ? (
        <Item tone="reordered" sign="↕">
          columns reordered
        </Item>
      ) : null}
    </ul>
  );
}
