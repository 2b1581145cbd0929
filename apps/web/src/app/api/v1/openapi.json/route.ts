import { openApiDocument, requestIdOf } from "@keel/api/rest";

/** The public origin the caller used (Host header, else the request URL). */
function originOf(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(/:$/, "");
  return host && /^[\w.:[\]-]+$/.test(host) ? `${proto}://${host}` : url.origin;
}

/** The whole REST API as OpenAPI 3.1, generated from the procedures' zod schemas. */
export function GET(req: Request): Response {
  return Response.json(openApiDocument(originOf(req)), { headers: { "x-request-id": requestIdOf(req.headers) } });
}
