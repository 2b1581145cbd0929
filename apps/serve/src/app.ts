/**
 * The prediction server: a lean Fastify process, no Next.js on the hot path (DESIGN.md says why).
 *
 * - `POST /api/v1/projects/:project/deployments/:deployment/predict` — bearer token or the
 *   portal's session cookie → `deployment.predict` → the deployment's cached routes (ModelCache:
 *   loaded once per version, hot-swapped when the traffic changes) → the request checked against
 *   the chosen live version's signature (400 listing every problem, nothing logged) → predict
 *   (single rows are micro-batched across concurrent requests) → `{predictions, probabilities?,
 *   modelVersion, requestId}`. Shadow routes get a copy AFTER the response; their answers are
 *   only logged (mode `shadow`).
 * - `POST …/feedback` — `{items:[{requestId, index?, actual}]}` → `deployment.feedback`.
 * - `GET /metrics` and `GET /api/v1/serve/metrics` — counters of the log buffer, the model cache
 *   and predictions (JSON, no names).
 * - Every answered row goes to the prediction log through a bounded buffer written in batches
 *   off the response path (full → dropped and counted); `app.close()` waits for shadow copies,
 *   then flushes it.
 */
import { hash } from "node:crypto";
import { artifactStoreOf, getHealth, KeelError, toRestError, type Actor, type ServiceContext } from "@keel/api";
import { requestIdFrom } from "@keel/api/request-id";
import { authenticateRequest } from "@keel/api/rest";
import { routeRequest } from "@keel/api/services/deployments";
import {
  currentRevisionOf,
  loadServingRevision,
  loadVersionPredictor,
  resolveServingDeployment,
  submitFeedback,
  type FeedbackResult,
  type PredictionLogEntry,
  type ServingDeployment,
} from "@keel/api/services/serving";
import type { Db } from "@keel/db";
import { chooseBackend } from "@keel/ml/backend";
import { type BufferStats, createBoundedBuffer, type Prediction, parsePredictRequest, PredictInputError, type Signature } from "@keel/ml/serving";
import type { ArtifactStore } from "@keel/storage";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { dbLogWriter, type PredictionLogWriter, threadLogWriter } from "./log-writer";
import { clientIp, headersOf } from "./request-info";
import { ResolutionCache, type ResolutionCacheStats } from "./resolution-cache";
import { type CachedRoute, type LoadedVersion, ModelCache, type ModelCacheStats, type Row } from "./model-cache";

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    /** Work to start once the response is sent (shadow copies). */
    afterResponse: (() => Promise<void>) | null;
  }
}

export interface PredictionLogOptions {
  /** Most rows held in memory waiting to be written (beyond: dropped and counted). Default 100,000. */
  capacity?: number;
  /** Background write period (ms). Default 250. */
  flushEveryMs?: number;
  /** Most rows per INSERT. Default 1,000. */
  maxBatch?: number;
  /** Replaces the database write (tests use it to make the log slow or failing). */
  write?: (entries: PredictionLogEntry[]) => Promise<void>;
  /**
   * Postgres: write the log from a worker thread with its own connection to this URL (the event
   * loop then only encodes each batch). Without it the log is written through `db`, in-thread.
   */
  databaseUrl?: string;
}

export interface ServeOptions {
  db: Db;
  logger?: boolean;
  /** Where model artifacts are read; default the process's store. */
  artifacts?: ArtifactStore;
  /** The portal's session (cookie) → user id; lets the portal's "try it" form call predict. */
  sessionUserId?: (headers: Headers) => Promise<string | null>;
  /** Random source in [0, 1) for traffic splits (tests seed it). Default Math.random. */
  random?: () => number;
  /**
   * Micro-batching of single-row requests. Default { maxWaitMs: 0, maxBatch: 64 }: a single row
   * waits for the end of the current event-loop turn, so the requests that arrived together (read
   * from their sockets in the same turn) share one predict and a lone request adds no delay; a
   * positive maxWaitMs waits that long for company.
   */
  batch?: { maxWaitMs?: number; maxBatch?: number };
  log?: PredictionLogOptions;
  /** Most rows one predict request may carry. Default 10,000. */
  maxRows?: number;
  /**
   * How long (ms) a predict caller's credential → (actor, access, deployment) resolution is
   * reused, so the hot path does not query the database (refreshed in the background shortly
   * before it lapses; concurrent requests share one lookup). Revoking a token or a membership, or
   * a traffic change, takes effect within this time. Default 1,000; 0 turns it off.
   */
  resolveCacheMs?: number;
}

export interface ServeStats {
  requests: { answered: number; rows: number; rejected: number; failed: number };
  predict: { calls: number; rows: number };
  shadow: { copies: number; rows: number; failed: number; pending: number };
  /** Predict callers' access checks: answered from the resolution cache, or looked up in the database. */
  resolutions: ResolutionCacheStats;
  cache: ModelCacheStats;
  log: BufferStats;
}

/** What the serve app carries besides Fastify's API. */
export interface ServeRuntime {
  /** Re-checks every cached deployment's current revision and waits for the swaps. */
  refresh(): Promise<void>;
  stats(): ServeStats;
  /** Writes the buffered prediction log now. */
  flushLog(): Promise<void>;
  /** Waits for the shadow copies started so far. */
  settleShadows(): Promise<void>;
}

export type ServeApp = FastifyInstance & { serving: ServeRuntime };

/** A predict caller's access, resolved: who they are and the deployment they may predict on. */
interface Resolution {
  actor: Actor;
  deployment: ServingDeployment;
}

let backendChoice: Promise<unknown> | undefined;
/** TensorFlow.js's backend is chosen once per process, before the first model loads (the worker does the same). */
function backendOnce(): Promise<unknown> {
  backendChoice ??= chooseBackend();
  return backendChoice;
}

/** Probabilities in the signature's label order (the model's output order). */
function probabilityRow(signature: Signature, p: Prediction): number[] | null {
  if (!p.probabilities) return null;
  const probs = p.probabilities;
  return (signature.output.labels ?? []).map((l) => probs[String(l)] ?? Number.NaN);
}

function outputsOf(p: Prediction): PredictionLogEntry["outputs"] {
  return p.probabilities ? { prediction: p.prediction, probabilities: p.probabilities } : { prediction: p.prediction };
}

export function buildServeApp(opts: ServeOptions): ServeApp {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    genReqId: (req) => requestIdFrom(req.headers["x-request-id"]),
  });
  const random = opts.random ?? Math.random;
  const store = (): ArtifactStore => opts.artifacts ?? artifactStoreOf({});
  const counters = {
    requests: { answered: 0, rows: 0, rejected: 0, failed: 0 },
    predict: { calls: 0, rows: 0 },
    shadow: { copies: 0, rows: 0, failed: 0 },
  };
  const warn = (message: string, error: unknown): void => {
    app.log.warn({ err: error }, message);
  };

  const cache = new ModelCache({
    loadRevision: (deploymentId, revision) => loadServingRevision(opts.db, deploymentId, revision),
    loadPredictor: async (route) => {
      await backendOnce();
      return loadVersionPredictor(store(), { id: route.versionId, version: route.version, signature: route.signature, artifacts: route.artifacts });
    },
    currentRevision: (deploymentId) => currentRevisionOf(opts.db, deploymentId),
    batch: { maxWaitMs: opts.batch?.maxWaitMs ?? 0, maxBatch: opts.batch?.maxBatch ?? 64 },
    onPredict: (_versionId, rows) => {
      counters.predict.calls += 1;
      counters.predict.rows += rows;
    },
    onError: warn,
  });

  const writer: PredictionLogWriter = opts.log?.write
    ? { write: opts.log.write, close: async () => undefined }
    : opts.log?.databaseUrl
      ? threadLogWriter(opts.log.databaseUrl)
      : dbLogWriter(opts.db);
  // Bounded (a full buffer drops and counts), written in background batches, flushed on close.
  const logBuffer = createBoundedBuffer<PredictionLogEntry>({
    capacity: opts.log?.capacity ?? 100_000,
    flushEveryMs: opts.log?.flushEveryMs ?? 250,
    maxBatch: opts.log?.maxBatch ?? 1000,
    flush: (entries) => writer.write(entries),
    onError: (error, items) => warn(`prediction log: writing ${items} rows failed; they stay buffered for a retry`, error),
  });

  const shadows = new Set<Promise<void>>();
  const settleShadows = async (): Promise<void> => {
    while (shadows.size > 0) await Promise.all([...shadows]);
  };

  const runtime: ServeRuntime = {
    refresh: () => cache.refresh(),
    stats: () => ({
      requests: { ...counters.requests },
      predict: { ...counters.predict },
      shadow: { ...counters.shadow, pending: shadows.size },
      resolutions: resolutions.stats(),
      cache: cache.stats(),
      log: logBuffer.stats(),
    }),
    flushLog: () => logBuffer.flush(),
    settleShadows,
  };
  app.decorateRequest("actor", null);
  app.decorateRequest("afterResponse", null);

  // Callback-style hooks: no promise per request on the hot path.
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    done();
  });
  app.addHook("onResponse", (req, _reply, done) => {
    done();
    const task = req.afterResponse;
    if (!task) return;
    req.afterResponse = null;
    const p = task().catch((error: unknown) => {
      counters.shadow.failed += 1;
      warn("shadow prediction failed", error);
    });
    shadows.add(p);
    void p.finally(() => shadows.delete(p));
  });
  app.addHook("onClose", async () => {
    await settleShadows();
    await cache.close();
    const final = await logBuffer.close();
    await writer.close();
    if (final.buffered > 0) app.log.error(`prediction log: ${final.buffered} rows could not be written before closing`);
  });

  /** Bearer token (as the portal's REST API) or, when configured, the portal's session cookie. */
  const callerOf = async (req: FastifyRequest): Promise<Actor> => {
    const headers = headersOf(req);
    const session = opts.sessionUserId;
    const actor = await authenticateRequest({ db: opts.db, headers, sessionUserId: session ? () => session(headers) : undefined });
    if (!actor) throw new KeelError("UNAUTHORIZED", "Send an API token (Authorization: Bearer …) or sign in to the portal.", [], "authentication");
    return actor;
  };
  const authenticate = async (req: FastifyRequest): Promise<void> => {
    req.actor = await callerOf(req);
  };
  const serviceContext = (req: FastifyRequest, actor: Actor | null = req.actor): ServiceContext => ({ db: opts.db, actor, requestId: req.id, ip: clientIp(req), artifacts: opts.artifacts });

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
    if (!(keel instanceof KeelError) || keel.status >= 500) {
      counters.requests.failed += 1;
      req.log.error({ err }, "request failed");
    }
    const { status, body } = toRestError(keel);
    void reply.status(status).header("x-request-id", req.id).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const { status, body } = toRestError(new KeelError("NOT_FOUND", `No route ${req.method} ${req.url.split("?")[0] ?? ""} on the prediction server.`));
    void reply.status(status).send(body);
  });

  app.get("/healthz", async () => getHealth({ db: opts.db, actor: null }));
  const metrics = async (): Promise<ServeStats> => runtime.stats();
  app.get("/metrics", metrics);
  app.get("/api/v1/serve/metrics", metrics);

  /** Logs one version's answers (never awaited: the buffer writes in the background). */
  const logRows = (entry: Omit<PredictionLogEntry, "rowIndex" | "inputs" | "outputs">, rows: Row[], predictions: Prediction[]): void => {
    for (let i = 0; i < rows.length; i++) {
      const p = predictions[i];
      const row = rows[i];
      if (!p || !row) continue;
      // One object shape for every entry (no spread): the hot path allocates it once per row.
      logBuffer.push({
        projectId: entry.projectId,
        deploymentId: entry.deploymentId,
        modelVersionId: entry.modelVersionId,
        modelVersion: entry.modelVersion,
        requestId: entry.requestId,
        rowIndex: i,
        mode: entry.mode,
        inputs: row,
        outputs: outputsOf(p),
        latencyMs: entry.latencyMs,
        createdAt: entry.createdAt,
      });
    }
  };

  /** A shadow copy: parsed against the shadow version's own signature, answered, logged. */
  const shadowCopy = (route: CachedRoute, body: unknown, base: Omit<PredictionLogEntry, "rowIndex" | "inputs" | "outputs" | "modelVersionId" | "modelVersion" | "mode" | "latencyMs" | "createdAt">) => async (): Promise<void> => {
    const loaded: LoadedVersion = route.loaded;
    if (!loaded.acquire()) return;
    try {
      const started = performance.now();
      let rows: Row[];
      try {
        rows = parsePredictRequest(body, loaded.signature, { maxRows: opts.maxRows });
      } catch (error) {
        if (error instanceof PredictInputError) {
          counters.shadow.failed += 1;
          return;
        }
        throw error;
      }
      const predictions = await loaded.predict(rows);
      counters.shadow.copies += 1;
      counters.shadow.rows += rows.length;
      logRows({ ...base, modelVersionId: loaded.versionId, modelVersion: loaded.version, mode: "shadow", latencyMs: performance.now() - started, createdAt: new Date() }, rows, predictions);
    } finally {
      loaded.release();
    }
  };

  /** Who may predict on which deployment, by (credential, project, deployment): see ResolutionCache. */
  const resolutions = new ResolutionCache<Resolution>(opts.resolveCacheMs ?? 1000);
  type PredictRequest = FastifyRequest<{ Params: { project: string; deployment: string } }>;
  const resolveKey = (req: PredictRequest): string | null => {
    const credential = req.headers.authorization ?? (opts.sessionUserId ? req.headers.cookie : undefined);
    if (!credential || resolutions.ttlMs <= 0) return null;
    return `${hash("sha256", credential, "base64url")}\n${req.params.project}\n${req.params.deployment.toLowerCase()}`;
  };
  const lookup = async (req: PredictRequest): Promise<Resolution> => {
    const actor = await callerOf(req);
    const deployment = await resolveServingDeployment(serviceContext(req, actor), req.params.project, req.params.deployment, "deployment.predict");
    return { actor, deployment };
  };

  app.post<{ Params: { project: string; deployment: string } }>("/api/v1/projects/:project/deployments/:deployment/predict", (req) => predict(req));

  const predict = async (req: PredictRequest) => {
    const started = performance.now();
    const resolution = resolutions.get(resolveKey(req), () => lookup(req));
    const { actor, deployment } = resolution instanceof Promise ? await resolution : resolution;
    req.actor = actor;
    const state = cache.ready(deployment) ?? (await cache.get(deployment));
    const decision = routeRequest(state.routes, random);
    const live = decision.live.loaded;
    if (!live.acquire()) throw new KeelError("INTERNAL_SERVER_ERROR", "The model version was being unloaded; retry the request.");
    let rows: Row[];
    let predictions: Prediction[];
    try {
      try {
        rows = parsePredictRequest(req.body, live.signature, { maxRows: opts.maxRows });
      } catch (error) {
        if (error instanceof PredictInputError) {
          counters.requests.rejected += 1;
          throw new KeelError("BAD_REQUEST", `Invalid prediction request: ${error.message}`, error.details);
        }
        throw error;
      }
      predictions = await live.predict(rows);
    } finally {
      live.release();
    }
    const latencyMs = performance.now() - started;
    const base = { projectId: deployment.projectId, deploymentId: deployment.id, requestId: req.id };
    logRows({ projectId: base.projectId, deploymentId: base.deploymentId, requestId: base.requestId, modelVersionId: live.versionId, modelVersion: live.version, mode: "live", latencyMs, createdAt: new Date() }, rows, predictions);
    counters.requests.answered += 1;
    counters.requests.rows += rows.length;
    if (decision.shadows.length > 0) {
      const body: unknown = req.body;
      const tasks = decision.shadows.map((route) => shadowCopy(route, body, base));
      req.afterResponse = async () => {
        await Promise.all(tasks.map((t) => t()));
      };
    }
    const answer = predictions.map((p) => p.prediction);
    if (live.signature.output.task === "regression") return { predictions: answer, modelVersion: live.version, requestId: req.id };
    return { predictions: answer, probabilities: predictions.map((p) => probabilityRow(live.signature, p) ?? []), modelVersion: live.version, requestId: req.id };
  };

  app.post<{ Params: { project: string; deployment: string } }>("/api/v1/projects/:project/deployments/:deployment/feedback", { preHandler: authenticate }, async (req): Promise<FeedbackResult> => {
    const body = req.body;
    const items: unknown = typeof body === "object" && body !== null && "items" in body ? body.items : undefined;
    const extra = typeof body === "object" && body !== null ? Object.keys(body).filter((k) => k !== "items") : [];
    if (extra.length > 0) throw new KeelError("BAD_REQUEST", `Unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")}: send {items:[{requestId, index?, actual}]}.`, extra.map((k) => ({ path: k, message: "unknown field" })));
    return submitFeedback(
      serviceContext(req),
      { project: req.params.project, deployment: req.params.deployment, items },
      { beforeCheck: () => logBuffer.flush() },
    );
  });

  return Object.assign(app, { serving: runtime });
}
