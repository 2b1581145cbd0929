/**
 * Comparing a dataset version with a reference version: schema diff, row-count delta and, per
 * column present in both, the distribution shift as a PSI (psi.ts) over the reference's bins.
 *
 *   numeric/integer in both        psi_numeric: the reference histogram's 20 bins plus an open
 *                                  bin below and above them; reference counts from its profile
 *                                  (0 in the outer bins), current counts by streaming the current
 *                                  version's values into the same bins
 *   categorical → categorical/text  psi_categorical: the reference's top values (at most 20)
 *   boolean → boolean              plus "(other)" (reference: count − Σ top); current values
 *                                  counted as written (booleans as "true"/"false", any case)
 *   anything else                  method "none" with the reason (type changed, free text,
 *                                  dates, no reference values)
 * Missing values (and non-finite numbers) are left out on both sides, as in the profile. The
 * current version is streamed once for all columns, and not at all when nothing needs it.
 */
import { isBooleanString } from "./infer";
import { readAhead } from "./profile";
import { binIndex, psi, psiLevel, type PsiLevel } from "./psi";
import { cellNumber, cellText, diffSchemas, isMissingCell, type SchemaDiff } from "./quality";
import type { ColumnProfile, ColumnSchema, ColumnType, DatasetProfile, TabularSource } from "./types";

export interface ColumnShift {
  name: string;
  /** The column's type in the current version. */
  type: ColumnType;
  method: "psi_numeric" | "psi_categorical" | "none";
  psi: number | null;
  level: PsiLevel | null;
  bins: { label: string; reference: number; current: number }[];
  reason?: string;
}

export interface VersionComparison {
  schemaDiff: SchemaDiff;
  rowCount: { reference: number; current: number; delta: number };
  columns: ColumnShift[];
}

const OTHER = "(other)";

/** How one column's current values are binned during the stream. */
interface Plan {
  shift: ColumnShift;
  index: number;
  labels: string[];
  reference: number[];
  current: number[];
  bin: (cell: unknown) => number;
}

function formatEdge(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function numericPlan(shift: ColumnShift, index: number, ref: ColumnProfile): Plan | string {
  const hist = ref.histogram;
  if (hist === null || ref.count === 0) return "the reference version has no values in this column";
  const { edges, counts } = hist;
  const k = counts.length;
  const labels = [`< ${formatEdge(edges[0] ?? 0)}`];
  for (let i = 0; i < k; i++) {
    const close = i === k - 1 ? "]" : ")";
    labels.push(`[${formatEdge(edges[i] ?? 0)}, ${formatEdge(edges[i + 1] ?? 0)}${close}`);
  }
  labels.push(`> ${formatEdge(edges[k] ?? 0)}`);
  return {
    shift,
    index,
    labels,
    reference: [0, ...counts, 0],
    current: new Array<number>(k + 2).fill(0),
    bin: (cell) => {
      if (isMissingCell(cell)) return -1;
      const v = cellNumber(cell);
      return v === null || !Number.isFinite(v) ? -1 : binIndex(edges, v);
    },
  };
}

function categoricalPlan(shift: ColumnShift, index: number, ref: ColumnProfile, boolean: boolean): Plan | string {
  const top = ref.topValues;
  if (top === null || ref.count === 0) return "the reference version has no values in this column";
  const slots = new Map(top.map((t, i) => [t.value, i]));
  const other = top.length;
  const inTop = top.reduce((s, t) => s + t.count, 0);
  return {
    shift,
    index,
    labels: [...top.map((t) => t.value), OTHER],
    reference: [...top.map((t) => t.count), Math.max(0, ref.count - inTop)],
    current: new Array<number>(other + 1).fill(0),
    bin: (cell) => {
      if (isMissingCell(cell)) return -1;
      let key = cellText(cell);
      if (boolean && isBooleanString(key)) key = key.toLowerCase();
      return slots.get(key) ?? other;
    },
  };
}

function plan(name: string, from: ColumnSchema, to: ColumnSchema, ref: ColumnProfile | undefined, index: number): Plan | ColumnShift {
  const shift: ColumnShift = { name, type: to.type, method: "none", psi: null, level: null, bins: [] };
  const numeric = (t: ColumnType) => t === "numeric" || t === "integer";
  let made: Plan | string;
  if (ref === undefined || index < 0) made = "the column has no profile in one of the versions";
  else if (numeric(from.type) && numeric(to.type)) made = numericPlan({ ...shift, method: "psi_numeric" }, index, ref);
  else if (from.type === "categorical" && (to.type === "categorical" || to.type === "text")) {
    made = categoricalPlan({ ...shift, method: "psi_categorical" }, index, ref, false);
  } else if (from.type === "boolean" && to.type === "boolean") {
    made = categoricalPlan({ ...shift, method: "psi_categorical" }, index, ref, true);
  } else if (from.type !== to.type) made = `the type changed from ${from.type} to ${to.type}`;
  else if (to.type === "text") made = "free-text columns have no stable bins to compare";
  else made = `${to.type} columns are not compared`;
  return typeof made === "string" ? { ...shift, reason: made } : made;
}

/**
 * Compares `current` with `reference` (both profiled; `current.source` is streamed once to bin
 * its values). Columns are listed in the current version's order; added and removed columns
 * appear in `schemaDiff` only.
 */
export async function compareVersions(
  reference: { schema: ColumnSchema[]; profile: DatasetProfile },
  current: { schema: ColumnSchema[]; profile: DatasetProfile; source: TabularSource },
  options: { signal?: AbortSignal } = {},
): Promise<VersionComparison> {
  const { signal } = options;
  const refSchema = new Map(reference.schema.map((c) => [c.name, c]));
  const refProfiles = new Map(reference.profile.columns.map((c) => [c.name, c]));
  const results: (Plan | ColumnShift)[] = [];
  for (const to of current.schema) {
    const from = refSchema.get(to.name);
    if (from === undefined) continue;
    results.push(plan(to.name, from, to, refProfiles.get(to.name), current.source.columns.indexOf(to.name)));
  }
  const plans = results.filter((r): r is Plan => "bin" in r);
  if (plans.length > 0) {
    signal?.throwIfAborted();
    for await (const batch of readAhead(current.source.batches({ chunked: true, ...(signal ? { signal } : {}) }))) {
      signal?.throwIfAborted();
      for (const p of plans) {
        const { index, current: counts, bin } = p;
        for (const row of batch.rows) {
          const i = bin(row[index]);
          if (i >= 0) counts[i] = (counts[i] ?? 0) + 1;
        }
      }
    }
  }
  const columns = results.map((r): ColumnShift => {
    if (!("bin" in r)) return r;
    const bins = r.labels.map((label, i) => ({ label, reference: r.reference[i] ?? 0, current: r.current[i] ?? 0 }));
    if (r.current.every((c) => c === 0)) {
      return { ...r.shift, bins, reason: "the current version has no values in this column" };
    }
    const value = psi(r.reference, r.current);
    return { ...r.shift, psi: value, level: psiLevel(value), bins };
  });
  const refRows = reference.profile.rowCount;
  const curRows = current.profile.rowCount;
  return {
    schemaDiff: diffSchemas(reference.schema, current.schema),
    rowCount: { reference: refRows, current: curRows, delta: curRows - refRows },
    columns,
  };
}
