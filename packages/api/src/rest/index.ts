/**
 * The REST API (/api/v1): the same tRPC procedures exposed through trpc-to-openapi, with
 * bearer-token auth, `x-request-id` on every response and errors as `{ error: { code, message, details } }`.
 */
import { requestIdFrom } from "../request-id";
import type { Db, Driver } from "@keel/db";
import { createOpenApiFetchHandler, generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import type { Actor, ServiceContext } from "../context";
import { KeelError, toRestError, type RestErrorBody } from "../errors";
import { appRouter } from "../root";
import { authenticateApiToken } from "../services/tokens";
import { userActor } from "../services/users";
import { createTRPCContext } from "../trpc";
import { matchRawRoute, RAW_ROUTES } from "./datasets";
import { rawRoutesOpenApi } from "./openapi-raw";

export const REST_BASE = "/api/v1";

/** Takes the caller's request id when it is sane, else makes one. */
export function requestIdOf(headers: Headers): string {
  return requestIdFrom(headers.get("x-request-id"));
}

/** The client address: the first X-Forwarded-For hop (set by Keel's own server), else unknown. */
export function clientIpOf(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}

export interface AuthenticateOptions {
  db: Db;
  headers: Headers;
  /** Resolves the browser session's user id, when there is a session. */
  sessionUserId?: () => Promise<string | null | undefined>;
}

/**
 * The one authentication step every REST endpoint shares: a bearer API token, else the browser
 * session, else anonymous. A bearer token that is unknown, expired or revoked is a 401.
 */
export async function authenticateRequest(opts: AuthenticateOptions): Promise<Actor | null> {
  const authz = opts.headers.get("authorization");
  if (authz) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    if (!m?.[1]) throw new KeelError("UNAUTHORIZED", "The Authorization header must be 'Bearer <token>'.", [], "authentication");
    const res = await authenticateApiToken(opts.db, m[1]);
    if (!res.ok) throw new KeelError("UNAUTHORIZED", res.reason, [], "authentication");
    return res.actor;
  }
  const userId = await opts.sessionUserId?.();
  return userId ? userActor(opts.db, userId) : null;
}

export function restErrorResponse(err: unknown, requestId: string): Response {
  const { status, body } = toRestError(err);
  return Response.json(body, { status, headers: { "x-request-id": requestId } });
}

export interface RestHandlerOptions {
  db: Db;
  driver: Driver;
  sessionUserId?: () => Promise<string | null | undefined>;
  /** Tests pass their own artifact store and limits; a server uses the process's. */
  artifacts?: ServiceContext["artifacts"];
  limits?: ServiceContext["limits"];
}

/**
 * Optimistic concurrency over REST: a PUT's `If-Match: "<revision>"` header becomes the input's
 * `ifMatch` (procedures that take it answer 412 when the entity moved on). A header that is not
 * a revision number is a 400 from the input check, naming `ifMatch`.
 */
async function withIfMatch(req: Request): Promise<Request> {
  const header = req.headers.get("if-match");
  if (req.method !== "PUT" || header === null) return req;
  const text = await req.text();
  let body: unknown = {};
  try {
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    return new Request(req, { body: text });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return new Request(req, { body: text });
  const ifMatch = header.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return new Request(req, { body: JSON.stringify({ ...body, ifMatch }) });
}

/** Handles one /api/v1 request. */
export async function handleRestRequest(req: Request, opts: RestHandlerOptions): Promise<Response> {
  const requestId = requestIdOf(req.headers);
  const ip = clientIpOf(req.headers);
  let actor: Actor | null;
  try {
    actor = await authenticateRequest({ db: opts.db, headers: req.headers, sessionUserId: opts.sessionUserId });
  } catch (err) {
    return restErrorResponse(err, requestId);
  }
  const subpath = new URL(req.url).pathname.slice(REST_BASE.length);
  try {
    const raw = matchRawRoute(req.method, subpath);
    if (raw) {
      const res = await raw.route.handle({ db: opts.db, actor, requestId, ip, artifacts: opts.artifacts, limits: opts.limits }, req, raw.params);
      const headers = new Headers(res.headers);
      headers.set("x-request-id", requestId);
      return new Response(res.body, { status: res.status, headers });
    }
  } catch (err) {
    return restErrorResponse(err, requestId);
  }
  const res = await createOpenApiFetchHandler({
    endpoint: REST_BASE,
    router: appRouter,
    req: await withIfMatch(req),
    createContext: () => createTRPCContext({ db: opts.db, driver: opts.driver, actor, requestId, ip, artifacts: opts.artifacts, limits: opts.limits }),
  });
  const headers = new Headers(res.headers);
  headers.set("x-request-id", requestId);
  if (res.ok) return new Response(res.body, { status: successStatus(req.method, subpath) ?? res.status, headers });
  // Normalise every error to the documented shape.
  let body: RestErrorBody;
  try {
    const parsed = (await res.json()) as Partial<RestErrorBody> & { message?: string; code?: string };
    body = parsed.error ? { error: parsed.error } : toRestError(new KeelError(statusCode(res.status), parsed.message ?? res.statusText)).body;
  } catch {
    body = toRestError(new KeelError(statusCode(res.status), res.statusText || "Request failed")).body;
  }
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

/**
 * Success codes API.md documents where trpc-to-openapi would answer 200: 201 for a created
 * resource, 202 for work put on the queue.
 */
const SUCCESS_STATUS: { method: string; path: RegExp; status: number }[] = [
  { method: "POST", path: /^\/projects\/[^/]+\/experiments\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/experiments\/[^/]+\/runs\/external\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/experiments\/[^/]+\/(runs|sweeps)\/?$/, status: 202 },
  { method: "POST", path: /^\/projects\/[^/]+\/runs\/[^/]+\/rerun\/?$/, status: 202 },
  { method: "POST", path: /^\/projects\/[^/]+\/models\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/models\/[^/]+\/versions\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/models\/[^/]+\/versions\/[^/]+\/approval-requests\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/approval-requests\/[^/]+\/decision\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/deployments\/?$/, status: 201 },
  { method: "POST", path: /^\/projects\/[^/]+\/models\/[^/]+\/versions\/[^/]+\/batch-scores\/?$/, status: 202 },
];

function successStatus(method: string, subpath: string): number | undefined {
  return SUCCESS_STATUS.find((s) => s.method === method && s.path.test(subpath))?.status;
}

function statusCode(status: number): KeelError["code"] {
  switch (status) {
    case 400: return "BAD_REQUEST";
    case 401: return "UNAUTHORIZED";
    case 403: return "FORBIDDEN";
    case 404: return "NOT_FOUND";
    case 409: return "CONFLICT";
    case 413: return "PAYLOAD_TOO_LARGE";
    case 415: return "UNSUPPORTED_MEDIA_TYPE";
    case 422: return "UNPROCESSABLE_CONTENT";
    case 429: return "TOO_MANY_REQUESTS";
    default: return "INTERNAL_SERVER_ERROR";
  }
}

/** The OpenAPI 3.1 document, generated from the procedures' zod schemas. */
export function openApiDocument(baseUrl: string): OpenAPIObject {
  const doc = generateOpenApiDocument(appRouter, {
    title: "Keel REST API",
    description: "The public API of Keel, the MLOps portal. Authenticate with `Authorization: Bearer <token>` (project API tokens).",
    version: "1.0.0",
    baseUrl: `${baseUrl.replace(/\/$/, "")}${REST_BASE}`,
  });
  return rawRoutesOpenApi(doc, RAW_ROUTES);
}
