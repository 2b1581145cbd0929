import { setTimeout as sleep } from "node:timers/promises";
import type { JobHandler } from "./types";

/** Sleeps (abortably), then succeeds, or throws when asked to, so the retry path can be seen. Idempotent. */
export const noopHandler: JobHandler<"noop"> = async (payload, ctx) => {
  const sleepMs = payload.sleepMs ?? 0;
  if (sleepMs > 0) await sleep(sleepMs, undefined, { signal: ctx.signal });
  if (payload.fail) throw new Error(`The noop job was asked to fail (attempt ${ctx.attempt} of ${ctx.retryLimit + 1}).`);
  return { ok: true, sleptMs: sleepMs, note: payload.note ?? null, attempt: ctx.attempt };
};
