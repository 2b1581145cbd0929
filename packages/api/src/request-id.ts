/**
 * Request ids: every response carries `x-request-id`, and it is the `requestId` in the audit trail.
 * A caller's id is kept when it is sane, else a new one is made. No imports beyond the global
 * `crypto`, so the Next.js proxy can use it too.
 */
export const REQUEST_ID_PATTERN = /^[\w.:-]{8,128}$/;

/** The caller's `x-request-id` when it is sane, else a fresh UUID. */
export function requestIdFrom(given: unknown): string {
  return typeof given === "string" && REQUEST_ID_PATTERN.test(given) ? given : crypto.randomUUID();
}
