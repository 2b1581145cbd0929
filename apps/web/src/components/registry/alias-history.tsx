"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { AliasBadge } from "./badges";
import { versionPath } from "./paths";

/** Every move of every alias, newest first (the registry keeps them append-only). */
export function AliasHistory({ project, model, protectedAliases }: { project: string; model: string; protectedAliases: readonly string[] }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.registry.aliasHistory.queryOptions({ project, model }));
  const items = [...(history.data?.items ?? [])].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
  const v = (n: number | null) =>
    n === null ? (
      <span className="text-zinc-400">none</span>
    ) : (
      <Link href={versionPath(project, model, n)} className="text-accent-700 underline-offset-4 hover:underline">
        v{n}
      </Link>
    );
  return (
    <Card title="Alias history" description="Append-only: every set, move and removal, with who did it and why. Nothing here can be edited.">
      {history.isError ? <Alert tone="error">{history.error.message}</Alert> : null}
      {history.isPending ? <p className="text-sm text-zinc-500">Loading the history…</p> : null}
      {!history.isPending && items.length === 0 ? <p className="text-sm text-zinc-500">No alias has been set yet.</p> : null}
      {items.length > 0 ? (
        <div className="-mx-5 -my-4">
          <Table aria-label="Alias history" data-testid="alias-history">
            <THead>
              <TR>
                <TH>When</TH>
                <TH>Alias</TH>
                <TH>Move</TH>
                <TH>By</TH>
                <TH>Reason</TH>
              </TR>
            </THead>
            <TBody>
              {items.map((e) => (
                <TR key={e.id} data-testid="alias-event">
                  <TD className="whitespace-nowrap text-zinc-600">
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </TD>
                  <TD>
                    <AliasBadge alias={e.alias} isProtected={protectedAliases.includes(e.alias)} />
                  </TD>
                  <TD className="whitespace-nowrap tabular-nums">
                    {v(e.fromVersion)} <span className="text-zinc-400">→</span> {v(e.toVersion)}
                  </TD>
                  <TD className="whitespace-nowrap text-zinc-600">{e.actor.name}</TD>
                  <TD className="max-w-sm text-zinc-600">
                    <span className="line-clamp-2 break-words">{e.reason || <span className="text-zinc-400">—</span>}</span>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      ) : null}
    </Card>
  );
}
