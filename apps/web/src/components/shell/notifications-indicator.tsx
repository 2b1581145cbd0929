"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRef } from "react";
import { formatRelative, safeCallbackPath } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

/**
 * The bell in the header: how many in-app notifications (promotion requests to decide, decisions on
 * one's own requests) are unread, the latest of them, and a link to the approvals inbox.
 */
export function NotificationsIndicator({ inboxHref }: { inboxHref: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const details = useRef<HTMLDetailsElement>(null);
  const unread = useQuery(trpc.approvals.notifications.queryOptions({ unreadOnly: true }, { refetchInterval: 30_000 }));
  const markAll = useMutation(trpc.approvals.markNotificationsRead.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.approvals.notifications.pathFilter()) }));
  const items = unread.data?.items ?? [];
  const count = items.length;
  const close = () => details.current?.removeAttribute("open");
  return (
    <details ref={details} className="relative" data-testid="notifications">
      <summary
        className="flex cursor-pointer list-none items-center gap-1 rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 [&::-webkit-details-marker]:hidden"
        aria-label={count > 0 ? `Notifications: ${count} unread` : "Notifications: none unread"}
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-5">
          <path d="M10 2a6 6 0 0 0-6 6v2.586l-.707.707A1 1 0 0 0 4 13h12a1 1 0 0 0 .707-1.707L16 10.586V8a6 6 0 0 0-6-6Zm0 16a3 3 0 0 1-2.83-2h5.66A3 3 0 0 1 10 18Z" />
        </svg>
        {count > 0 ? (
          <span data-testid="notifications-unread" className="min-w-5 rounded-full bg-red-600 px-1.5 text-center text-xs leading-5 font-semibold text-white tabular-nums">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </summary>
      <div className="absolute right-0 z-40 mt-2 w-80 rounded-lg border border-zinc-200 bg-white shadow-lg">
        <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-2.5">
          <span className="text-sm font-semibold text-zinc-900">Notifications</span>
          {count > 0 ? (
            <button type="button" className="text-xs font-medium text-accent-700 hover:underline disabled:opacity-50" disabled={markAll.isPending} onClick={() => markAll.mutate({ all: true })}>
              Mark all read
            </button>
          ) : null}
        </div>
        {count === 0 ? <p className="px-4 py-3 text-sm text-zinc-500">No unread notifications.</p> : null}
        <ul className="max-h-80 divide-y divide-zinc-100 overflow-y-auto">
          {items.slice(0, 8).map((n) => {
            const href = n.link ? safeCallbackPath(n.link, inboxHref) : inboxHref;
            return (
              <li key={n.id}>
                <Link
                  href={href}
                  className="block px-4 py-2.5 hover:bg-zinc-50"
                  onClick={() => {
                    markAll.mutate({ ids: [n.id] });
                    close();
                  }}
                >
                  <span className="block text-sm font-medium text-zinc-900">{n.title}</span>
                  {n.body ? <span className="line-clamp-2 block text-xs text-zinc-600">{n.body}</span> : null}
                  <span className="block text-xs text-zinc-400" suppressHydrationWarning>
                    {n.project ? `${n.project} · ` : ""}
                    {formatRelative(n.createdAt)}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="border-t border-zinc-100 px-4 py-2.5">
          <Link href={inboxHref} className="text-sm font-medium text-accent-700 hover:underline" onClick={close} data-testid="notifications-inbox-link">
            Open the approvals inbox
          </Link>
        </div>
      </div>
    </details>
  );
}
