import { requestIdFrom } from "@keel/api/request-id";
import { NextResponse, type NextRequest } from "next/server";

const PATH_HEADER = "x-keel-pathname";

/**
 * Every request has an `x-request-id`, echoed on the response (API.md). The launcher (server.ts)
 * already sets both; this keeps the contract under `next dev` / `next start` without it.
 */
export function proxy(request: NextRequest): NextResponse {
  const requestId = requestIdFrom(request.headers.get("x-request-id"));
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  // The path asked for, so a server component can send a signed-out visitor back here after sign-in.
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return response;
}

/**
 * Not the REST API: Next buffers a request body for the proxy and cuts it at
 * `proxyClientMaxBodySize` (10 MB), which would truncate dataset uploads. The REST handler takes
 * or makes the request id itself, and must receive the upload as an untouched stream.
 */
export const config = {
  matcher: ["/((?!_next/static|_next/image|api/v1/).*)"],
};
