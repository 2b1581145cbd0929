import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/** Domain error codes, each with its HTTP status; one mapper turns them into tRPC or REST errors. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type KeelErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  /** The field, row or item the problem is about (e.g. `email`, `rows[57]`). */
  path?: string;
  message: string;
}

/** A failure a person can act on: the message says what to fix. */
export class KeelError extends Error {
  constructor(
    readonly code: KeelErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Marks a refusal by the permission matrix (as opposed to a rule like "last owner"). */
    readonly reason?: "permission" | "authentication",
  ) {
    super(message);
    this.name = "KeelError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isKeelError = (err: unknown): err is KeelError => err instanceof KeelError;

export interface RestErrorBody {
  error: { code: KeelErrorCode; message: string; details: ErrorDetail[] };
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}
interface ZodLikeError {
  issues: ZodLikeIssue[];
}
function isZodLikeError(err: unknown): err is ZodLikeError {
  return typeof err === "object" && err !== null && Array.isArray((err as { issues?: unknown }).issues);
}

export function zodDetails(err: ZodLikeError): ErrorDetail[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join(".") || undefined, message: i.message }));
}

/** Turns anything thrown into a KeelError; unknown errors become a 500 without internals. */
export function toKeelError(err: unknown): KeelError {
  if (err instanceof KeelError) return err;
  if (err instanceof TRPCError) {
    if (err.cause instanceof KeelError) return err.cause;
    if (isZodLikeError(err.cause)) {
      const details = zodDetails(err.cause);
      return new KeelError("BAD_REQUEST", describeDetails(details), details);
    }
    const code = (Object.keys(ERROR_STATUS) as KeelErrorCode[]).find((c) => c === err.code) ?? "INTERNAL_SERVER_ERROR";
    return new KeelError(code, code === "INTERNAL_SERVER_ERROR" ? "Something went wrong on the server." : err.message);
  }
  if (isZodLikeError(err)) {
    const details = zodDetails(err);
    return new KeelError("BAD_REQUEST", describeDetails(details), details);
  }
  return new KeelError("INTERNAL_SERVER_ERROR", "Something went wrong on the server.");
}

export function describeDetails(details: ErrorDetail[]): string {
  if (details.length === 0) return "The request is invalid.";
  return details
    .slice(0, 5)
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
    .join("; ");
}

export function toRestError(err: unknown): { status: number; body: RestErrorBody } {
  const k = toKeelError(err);
  return { status: k.status, body: { error: { code: k.code, message: k.message, details: k.details } } };
}

const TRPC_CODE: Record<KeelErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNPROCESSABLE_CONTENT: "UNPROCESSABLE_CONTENT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
};

export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError && !(err.cause instanceof KeelError)) return err;
  const k = toKeelError(err);
  return new TRPCError({ code: TRPC_CODE[k.code], message: k.message, cause: k });
}
