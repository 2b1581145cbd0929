import "server-only";
import { appRouter, createCaller, type AppRouter } from "@keel/api";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { ReactNode } from "react";
import { cache } from "react";
import { createServerContext } from "~/server/context";
import { createQueryClient } from "./query-client";

/** One QueryClient per server request. */
export const getQueryClient = cache(createQueryClient);

/** Query options for server prefetching: `await getQueryClient().fetchQuery(trpc.members.list.queryOptions({ project }))`. */
export const trpc = createTRPCOptionsProxy<AppRouter>({
  router: appRouter,
  ctx: createServerContext,
  queryClient: getQueryClient,
});

/** A direct server caller for server components (one per request). */
export const api = cache(async () => createCaller(await createServerContext()));

/** Hands the server's query cache to the client components below it. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
