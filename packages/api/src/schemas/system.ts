import { z } from "zod";
import { ZIsoDate } from "./common";

export const ZWorkerStatus = z.object({
  id: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  version: z.string(),
  queues: z.array(z.string()),
  startedAt: ZIsoDate,
  lastHeartbeatAt: ZIsoDate,
  stoppedAt: ZIsoDate.nullable(),
  /** Running and heard from within the last 30 seconds. */
  healthy: z.boolean(),
});

export const ZHealth = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "error"]),
  worker: z.object({ lastHeartbeatAt: ZIsoDate.nullable(), healthy: z.boolean() }),
});
export type Health = z.infer<typeof ZHealth>;

export const ZSystemStatus = z.object({
  database: z.object({ status: z.enum(["ok", "error"]), driver: z.enum(["postgres", "pglite"]), serverVersion: z.string(), latencyMs: z.number() }),
  worker: ZWorkerStatus.nullable(),
  audit: z.object({ events: z.number().int(), headSeq: z.number().int().nullable() }),
  versions: z.object({ keel: z.string(), node: z.string() }),
});
export type SystemStatus = z.infer<typeof ZSystemStatus>;
