/** Reading the field-level details Keel's tRPC errors carry (`error.data.keel.details`). */
import type { SplitProblem } from "./traffic";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** `[{path, message}]` from a tRPC client error (KeelError details, or zod issues mapped by the server). */
export function errorDetails(err: unknown): SplitProblem[] {
  if (!isRecord(err) || !isRecord(err.data) || !isRecord(err.data.keel) || !Array.isArray(err.data.keel.details)) return [];
  return err.data.keel.details.flatMap((d): SplitProblem[] => (isRecord(d) && typeof d.message === "string" ? [{ path: typeof d.path === "string" ? d.path : "", message: d.message }] : []));
}

/** The error's message, or a fallback. */
export function errorMessage(err: unknown, fallback = "Something went wrong. Try again."): string {
  return isRecord(err) && typeof err.message === "string" && err.message ? err.message : fallback;
}

/** "traffic.1.percent: must be …" — a detail with its field, for lists under an error. */
export function detailText(d: SplitProblem): string {
  return d.path ? `${d.path}: ${d.message}` : d.message;
}
