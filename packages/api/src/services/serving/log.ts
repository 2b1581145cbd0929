/**
 * The prediction log's writes: one INSERT … SELECT FROM json_to_recordset per chunk, the rows as
 * one JSON text parameter (cheap to build and to send, no per-value parameters).
 */
import { sql, type Db } from "@keel/db";

export interface PredictionLogEntry {
  projectId: string;
  deploymentId: string;
  modelVersionId: string;
  modelVersion: number;
  requestId: string;
  rowIndex: number;
  mode: "live" | "shadow";
  inputs: Record<string, unknown>;
  outputs: { prediction: unknown; probabilities?: Record<string, number> };
  latencyMs: number;
  createdAt: Date;
}

/** Most rows per INSERT statement. */
export const PREDICTION_LOG_INSERT_ROWS = 2000;

/** Inserts the entries (in chunks); rejects when the database does, so the buffer retries. */
export async function writePredictionLog(db: Db, entries: readonly PredictionLogEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += PREDICTION_LOG_INSERT_ROWS) {
    const chunk = entries.slice(i, i + PREDICTION_LOG_INSERT_ROWS).map((e) => ({
      p: e.projectId,
      d: e.deploymentId,
      v: e.modelVersionId,
      n: e.modelVersion,
      r: e.requestId,
      i: e.rowIndex,
      m: e.mode,
      a: e.inputs,
      o: e.outputs,
      l: Number.isFinite(e.latencyMs) ? e.latencyMs : 0,
      t: e.createdAt.toISOString(),
    }));
    await db.execute(sql`
      insert into prediction_log (project_id, deployment_id, model_version_id, model_version, request_id, row_index, mode, inputs, outputs, latency_ms, created_at)
      select x.p, x.d, x.v, x.n, x.r, x.i, x.m::prediction_mode, x.a, x.o, x.l, x.t
      from json_to_recordset(${JSON.stringify(chunk)}::json)
        as x(p text, d text, v text, n integer, r text, i integer, m text, a jsonb, o jsonb, l double precision, t timestamptz)`);
  }
}
