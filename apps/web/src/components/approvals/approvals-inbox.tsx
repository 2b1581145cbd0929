"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { approvalsPath } from "~/components/registry/paths";
import { Alert, Card, cn, EmptyState } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { countByStatus, REQUEST_STATUSES, STATUS_LABELS, type RequestStatus } from "./logic";
import { RequestsTable } from "./requests-table";

/** The approvals page: what waits on me, then every request of the project by status. */
export function ApprovalsInbox({ project, status }: { project: string; status: RequestStatus }) {
  const trpc = useTRPC();
  const inbox = useQuery(trpc.approvals.inbox.queryOptions(undefined, { refetchInterval: 15_000 }));
  const all = useQuery(trpc.approvals.list.queryOptions({ project }));
  const waiting = (inbox.data?.items ?? []).filter((r) => r.project === project);
  const elsewhere = (inbox.data?.items ?? []).filter((r) => r.project !== project);
  const elsewhereProjects = [...new Set(elsewhere.map((r) => r.project))].sort();
  const items = all.data?.items ?? [];
  const counts = countByStatus(items);
  const shown = items.filter((r) => r.status === status);
  return (
    <div className="space-y-8">
      <Card
        title={
          <>
            Waiting on me <span className="font-normal text-zinc-500 tabular-nums">({waiting.length})</span>
          </>
        }
        description="Pending requests whose approver role is your role here, that you did not make and have not decided yet."
      >
        {inbox.isError ? <Alert tone="error">{inbox.error.message}</Alert> : null}
        {inbox.isPending ? <p className="text-sm text-zinc-500">Loading…</p> : null}
        {!inbox.isPending && waiting.length === 0 ? (
          <p className="text-sm text-zinc-600" data-testid="inbox-empty">
            Nothing waits on you in this project.
          </p>
        ) : null}
        {waiting.length > 0 ? (
          <div className="-mx-5 -my-4" data-testid="inbox">
            <RequestsTable project={project} items={waiting} rowTestId="inbox-row" label="Requests waiting on me" />
          </div>
        ) : null}
        {elsewhereProjects.length > 0 ? (
          <p className="mt-3 text-sm text-zinc-600">
            {elsewhere.length} more {elsewhere.length === 1 ? "request waits" : "requests wait"} on you in{" "}
            {elsewhereProjects.map((p, i) => (
              <span key={p}>
                {i > 0 ? ", " : ""}
                <Link href={approvalsPath(p)} className="text-accent-700 underline-offset-4 hover:underline">
                  {p}
                </Link>
              </span>
            ))}
            .
          </p>
        ) : null}
      </Card>

      <section aria-labelledby="all-requests-title" className="space-y-3">
        <h2 id="all-requests-title" className="text-base font-semibold text-zinc-900">
          All requests
        </h2>
        <nav aria-label="Request status" className="flex flex-wrap gap-1 border-b border-zinc-200">
          {REQUEST_STATUSES.map((s) => (
            <Link
              key={s}
              href={`${approvalsPath(project)}?status=${s}`}
              scroll={false}
              aria-current={s === status ? "page" : undefined}
              data-testid={`status-tab-${s}`}
              className={cn(
                "-mb-px rounded-t-md border-b-2 px-3 py-2 text-sm font-medium",
                s === status ? "border-accent-600 text-accent-700" : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900",
              )}
            >
              {STATUS_LABELS[s]} <span className="ml-1 rounded-full bg-zinc-100 px-1.5 text-xs text-zinc-600 tabular-nums">{counts[s]}</span>
            </Link>
          ))}
        </nav>
        {all.isError ? <Alert tone="error">{all.error.message}</Alert> : null}
        {all.isPending ? <p className="text-sm text-zinc-500">Loading requests…</p> : null}
        {!all.isPending && shown.length === 0 ? (
          <EmptyState title={`No ${STATUS_LABELS[status].toLowerCase()} requests`}>
            {items.length === 0 ? (
              <p>
                A promotion request is made from a model version&apos;s page (&ldquo;Request promotion&rdquo;) by a data scientist or an owner, to move a protected alias such as
                production.
              </p>
            ) : (
              <p>Choose another status above.</p>
            )}
          </EmptyState>
        ) : null}
        {shown.length > 0 ? (
          <div className="rounded-lg border border-zinc-200 bg-white shadow-xs">
            <RequestsTable project={project} items={shown} rowTestId="request-row" label={`${STATUS_LABELS[status]} requests`} />
          </div>
        ) : null}
      </section>
    </div>
  );
}
