import { requestIdOf, runtime } from "@keel/api";
import { handleRestRequest, restErrorResponse } from "@keel/api/rest";
import { sessionUserId } from "~/server/auth";

/** The public REST API: every method goes to the same services as the UI (trpc-to-openapi + bearer tokens). */
async function handler(req: Request): Promise<Response> {
  try {
    const { db, driver } = runtime();
    return await handleRestRequest(req, { db, driver, sessionUserId });
  } catch (err) {
    // e.g. no database configured: still the documented error shape and a request id.
    console.error("rest: request failed:", err);
    return restErrorResponse(err, requestIdOf(req.headers));
  }
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
