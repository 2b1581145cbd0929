/** Lookups and row → DTO mapping shared by the experiment services. */
import { and, eq, inArray, schema, sql, type DbOrTx } from "@keel/db";
import { KeelError } from "../../errors";
import { ENDED_STATUSES, ZModelFamily, ZModelTask, type RunStatus, type RunSummary } from "../../schemas/experiments";
import { actorRef, userNames } from "../datasets/common";
import { iso } from "../dto";

export type ExperimentRow = typeof schema.experiments.$inferSelect;
export type RunRow = typeof schema.runs.$inferSelect;

export function isEnded(status: RunStatus): boolean {
  return ENDED_STATUSES.includes(status);
}

export async function findExperiment(db: DbOrTx, projectId: string, name: string): Promise<ExperimentRow> {
  const [row] = await db
    .select()
    .from(schema.experiments)
    .where(and(eq(schema.experiments.projectId, projectId), sql`lower(${schema.experiments.name}) = lower(${name})`))
    .limit(1);
  if (!row) throw new KeelError("NOT_FOUND", `No experiment '${name}' in this project.`, [{ path: "experiment", message: "not found" }]);
  return row;
}

/** A run of the project; `forUpdate` locks its row for the rest of the transaction. */
export async function findRun(db: DbOrTx, projectId: string, runId: string, opts: { forUpdate?: boolean } = {}): Promise<RunRow> {
  const q = db
    .select()
    .from(schema.runs)
    .where(and(eq(schema.runs.projectId, projectId), eq(schema.runs.id, runId)))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) throw new KeelError("NOT_FOUND", `No run ${runId} in this project.`, [{ path: "run", message: "not found" }]);
  return row;
}

/**
 * Which way is better for a metric, from its name: losses and errors go down, everything else up.
 * (`val_loss`, `test_log_loss`, `test_rmse`, `mae`… minimise; `test_roc_auc`, `accuracy`… maximise.)
 */
export function metricGoal(key: string): "maximize" | "minimize" {
  return /(loss|error|mae|mse|rmse|mape|perplexity|latency|duration|time)(_|$)|(^|_)err(_|$)/i.test(key) ? "minimize" : "maximize";
}

/** A parameter's text as stored, and its number when the text is a finite number. */
export function paramValue(v: string | number | boolean): { value: string; valueNumber: number | null } {
  const value = typeof v === "string" ? v : String(v);
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : NaN;
  return { value, valueNumber: Number.isFinite(n) ? n : null };
}

export interface RunExtras {
  params: Map<string, Record<string, string>>;
  tags: Map<string, Record<string, string>>;
  metrics: Map<string, Record<string, number>>;
  experiments: Map<string, { id: string; name: string; baselineRunId: string | null }>;
  names: Map<string, string>;
}

/** Params, tags, latest metrics, experiment names and creators of some runs, in five queries. */
export async function runExtras(db: DbOrTx, rows: readonly RunRow[]): Promise<RunExtras> {
  const ids = rows.map((r) => r.id);
  const extras: RunExtras = { params: new Map(), tags: new Map(), metrics: new Map(), experiments: new Map(), names: new Map() };
  if (ids.length === 0) return extras;
  const [params, tags, metrics, exps, names] = await Promise.all([
    db.select().from(schema.runParams).where(inArray(schema.runParams.runId, ids)),
    db.select().from(schema.runTags).where(inArray(schema.runTags.runId, ids)),
    db
      .select({ runId: schema.runLatestMetrics.runId, key: schema.runLatestMetrics.key, value: schema.runLatestMetrics.value })
      .from(schema.runLatestMetrics)
      .where(inArray(schema.runLatestMetrics.runId, ids)),
    db
      .select({ id: schema.experiments.id, name: schema.experiments.name, baselineRunId: schema.experiments.baselineRunId })
      .from(schema.experiments)
      .where(inArray(schema.experiments.id, [...new Set(rows.map((r) => r.experimentId))])),
    userNames(
      db,
      rows.map((r) => r.createdBy),
    ),
  ]);
  const put = <T>(map: Map<string, Record<string, T>>, runId: string, key: string, value: T): void => {
    let rec = map.get(runId);
    if (!rec) map.set(runId, (rec = {}));
    rec[key] = value;
  };
  for (const p of params) put(extras.params, p.runId, p.key, p.value);
  for (const t of tags) put(extras.tags, t.runId, t.key, t.value);
  for (const m of metrics) put(extras.metrics, m.runId, m.key, m.value);
  for (const e of exps) extras.experiments.set(e.id, e);
  extras.names = names;
  return extras;
}

function sortedRecord<T>(rec: Record<string, T> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(rec ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function toRunSummary(row: RunRow, extras: RunExtras): RunSummary {
  const exp = extras.experiments.get(row.experimentId);
  const task = ZModelTask.safeParse(row.task);
  const family = ZModelFamily.safeParse(row.family);
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    experiment: { id: row.experimentId, name: exp?.name ?? row.experimentId },
    kind: row.kind,
    status: row.status,
    parentRunId: row.parentRunId,
    trialIndex: row.trialIndex,
    task: task.success ? task.data : null,
    family: family.success ? family.data : null,
    backend: row.backend,
    datasetVersionId: row.datasetVersionId,
    params: sortedRecord(extras.params.get(row.id)),
    tags: sortedRecord(extras.tags.get(row.id)),
    metrics: sortedRecord(extras.metrics.get(row.id)),
    isBaseline: exp?.baselineRunId === row.id,
    createdBy: actorRef(row.createdBy, extras.names),
    createdAt: iso(row.createdAt),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationMs: row.startedAt && row.endedAt ? row.endedAt.getTime() - row.startedAt.getTime() : null,
  };
}

export async function toRunSummaries(db: DbOrTx, rows: readonly RunRow[]): Promise<RunSummary[]> {
  const extras = await runExtras(db, rows);
  return rows.map((r) => toRunSummary(r, extras));
}

/** Writes a run's parameters; a key logged before must keep its value (MLflow's rule). */
export async function writeParams(tx: DbOrTx, runId: string, params: Record<string, string | number | boolean>): Promise<number> {
  const entries = Object.entries(params);
  if (entries.length === 0) return 0;
  const existing = await tx
    .select({ key: schema.runParams.key, value: schema.runParams.value })
    .from(schema.runParams)
    .where(and(eq(schema.runParams.runId, runId), inArray(schema.runParams.key, entries.map(([k]) => k))));
  const had = new Map(existing.map((e) => [e.key, e.value]));
  const fresh: (typeof schema.runParams.$inferInsert)[] = [];
  for (const [key, raw] of entries) {
    const { value, valueNumber } = paramValue(raw);
    const before = had.get(key);
    if (before === undefined) fresh.push({ runId, key, value, valueNumber });
    else if (before !== value) {
      throw new KeelError("CONFLICT", `Parameter '${key}' was already logged as '${before}'; a parameter cannot change (got '${value}').`, [
        { path: `params.${key}`, message: "already logged with another value" },
      ]);
    }
  }
  if (fresh.length > 0) await tx.insert(schema.runParams).values(fresh);
  return fresh.length;
}

export async function writeTags(tx: DbOrTx, runId: string, tags: Record<string, string>): Promise<number> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return 0;
  await tx
    .insert(schema.runTags)
    .values(entries.map(([key, value]) => ({ runId, key, value })))
    .onConflictDoUpdate({ target: [schema.runTags.runId, schema.runTags.key], set: { value: sql`excluded.value` } });
  return entries.length;
}
