/**
 * The prediction log's writes: one INSERT … SELECT FROM json_to_recordset per chunk, the rows as
 * one JSON text parameter (cheap to build and to send, no per-value parameters). Encoding and
 * inserting are separate steps so the prediction server can hand the text to a writer thread.
 */
import { sql, type Db, type DbOrTx } from "@keel/db";

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

/** The entries as the JSON text of INSERT chunks of at most PREDICTION_LOG_INSERT_ROWS rows each. */
export function encodePredictionLog(entries: readonly PredictionLogEntry[]): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < entries.length; i += PREDICTION_LOG_INSERT_ROWS) {
    chunks.push(
      JSON.stringify(
        entries.slice(i, i + PREDICTION_LOG_INSERT_ROWS).map((e) => ({
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
        })),
      ),
    );
  }
  return chunks;
}

/**
 * Inserts encoded chunks all or none (several chunks run in one transaction, so the buffer's retry
 * after a failure never writes a row twice); rejects when the database does.
 */
export async function insertEncodedPredictionLog(db: Db, chunks: readonly string[]): Promise<void> {
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return insertChunk(db, only);
  await db.transaction(async (tx) => {
    for (const chunk of chunks) await insertChunk(tx, chunk);
  });
}

/** Inserts the entries, all or none; rejects when the database does, so the buffer retries. */
export async function writePredictionLog(db: Db, entries: readonly PredictionLogEntry[]): Promise<void> {
  if (entries.length > 0) await insertEncodedPredictionLog(db, encodePredictionLog(entries));
}

async function insertChunk(db: DbOrTx, chunk: string): Promise<void> {
  await db.execute(sql`
    insert into prediction_log (project_id, deployment_id, model_version_id, model_version, request_id, row_index, mode, inputs, outputs, latency_ms, created_at)
    select x.p, x.d, x.v, x.n, x.r, x.i, x.m::prediction_mode, x.a, x.o, x.l, x.t
    from json_to_recordset(${chunk}::json)
      as x(p text, d text, v text, n integer, r text, i integer, m text, a jsonb, o jsonb, l double precision, t timestamptz)`);
}
