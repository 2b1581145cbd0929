/** One REST client for the route tests: requests straight into handleRestRequest, JSON replies. */
import type { Fixture } from "../testing";
import { handleRestRequest } from "./index";

const BASE = "http://keel.test/api/v1";

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface CallInit {
  method?: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Sent as JSON with its content type. */
  json?: unknown;
  /** A raw body (uploads) with `contentType`. */
  body?: string | Buffer;
  contentType?: string;
  /** Extra request headers (e.g. If-Match). */
  headers?: Record<string, string>;
}

/** `call(path, init)` against the fixture's database and store; `fixture` is read at call time. */
export function restClient(fixture: () => Fixture): (path: string, init?: CallInit) => Promise<Reply> {
  return async (path, init = {}) => {
    const fx = fixture();
    const headers = new Headers();
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    for (const [k, v] of Object.entries(init.headers ?? {})) headers.set(k, v);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    } else if (init.contentType) headers.set("content-type", init.contentType);
    const res = await handleRestRequest(new Request(`${BASE}${path}`, { method: init.method ?? "GET", headers, body, duplex: "half" }), {
      db: fx.kdb.db,
      driver: fx.kdb.driver,
      artifacts: fx.artifacts,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

export interface RestErrorReply {
  code: string;
  message: string;
  details: { path?: string; message: string }[];
}

export function errorOf(r: Reply): RestErrorReply {
  return r.body.error as RestErrorReply;
}

/** The fields an error reply names. */
export function errorPaths(r: Reply): (string | undefined)[] {
  return errorOf(r).details.map((d) => d.path);
}
