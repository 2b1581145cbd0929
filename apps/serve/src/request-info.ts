/** What the prediction server reads off a request besides its body. */
import type { FastifyRequest } from "fastify";

/** The request's headers as a fetch Headers (what @keel/api's authentication reads). */
export function headersOf(req: FastifyRequest): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") h.set(k, v);
    else if (Array.isArray(v)) h.set(k, v.join(", "));
  }
  return h;
}

/** The caller's address: the first X-Forwarded-For hop (behind the portal or a proxy), else the socket's. */
export function clientIp(req: FastifyRequest): string | null {
  const fwd = req.headers["x-forwarded-for"];
  const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
  return first || req.ip || null;
}
