import "server-only";
import { clientIpOf, createTRPCContext, requestIdOf, runtime, userActor, type Actor, type TRPCContext } from "@keel/api";
import { headers } from "next/headers";
import { cache } from "react";
import { sessionUserId } from "./auth";

export type Viewer = Extract<Actor, { type: "user" }>;

/** The signed-in person for this request (null when signed out, or the account is gone or disabled). */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const userId = await sessionUserId();
  if (!userId) return null;
  return userActor(runtime().db, userId);
});

/** The tRPC context of a server component render: the session's user, the request id and address. */
export const createServerContext = cache(async (): Promise<TRPCContext> => {
  const h = await headers();
  const { db, driver } = runtime();
  return createTRPCContext({ db, driver, actor: await getViewer(), requestId: requestIdOf(h), ip: clientIpOf(h) });
});
