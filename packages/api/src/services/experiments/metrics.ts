/**
 * Metric storage: points are appended in batches (one INSERT … SELECT FROM json_to_recordset per batch), the
 * latest value per key and min/max rollups at fixed step widths are merged in the same
 * transaction, so the runs table sorts on `run_latest_metrics` and a history of a million points is
 * downsampled from a few thousand rollup buckets instead of every point.
 */
import { and, asc, eq, rowsOf, schema, sql, type DbOrTx } from "@keel/db";
import { chooseRollupWidth, downsampleBuckets, lttb, rollup, ROLLUP_WIDTHS, type RollupBucket } from "@keel/ml/series";
import type { MetricHistory } from "../../schemas/experiments";
import { iso } from "../dto";

export interface StoredPoint {
  key: string;
  value: number;
  step: number;
  timestamp: Date;
}

/** Above this many points a history without `maxPoints` is refused in favour of downsampling. */
export const RAW_HISTORY_MAX = 100_000;

/** Appends points to a run's history and merges them into its latest values and rollups. */
export async function writeMetricPoints(tx: DbOrTx, runId: string, attempt: number, points: readonly StoredPoint[]): Promise<void> {
  if (points.length === 0) return;
  const n = points.length;
  const keys = new Array<string>(n);
  const steps = new Array<number>(n);
  const values = new Array<number>(n);
  const times = new Array<string>(n);
  // A batch usually shares one timestamp: convert each distinct one once.
  let lastMs = Number.NaN;
  let lastIso = "";
  for (let i = 0; i < n; i++) {
    const p = points[i] as StoredPoint;
    keys[i] = p.key;
    steps[i] = p.step;
    values[i] = p.value;
    const ms = p.timestamp.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = p.timestamp.toISOString();
    }
    times[i] = lastIso;
  }
  // One JSON parameter per statement: both drivers pass it as text, and json_to_recordset turns it
  // into rows inside Postgres (postgres-js cannot bind JS arrays through drizzle's sql).
  await tx.execute(sql`
    insert into metrics (run_id, key, step, value, timestamp, attempt)
    select ${runId}, x.k, x.s, x.v, x.t, ${attempt}
    from json_to_recordset(${JSON.stringify(points.map((p, i) => ({ k: p.key, s: p.step, v: p.value, t: times[i] })))}::json)
      as x(k text, s bigint, v float8, t timestamptz)`);

  // Group by key (keeping the batch's order, so a later point of one step wins as "latest").
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    let idx = byKey.get(k);
    if (!idx) byKey.set(k, (idx = []));
    idx.push(i);
  }

  const latest: { key: string; value: number; step: number; time: string; count: number; minStep: number; maxStep: number }[] = [];
  const roll: { key: string; width: number; b: RollupBucket }[] = [];
  for (const [key, idx] of byKey) {
    let best = idx[0] as number;
    let minStep = Infinity;
    let maxStep = -Infinity;
    const ks = new Float64Array(idx.length);
    const kv = new Float64Array(idx.length);
    idx.forEach((i, j) => {
      const s = steps[i] as number;
      ks[j] = s;
      kv[j] = values[i] as number;
      if (s < minStep) minStep = s;
      if (s > maxStep) maxStep = s;
      const bs = steps[best] as number;
      if (s > bs || (s === bs && (times[i] as string) >= (times[best] as string))) best = i;
    });
    latest.push({ key, value: values[best] as number, step: steps[best] as number, time: times[best] as string, count: idx.length, minStep, maxStep });
    for (const width of ROLLUP_WIDTHS) for (const b of rollup(ks, kv, width)) roll.push({ key, width, b });
  }

  await tx.execute(sql`
    insert into run_latest_metrics as m (run_id, key, value, step, timestamp, count, min_step, max_step)
    select ${runId}, x.k, x.v, x.s, x.t, x.c, x.lo, x.hi
    from json_to_recordset(${JSON.stringify(latest.map((l) => ({ k: l.key, v: l.value, s: l.step, t: l.time, c: l.count, lo: l.minStep, hi: l.maxStep })))}::json)
      as x(k text, v float8, s bigint, t timestamptz, c bigint, lo bigint, hi bigint)
    on conflict (run_id, key) do update set
      value = case when excluded.step > m.step or (excluded.step = m.step and excluded.timestamp >= m.timestamp) then excluded.value else m.value end,
      timestamp = case when excluded.step > m.step or (excluded.step = m.step and excluded.timestamp >= m.timestamp) then excluded.timestamp else m.timestamp end,
      step = greatest(m.step, excluded.step),
      count = m.count + excluded.count,
      min_step = least(m.min_step, excluded.min_step),
      max_step = greatest(m.max_step, excluded.max_step)`);

  const rollupRows = roll.map((r) => ({
    k: r.key,
    w: r.width,
    b: r.b.bucket,
    c: r.b.count,
    su: r.b.sum,
    mn: r.b.min,
    mns: r.b.minStep,
    mx: r.b.max,
    mxs: r.b.maxStep,
    f: r.b.first,
    fs: r.b.firstStep,
    l: r.b.last,
    ls: r.b.lastStep,
  }));
  await tx.execute(sql`
    insert into metric_rollups as r (run_id, key, width, bucket, count, sum, min, min_step, max, max_step, first, first_step, last, last_step)
    select ${runId}, x.k, x.w, x.b, x.c, x.su, x.mn, x.mns, x.mx, x.mxs, x.f, x.fs, x.l, x.ls
    from json_to_recordset(${JSON.stringify(rollupRows)}::json)
      as x(k text, w int, b bigint, c bigint, su float8, mn float8, mns bigint, mx float8, mxs bigint, f float8, fs bigint, l float8, ls bigint)
    on conflict (run_id, key, width, bucket) do update set
      count = r.count + excluded.count,
      sum = r.sum + excluded.sum,
      min_step = case when excluded.min < r.min or (excluded.min = r.min and excluded.min_step < r.min_step) then excluded.min_step else r.min_step end,
      min = least(r.min, excluded.min),
      max_step = case when excluded.max > r.max or (excluded.max = r.max and excluded.max_step < r.max_step) then excluded.max_step else r.max_step end,
      max = greatest(r.max, excluded.max),
      first = case when excluded.first_step < r.first_step then excluded.first else r.first end,
      first_step = least(r.first_step, excluded.first_step),
      last = case when excluded.last_step >= r.last_step then excluded.last else r.last end,
      last_step = greatest(r.last_step, excluded.last_step)`);
}

/** Removes every metric a run has (used when an abandoned attempt's points must not count). */
export async function deleteRunMetrics(tx: DbOrTx, runId: string): Promise<void> {
  await tx.delete(schema.metrics).where(eq(schema.metrics.runId, runId));
  await tx.delete(schema.metricRollups).where(eq(schema.metricRollups.runId, runId));
  await tx.delete(schema.runLatestMetrics).where(eq(schema.runLatestMetrics.runId, runId));
}

/** A metric's history in step order, downsampled to `maxPoints` when it is longer. */
export async function readMetricHistory(db: DbOrTx, runId: string, key: string, maxPoints: number | undefined): Promise<MetricHistory> {
  const [stats] = await db
    .select()
    .from(schema.runLatestMetrics)
    .where(and(eq(schema.runLatestMetrics.runId, runId), eq(schema.runLatestMetrics.key, key)))
    .limit(1);
  if (!stats) return { key, points: [], total: 0, downsampled: false, method: "raw" };
  const total = stats.count;
  const limit = maxPoints ?? RAW_HISTORY_MAX;
  if (total <= limit) {
    const rows = await db
      .select({ step: schema.metrics.step, value: schema.metrics.value, timestamp: schema.metrics.timestamp })
      .from(schema.metrics)
      .where(and(eq(schema.metrics.runId, runId), eq(schema.metrics.key, key)))
      .orderBy(asc(schema.metrics.step), asc(schema.metrics.timestamp));
    return { key, points: rows.map((r) => ({ step: r.step, value: r.value, timestamp: iso(r.timestamp) })), total, downsampled: false, method: "raw" };
  }
  const width = chooseRollupWidth({ minStep: stats.minStep, maxStep: stats.maxStep }, limit);
  if (width !== null) {
    const rows = rowsOf<Record<string, unknown>>(
      await db.execute(sql`
        select bucket, count, sum, min, min_step, max, max_step, first, first_step, last, last_step
        from metric_rollups where run_id = ${runId} and key = ${key} and width = ${width} order by bucket`),
    );
    const buckets: RollupBucket[] = rows.map((r) => ({
      bucket: Number(r.bucket),
      count: Number(r.count),
      sum: Number(r.sum),
      min: Number(r.min),
      minStep: Number(r.min_step),
      max: Number(r.max),
      maxStep: Number(r.max_step),
      first: Number(r.first),
      firstStep: Number(r.first_step),
      last: Number(r.last),
      lastStep: Number(r.last_step),
    }));
    return { key, points: downsampleBuckets(buckets, limit), total, downsampled: true, method: "minmax" };
  }
  // Few steps but many points (a step logged many times): read them and thin with LTTB.
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select step, value from metrics where run_id = ${runId} and key = ${key} order by step, timestamp`),
  );
  const steps = Float64Array.from(rows, (r) => Number(r.step));
  const values = Float64Array.from(rows, (r) => Number(r.value));
  const keep = lttb(steps, values, limit);
  return { key, points: Array.from(keep, (i) => ({ step: steps[i] ?? 0, value: values[i] ?? 0 })), total, downsampled: true, method: "lttb" };
}
