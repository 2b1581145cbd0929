import type { ApprovalRequest } from "@keel/api";
import Link from "next/link";
import { modelPath, requestPath, versionPath } from "~/components/registry/paths";
import { Badge, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime, formatRelative } from "~/lib/format";
import { RequestStatusBadge } from "./badges";

const link = "text-accent-700 underline-offset-4 hover:underline";

/** Promotion requests as a table: status, model/version, target, requester, approvals, gates, age. */
export function RequestsTable({ project, items, rowTestId, label }: { project: string; items: readonly ApprovalRequest[]; rowTestId: string; label: string }) {
  return (
    <Table aria-label={label}>
      <THead>
        <TR>
          <TH>Request</TH>
          <TH>Model / version</TH>
          <TH>Target</TH>
          <TH>Requested by</TH>
          <TH>Approvals</TH>
          <TH>Gates</TH>
          <TH>Age</TH>
        </TR>
      </THead>
      <TBody>
        {items.map((r) => (
          <TR key={r.id} data-testid={rowTestId} data-request-id={r.id} data-status={r.status}>
            <TD className="whitespace-nowrap">
              <span className="flex items-center gap-2">
                <RequestStatusBadge status={r.status} />
                <Link href={requestPath(r.project || project, r.id)} className={`${link} font-mono text-xs`}>
                  {r.id.slice(0, 12)}…
                </Link>
              </span>
            </TD>
            <TD className="whitespace-nowrap">
              <Link href={modelPath(r.project || project, r.model)} className={link}>
                {r.model}
              </Link>{" "}
              <Link href={versionPath(r.project || project, r.model, r.version)} className={`${link} tabular-nums`}>
                v{r.version}
              </Link>
              {r.evidence.current ? <span className="ml-1 text-xs text-zinc-500">(now v{r.evidence.current.version})</span> : null}
            </TD>
            <TD>
              <Badge tone="amber">{r.target}</Badge>
            </TD>
            <TD className="whitespace-nowrap text-zinc-700">{r.requestedBy?.name ?? "—"}</TD>
            <TD className="tabular-nums text-zinc-700">
              {r.approvals}/{r.requiredApprovals}
            </TD>
            <TD>{r.evidence.gates.length === 0 ? <span className="text-xs text-zinc-400">none</span> : r.evidence.gatesPassed ? <Badge tone="green">pass</Badge> : <Badge tone="red">fail</Badge>}</TD>
            <TD className="whitespace-nowrap text-zinc-600">
              <Link href={requestPath(r.project || project, r.id)} className="hover:underline" title={formatDateTime(r.createdAt)}>
                <time dateTime={r.createdAt} suppressHydrationWarning>
                  {formatRelative(r.createdAt)}
                </time>
              </Link>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
