/** Helpers shared by the worker's tests (not part of the worker). */
import type { Actor, ServiceContext } from "@keel/api";
import type { KeelDatabase } from "@keel/db";

export const adminActor: Actor = { type: "user", id: "usr_admin", name: "Ada Admin", email: "ada@keel.local", isAdmin: true };

let seq = 0;
export function serviceContext(kdb: KeelDatabase, actor: Actor | null = adminActor): ServiceContext {
  return { db: kdb.db, actor, requestId: `req-worker-${++seq}`, ip: "127.0.0.1" };
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function auditRowsFor(kdb: KeelDatabase, entityId: string): Promise<{ action: string; actor_id: string }[]> {
  const { rows } = await kdb.query<{ action: string; actor_id: string }>(
    "select action, actor_id from audit_events where entity_id = $1 order by seq",
    [entityId],
  );
  return rows;
}
