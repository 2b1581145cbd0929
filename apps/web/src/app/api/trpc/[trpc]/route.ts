import { appRouter, clientIpOf, createTRPCContext, requestIdOf, runtime, userActor } from "@keel/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { sessionUserId } from "~/server/auth";

async function handler(req: Request): Promise<Response> {
  const requestId = requestIdOf(req.headers);
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    createContext: async () => {
      const { db, driver } = runtime();
      const userId = await sessionUserId();
      const actor = userId ? await userActor(db, userId) : null;
      return createTRPCContext({ db, driver, actor, requestId, ip: clientIpOf(req.headers) });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path ?? "?"} failed (request ${requestId}):`, error.cause ?? error);
    },
  });
  res.headers.set("x-request-id", requestId);
  return res;
}

export { handler as GET, handler as POST };
