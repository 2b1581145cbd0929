/** Assertions on the errors services throw, shared by the service tests. */
import { expect } from "vitest";

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
}

/** `p` rejects with a KeelError of `code` whose details name `path` (skipped when "") and whose message matches. */
export async function expectKeel(p: Promise<unknown>, code: string, path: string, message?: RegExp): Promise<void> {
  const err = await failureOf(p);
  expect(err).toMatchObject({ code });
  const details = (err as { details?: { path?: string }[] }).details ?? [];
  if (path) expect(details.map((d) => d.path)).toContain(path);
  if (message) expect((err as Error).message).toMatch(message);
}

/** `p` rejects with a zod error with an issue at `path` (dotted). */
export async function expectZod(p: Promise<unknown>, path: string): Promise<void> {
  const err = await failureOf(p);
  const issues = (err as { issues?: { path: PropertyKey[] }[] }).issues ?? [];
  expect(issues.map((i) => i.path.map(String).join("."))).toContain(path);
}

/** Finds the Postgres error (code, message) under drizzle's wrapping. */
export function pgError(err: unknown): { code?: string; message: string } {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur; i++) {
    const c = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof c.code === "string" && /^[0-9A-Z]{5}$/.test(c.code)) return { code: c.code, message: String(c.message) };
    cur = c.cause;
  }
  return { message: String((err as { message?: unknown }).message) };
}
