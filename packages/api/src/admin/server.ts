/**
 * The admin server: a small HTTP server on a Unix socket, hosted by the process that owns the
 * embedded database, so the `keel` CLI can act on that database while Keel runs. Its only
 * authentication is the file system: the socket is mode 0600 inside the data folder (or inside a
 * private 0700 folder under os.tmpdir()), so only the same user can connect.
 */
import { randomUUID } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, rmdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import path from "node:path";
import type { KeelDatabase } from "@keel/db";
import { KeelError, toKeelError, zodDetails, describeDetails } from "../errors";
import { runAdminCommand } from "./commands";
import { ADMIN_MAX_BODY_BYTES, ADMIN_PATH, ZAdminRequest, type AdminResponse } from "./protocol";
import { fitSocketPath } from "./socket-path";

export interface AdminServerOptions {
  /** The database the commands act on (the launcher's own handle). */
  kdb: Pick<KeelDatabase, "db">;
  /**
   * Where to listen, normally `<KEEL_DATA_DIR>/admin.sock` (see `defaultAdminSocketPath`). When the
   * path is too long for a Unix socket, a short one under os.tmpdir() is used instead: record the
   * returned `socketPath` (e.g. `lock.setAdminSocket(server.socketPath)`), not this one.
   */
  socketPath: string;
  /** Called with errors that are not the caller's fault (the caller only sees a generic 500). */
  onError?: (err: unknown) => void;
}

export interface AdminServer {
  /** The path actually listened on. */
  socketPath: string;
  /** Stops accepting, lets running commands finish (up to 5 s), and removes the socket file. */
  close(): Promise<void>;
}

export async function startAdminServer(opts: AdminServerOptions): Promise<AdminServer> {
  const wanted = path.resolve(opts.socketPath);
  const socketPath = fitSocketPath(wanted);
  const privateDir = socketPath === wanted ? undefined : path.dirname(socketPath);
  if (privateDir) ensurePrivateDir(privateDir);
  else mkdirSync(path.dirname(socketPath), { recursive: true });
  await removeStaleSocket(socketPath);

  const onError = opts.onError ?? ((err: unknown) => console.error("keel admin:", err));
  const server = createServer((req, res) => {
    handle(opts.kdb, req, res, onError).catch((err: unknown) => {
      onError(err);
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server.", details: [] } });
      else res.destroy();
    });
  });
  server.requestTimeout = 0; // a long audit verification must not be cut off
  await listenPrivately(server, socketPath);
  chmodSync(socketPath, 0o600);
  const inode = lstatSync(socketPath).ino;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    }).then(() => {
      try {
        // Only our own socket: a successor may already listen on the same path.
        if (lstatSync(socketPath).ino === inode) rmSync(socketPath, { force: true });
      } catch {
        // already removed (libuv unlinks it on close)
      }
      if (privateDir) {
        try {
          rmdirSync(privateDir);
        } catch {
          // not empty or gone: leave it
        }
      }
    });
    return closing;
  };
  return { socketPath, close };
}

async function handle(kdb: Pick<KeelDatabase, "db">, req: IncomingMessage, res: ServerResponse, onError: (err: unknown) => void): Promise<void> {
  const url = new URL(req.url ?? "/", "http://keel-admin");
  if (url.pathname !== ADMIN_PATH) {
    sendError(res, new KeelError("NOT_FOUND", `No route ${url.pathname}: the admin server answers POST ${ADMIN_PATH} only.`), 404);
    return;
  }
  if (req.method !== "POST") {
    res.setHeader("allow", "POST");
    sendError(res, new KeelError("BAD_REQUEST", `Use POST ${ADMIN_PATH}.`), 405);
    return;
  }
  const body = await readBody(req, ADMIN_MAX_BODY_BYTES);
  if (body === undefined) {
    sendError(res, new KeelError("PAYLOAD_TOO_LARGE", `The request body is larger than ${ADMIN_MAX_BODY_BYTES} bytes.`));
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    sendError(res, new KeelError("BAD_REQUEST", "The request body is not JSON."));
    return;
  }
  const parsed = ZAdminRequest.safeParse(json);
  if (!parsed.success) {
    const details = zodDetails(parsed.error);
    sendError(res, new KeelError("BAD_REQUEST", describeDetails(details), details));
    return;
  }
  const { requestId, ...command } = parsed.data;
  try {
    const result = await runAdminCommand(kdb, command, { requestId: requestId ?? `admin-${randomUUID()}` });
    send(res, 200, { ok: true, result });
  } catch (err) {
    const k = toKeelError(err);
    if (k.code === "INTERNAL_SERVER_ERROR") onError(err);
    sendError(res, k);
  }
}

function sendError(res: ServerResponse, err: KeelError, status: number = err.status): void {
  send(res, status, { ok: false, error: { code: err.code, message: err.message, details: err.details } });
}

function send(res: ServerResponse, status: number, body: AdminResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Binds with umask 077 so the socket file is never reachable by others, not even between
 * bind and chmod. The bind happens synchronously inside `listen`, so the umask is restored
 * before any other code runs.
 */
function listenPrivately(server: ReturnType<typeof createServer>, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    const previous = process.umask(0o077);
    try {
      server.listen(socketPath, () => {
        server.off("error", onError);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
}

/** A folder only we can enter: created 0700, or refused when someone else owns it or can enter it. */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new Error(`Refusing to put the admin socket in ${dir}: it must be a folder owned by this user with mode 0700.`);
  }
}

/** Removes a socket file left by a Keel that died; refuses when something still answers there or the path is not a socket. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`Cannot create the admin socket ${socketPath}: a file that is not a socket is in the way.`);
  const answers = await new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (answers) throw new Error(`Another process already answers on the admin socket ${socketPath}.`);
  rmSync(socketPath, { force: true });
}
