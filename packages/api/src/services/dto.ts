/** ISO-8601 text for a timestamp (DTOs carry strings so tRPC, REST and OpenAPI agree). */
export function iso(d: Date): string;
export function iso(d: Date | null): string | null;
export function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** True when a database error is a unique-constraint violation (same code on PGlite and Postgres). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint || (e.message ?? "").includes(constraint));
}

interface PgErrorLike {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  message?: string;
  cause?: unknown;
}

function findPgError(err: unknown): PgErrorLike | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === "object"; i++) {
    const e = cur as PgErrorLike;
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
      return { ...e, constraint: e.constraint ?? e.constraint_name };
    }
    cur = e.cause;
  }
  return undefined;
}
