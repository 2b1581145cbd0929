import { createRequire } from "node:module";
import { rowsOf, schema, sql, type Driver } from "@keel/db";
import type { ServiceContext } from "../context";
import type { Health, SystemStatus } from "../schemas/system";
import { requirePermission } from "./access";
import { iso } from "./dto";
import { latestWorkerHeartbeat } from "./workers";

const require = createRequire(import.meta.url);
const KEEL_VERSION = (require("../../package.json") as { version: string }).version;
const HEARTBEAT_FRESH_MS = 30_000;

function isFresh(hb: { lastHeartbeatAt: Date; stoppedAt: Date | null } | null): boolean {
  return hb !== null && hb.stoppedAt === null && Date.now() - hb.lastHeartbeatAt.getTime() < HEARTBEAT_FRESH_MS;
}

/** Public liveness: is the database answering, when did a worker last beat. */
export async function getHealth(ctx: Pick<ServiceContext, "db" | "actor">): Promise<Health> {
  requirePermission(ctx, "system.health.read");
  let database: Health["database"] = "ok";
  try {
    await ctx.db.execute(sql`select 1`);
  } catch {
    database = "error";
  }
  const hb = database === "ok" ? await latestWorkerHeartbeat(ctx.db).catch(() => null) : null;
  return {
    status: database === "ok" ? "ok" : "degraded",
    database,
    worker: { lastHeartbeatAt: hb ? iso(hb.lastHeartbeatAt) : null, healthy: isFresh(hb) },
  };
}

/** The system status page: database, worker heartbeat, audit head, versions. */
export async function getSystemStatus(ctx: ServiceContext, info: { driver: Driver }): Promise<SystemStatus> {
  requirePermission(ctx, "system.status.read");
  const t0 = performance.now();
  const list = rowsOf<{ v: string }>(await ctx.db.execute(sql`select current_setting('server_version') as v`));
  const latencyMs = Math.round((performance.now() - t0) * 100) / 100;
  const [audit] = await ctx.db
    .select({ n: sql<number>`count(*)::int`, head: sql<number | null>`max(${schema.auditEvents.seq})::int` })
    .from(schema.auditEvents);
  const hb = await latestWorkerHeartbeat(ctx.db);
  return {
    database: { status: "ok", driver: info.driver, serverVersion: list[0]?.v ?? "unknown", latencyMs },
    worker: hb
      ? {
          id: hb.id,
          hostname: hb.hostname,
          pid: hb.pid,
          version: hb.version,
          queues: hb.queues,
          startedAt: iso(hb.startedAt),
          lastHeartbeatAt: iso(hb.lastHeartbeatAt),
          stoppedAt: iso(hb.stoppedAt),
          healthy: isFresh(hb),
        }
      : null,
    audit: { events: audit?.n ?? 0, headSeq: audit?.head ?? null },
    versions: { keel: KEEL_VERSION, node: process.version },
  };
}
