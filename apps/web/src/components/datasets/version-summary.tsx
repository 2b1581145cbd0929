import type { DatasetVersion } from "@keel/api";
import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "~/components/ui";
import { CopyButton } from "~/components/ui/copy-button";
import { formatDateTime } from "~/lib/format";
import { formatBytes, formatCount } from "~/lib/format-data";
import { versionPath } from "./paths";
import { actorName, FORMAT_LABEL } from "./labels";

const DELIMITERS: Record<string, string> = { ",": "comma (,)", ";": "semicolon (;)", "\t": "tab", "|": "pipe (|)" };

function Item({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "sm:col-span-2 lg:col-span-3" : undefined}>
      <dt className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

/** What this version is: its bytes, where they came from and who added them. */
export function VersionSummary({ project, version: v }: { project: string; version: DatasetVersion }) {
  return (
    <Card id="summary" title="Summary">
      <dl className="grid gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="version-summary">
        <Item label="sha256" wide>
          <span className="flex flex-wrap items-center gap-2">
            <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all text-zinc-800" data-testid="version-sha256">
              {v.sha256}
            </code>
            <CopyButton value={v.sha256} label="Copy the sha256" />
          </span>
        </Item>
        <Item label="Rows">
          <span data-testid="version-rows">{formatCount(v.rowCount)}</span>
        </Item>
        <Item label="Columns">
          <span data-testid="version-columns">{formatCount(v.columnCount)}</span>
        </Item>
        <Item label="Size">
          {formatBytes(v.sizeBytes)} <span className="text-xs text-zinc-500">({formatCount(v.sizeBytes)} bytes)</span>
        </Item>
        <Item label="Format">
          {FORMAT_LABEL[v.format]}
          {v.dialect ? (
            <span className="block text-xs text-zinc-600">
              delimiter {DELIMITERS[v.dialect.delimiter] ?? JSON.stringify(v.dialect.delimiter)} · quote {v.dialect.quote}
              {v.dialect.bom ? " · UTF-8 BOM" : ""}
            </span>
          ) : null}
        </Item>
        <Item label="Source">
          {v.source === "upload" ? "Upload" : "Written by a job"}
          {v.filename ? <span className="block font-mono text-xs break-all text-zinc-600">{v.filename}</span> : null}
          {v.sourceRef ? <span className="block font-mono text-xs text-zinc-600">{v.sourceRef}</span> : null}
        </Item>
        <Item label="Parent">
          {v.parentVersion !== null ? (
            <Link href={versionPath(project, v.dataset, v.parentVersion)} className="font-medium text-accent-700 underline-offset-4 hover:underline">
              Version {v.parentVersion}
            </Link>
          ) : (
            <span className="text-zinc-600">None (first version)</span>
          )}
        </Item>
        <Item label="Created">
          <span className="block first-letter:uppercase">{actorName(v.createdBy)}</span>
          <span className="block text-xs text-zinc-600">{formatDateTime(v.createdAt)}</span>
        </Item>
      </dl>
    </Card>
  );
}
