/**
 * The prediction server: a lean Fastify process, no Next.js on the hot path (DESIGN.md says why).
 * This release carries its plumbing — request ids, bearer-token auth, the error shape, health;
 * the model cache, micro-batching and the prediction log arrive with deployments.
 */
import { getHealth, KeelError, toRestError, type Actor } from "@keel/api";
import { requestIdFrom } from "@keel/api/request-id";
import { authenticateRequest } from "@keel/api/rest";
import type { Db } from "@keel/db";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export interface ServeOptions {
  db: Db;
  logger?: boolean;
}

function headersOf(req: FastifyRequest): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") h.set(k, v);
    else if (Array.isArray(v)) h.set(k, v.join(", "));
  }
  return h;
}

export function buildServeApp(opts: ServeOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    genReqId: (req) => requestIdFrom(req.headers["x-request-id"]),
  });
  app.decorateRequest("actor", null);
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  /** Shared bearer-token auth, the same as the portal's REST API. */
  const authenticate = async (req: FastifyRequest): Promise<void> => {
    req.actor = await authenticateRequest({ db: opts.db, headers: headersOf(req) });
    if (!req.actor) throw new KeelError("UNAUTHORIZED", "Send an API token (Authorization: Bearer …).", [], "authentication");
  };

  app.setErrorHandler((err, req, reply) => {
    const fastifyStatus = (err as { statusCode?: number }).statusCode;
    const keel =
      err instanceof KeelError
        ? err
        : fastifyStatus === 413
          ? new KeelError("PAYLOAD_TOO_LARGE", "The request body is larger than the 10 MiB limit.")
          : fastifyStatus === 415
            ? new KeelError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
            : fastifyStatus === 400
              ? new KeelError("BAD_REQUEST", `The request body is not valid JSON: ${err instanceof Error ? err.message : "parse error"}`)
              : err;
    const { status, body } = toRestError(keel);
    void reply.status(status).header("x-request-id", req.id).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const { status, body } = toRestError(new KeelError("NOT_FOUND", `No route ${req.method} ${req.url.split("?")[0] ?? ""} on the prediction server.`));
    void reply.status(status).send(body);
  });

  app.get("/healthz", async () => getHealth({ db: opts.db, actor: null }));

  app.post<{ Params: { project: string; deployment: string } }>(
    "/api/v1/projects/:project/deployments/:deployment/predict",
    { preHandler: authenticate },
    async (req) => {
      // Deployments are not part of this release: no deployment can exist yet.
      throw new KeelError("NOT_FOUND", `No deployment '${req.params.deployment}' in project '${req.params.project}'.`);
    },
  );
  return app;
}
