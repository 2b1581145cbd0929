/** The client side of the admin socket: sends one command to the Keel that owns the database. */
import { request } from "node:http";
import type { ErrorDetail, KeelErrorCode } from "../errors";
import {
  ADMIN_PATH,
  ADMIN_RESULT_SCHEMAS,
  ZAdminResponse,
  type AdminCommandInput,
  type AdminCommandName,
  type AdminRequest,
  type AdminResults,
} from "./protocol";

/** The running Keel refused the command (`{ok:false}`): the same failure direct mode would throw as a KeelError. */
export class AdminCommandError extends Error {
  constructor(
    readonly code: KeelErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "AdminCommandError";
  }
}

/** Nothing answers on the socket (ENOENT, ECONNREFUSED, …): the holder is stopping or never started its admin server. */
export class AdminUnreachableError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly socketPath: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(`Nothing answers on the admin socket ${socketPath} (${cause.code ?? cause.message}).`, { cause });
    this.name = "AdminUnreachableError";
    this.code = cause.code;
  }
}

export interface CallAdminOptions {
  requestId?: string;
  /** Gives up after this long without an answer; none by default (an audit verification can be long). */
  timeoutMs?: number;
}

/** Validates a command's result (as received over the socket) against its schema. */
export function parseAdminResult<C extends AdminCommandName>(command: C, value: unknown): AdminResults[C] {
  const parsed = ADMIN_RESULT_SCHEMAS[command].safeParse(value);
  if (!parsed.success) {
    throw new Error(`The admin server answered ${command} with an unexpected result (is it a different Keel version?): ${parsed.error.issues[0]?.message ?? ""}`);
  }
  // The schema for C yields AdminResults[C]; TypeScript cannot follow the index through `.safeParse`.
  return parsed.data as AdminResults[C];
}

/**
 * Sends `command` to the admin server on `socketPath` and returns its result. Throws
 * AdminCommandError when the server refuses it, AdminUnreachableError when nothing listens.
 */
export async function callAdmin<C extends AdminCommandName>(
  socketPath: string,
  command: Extract<AdminCommandInput, { command: C }>,
  opts: CallAdminOptions = {},
): Promise<AdminResults[C]> {
  const payload: AdminRequest = opts.requestId ? { ...command, requestId: opts.requestId } : command;
  const body = JSON.stringify(payload);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: ADMIN_PATH,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" },
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`The admin server on ${socketPath} did not answer within ${opts.timeoutMs ?? 0} ms.`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      const unreachable = err.code === "ENOENT" || err.code === "ECONNREFUSED" || err.code === "ENOTSOCK";
      reject(unreachable ? new AdminUnreachableError(socketPath, err) : err);
    });
    req.end(body);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`The admin server answered HTTP ${status} with a body that is not JSON.`);
  }
  const parsed = ZAdminResponse.safeParse(json);
  if (!parsed.success) throw new Error(`The admin server answered HTTP ${status} with an unexpected body.`);
  const answer = parsed.data;
  if (!answer.ok) throw new AdminCommandError(answer.error.code, answer.error.message, answer.error.details);
  return parseAdminResult(command.command, answer.result);
}
