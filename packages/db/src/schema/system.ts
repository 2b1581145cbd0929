import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** One row per worker process; the worker refreshes `last_heartbeat_at` while it runs. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  id: text("id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  version: text("version").notNull(),
  queues: text("queues").array().notNull(),
  startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull(),
  lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true, mode: "date" }).notNull(),
  stoppedAt: timestamp("stopped_at", { withTimezone: true, mode: "date" }),
});
