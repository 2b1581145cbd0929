import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import SuperJSON from "superjson";

/** One factory for the server (per request) and the browser (one per tab). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server-prefetched data stays fresh long enough not to refetch right after hydration.
        staleTime: 30 * 1000,
        retry: (failureCount, error) => failureCount < 2 && !isClientError(error),
      },
      dehydrate: {
        serializeData: SuperJSON.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
        shouldRedactErrors: () => false,
      },
      hydrate: {
        deserializeData: SuperJSON.deserialize,
      },
    },
  });
}

/** A 4xx from the API (a refusal or a bad input) is not worth retrying. */
function isClientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("data" in error)) return false;
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "object" || data === null || !("httpStatus" in data)) return false;
  const status = (data as { httpStatus?: unknown }).httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
