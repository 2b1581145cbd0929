/**
 * Quality rules, evaluated during the profiler's pass (addBatch per batch, then finish) into a
 * pass / warn / fail report. A check that found problems takes its rule's severity; the report
 * takes the worst check status (pass when there are no rules).
 *
 * How each rule reads a cell ("missing" = null, "" or a pandas NA string, as in the profile):
 *   not_null        missing cells fail (a non-finite number such as "inf" is a value here)
 *   range           numbers outside [min, max] fail, ±inf included; non-numeric values fail;
 *                   missing cells are skipped
 *   allowed_values  the value as text ("true"/"false" for JSON booleans) must be in the list
 *   unique          every row repeating an earlier row's value fails; numbers are compared by
 *                   value ("1.0" repeats "1"), true/false in any case alike, other text as
 *                   written; memory grows with the number of distinct values
 *   regex           the whole value must match: the pattern is compiled once as ^(?:…)$ with
 *                   the "u" flag; an invalid pattern fails the check
 *   min_rows        the version needs at least `min` rows; `failing` is the shortfall
 *   schema_unchanged  names, order, types and nullability equal the previous version's
 *                   (passes when there is no previous version); `failing` counts differences
 * A rule naming a column the version does not have fails with a message saying so.
 */
import { infValue, isBooleanString, isInfString, isNaString, scanNumber, scanned } from "./infer";
import type { ColumnSchema, QualityCheck, QualityReport, QualityRule, QualityStatus, RowBatch } from "./types";

const EXAMPLES = 10;

export interface SchemaDiff {
  added: ColumnSchema[];
  removed: ColumnSchema[];
  changed: { name: string; from: ColumnSchema; to: ColumnSchema }[];
  /** The columns present in both versions are not in the same relative order. */
  reordered: boolean;
}

/** Differences between two schemas, by column name. */
export function diffSchemas(previous: readonly ColumnSchema[], next: readonly ColumnSchema[]): SchemaDiff {
  const before = new Map(previous.map((c) => [c.name, c]));
  const after = new Map(next.map((c) => [c.name, c]));
  const changed: SchemaDiff["changed"] = [];
  for (const to of next) {
    const from = before.get(to.name);
    if (from && (from.type !== to.type || from.nullable !== to.nullable)) changed.push({ name: to.name, from, to });
  }
  const commonBefore = previous.filter((c) => after.has(c.name)).map((c) => c.name);
  const commonAfter = next.filter((c) => before.has(c.name)).map((c) => c.name);
  return {
    added: next.filter((c) => !before.has(c.name)),
    removed: previous.filter((c) => !after.has(c.name)),
    changed,
    reordered: commonBefore.some((name, i) => commonAfter[i] !== name),
  };
}

/** Same as diffSchemas (the name the schema_unchanged rule uses). */
export const evaluateSchemaDiff = diffSchemas;

export function schemaDiffSize(d: SchemaDiff): number {
  return d.added.length + d.removed.length + d.changed.length + (d.reordered ? 1 : 0);
}

function describeDiff(d: SchemaDiff): string {
  const nullability = (c: ColumnSchema) => (c.nullable ? "nullable" : "not nullable");
  const parts = [
    ...d.added.map((c) => `added '${c.name}' (${c.type})`),
    ...d.removed.map((c) => `removed '${c.name}'`),
    ...d.changed.map(({ name, from, to }) =>
      from.type !== to.type ? `'${name}' changed from ${from.type} to ${to.type}` : `'${name}' became ${nullability(to)}`,
    ),
    ...(d.reordered ? ["columns reordered"] : []),
  ];
  return parts.join("; ");
}

export function isMissingCell(cell: unknown): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === "string") return isNaString(cell);
  return typeof cell === "number" && cell !== cell;
}

/** A cell as text: strings as written, numbers by String(), booleans as "true"/"false". */
export function cellText(cell: unknown): string {
  return typeof cell === "string" ? cell : String(cell);
}

/** A cell as a number (±Infinity for inf spellings), or null when it is not one. */
export function cellNumber(cell: unknown): number | null {
  if (typeof cell === "number") return cell;
  if (typeof cell !== "string") return null;
  if (scanNumber(cell)) return scanned.value;
  return isInfString(cell) ? infValue(cell) : null;
}

function uniqueKey(cell: unknown): string {
  if (typeof cell === "number") return String(cell);
  if (typeof cell !== "string") return cellText(cell);
  if (scanNumber(cell)) return String(scanned.value);
  return isBooleanString(cell) ? cell.toLowerCase() : cell;
}

function rowsText(failing: number, rows: readonly number[]): string {
  const list = rows.join(", ") + (failing > rows.length ? ", …" : "");
  return rows.length === 1 && failing === 1 ? `row ${list}` : `rows ${list}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function bounds(min: number | undefined, max: number | undefined): string {
  return `${min === undefined ? "(−∞" : `[${min}`}, ${max === undefined ? "∞)" : `${max}]`}`;
}

/** One column rule: `fails` says whether a cell breaks it; `message` describes the outcome. */
interface ColumnTest {
  fails: (cell: unknown) => boolean;
  message: (failing: number, rows: string) => string;
  /** Set when the rule cannot be evaluated at all (invalid pattern). */
  broken?: string;
}

type ColumnRule = Extract<QualityRule, { column: string }>;

function columnTest(rule: ColumnRule): ColumnTest {
  const col = rule.column;
  switch (rule.kind) {
    case "not_null":
      return {
        fails: isMissingCell,
        message: (n, rows) => (n === 0 ? `Every row has a value in ${col}.` : `${plural(n, "row has", "rows have")} no value in ${col}: ${rows}.`),
      };
    case "range": {
      const { min, max } = rule;
      const lo = min ?? -Infinity;
      const hi = max ?? Infinity;
      return {
        fails: (cell) => {
          if (isMissingCell(cell)) return false;
          const v = cellNumber(cell);
          return v === null || !(v >= lo && v <= hi);
        },
        message: (n, rows) =>
          n === 0
            ? `Every value of ${col} is within ${bounds(min, max)}.`
            : `${plural(n, "row has", "rows have")} ${col} outside ${bounds(min, max)} or not a number: ${rows}.`,
      };
    }
    case "allowed_values": {
      const allowed = new Set(rule.values);
      return {
        fails: (cell) => !isMissingCell(cell) && !allowed.has(cellText(cell)),
        message: (n, rows) =>
          n === 0
            ? `Every value of ${col} is one of the ${plural(allowed.size, "allowed value", "allowed values")}.`
            : `${plural(n, "row has", "rows have")} a value of ${col} that is not allowed: ${rows}.`,
      };
    }
    case "unique": {
      const seen = new Set<string>();
      return {
        fails: (cell) => {
          if (isMissingCell(cell)) return false;
          const key = uniqueKey(cell);
          if (seen.has(key)) return true;
          seen.add(key);
          return false;
        },
        message: (n, rows) =>
          n === 0
            ? `Every value of ${col} is unique.`
            : `${plural(n, "row repeats", "rows repeat")} a value of ${col} from an earlier row: ${rows}.`,
      };
    }
    case "regex": {
      let re: RegExp | null = null;
      let broken: string | undefined;
      try {
        re = new RegExp(`^(?:${rule.pattern})$`, "u");
      } catch (e) {
        broken = `The pattern ${JSON.stringify(rule.pattern)} is not a valid regular expression (${e instanceof Error ? e.message : String(e)}).`;
      }
      const pattern = re;
      return {
        fails: (cell) => pattern !== null && !isMissingCell(cell) && !pattern.test(cellText(cell)),
        message: (n, rows) =>
          n === 0
            ? `Every value of ${col} matches the pattern.`
            : `${plural(n, "row has", "rows have")} ${col} not matching ${JSON.stringify(rule.pattern)}: ${rows}.`,
        ...(broken === undefined ? {} : { broken }),
      };
    }
  }
}

export interface RuleCounts {
  failing: number;
  exampleRows: number[];
}

interface Tracker {
  rule: QualityRule;
  column: string | null;
  /** -1 when the column is missing from this version. */
  index: number;
  test: ColumnTest | null;
  failing: number;
  exampleRows: number[];
}

export class QualityEvaluator {
  private readonly trackers: Tracker[];

  constructor(
    rules: readonly QualityRule[],
    columns: readonly string[],
    private readonly previousSchema: readonly ColumnSchema[] | null = null,
  ) {
    this.trackers = rules.map((rule) => {
      const column = "column" in rule ? rule.column : null;
      const index = column === null ? -1 : columns.indexOf(column);
      const test = "column" in rule && index >= 0 ? columnTest(rule) : null;
      return { rule, column, index, test, failing: 0, exampleRows: [] };
    });
  }

  addBatch(batch: RowBatch): void {
    for (const t of this.trackers) {
      const { test, index } = t;
      if (test === null || test.broken !== undefined) continue;
      const rows = batch.rows;
      for (let i = 0; i < rows.length; i++) {
        if (!test.fails(rows[i]?.[index])) continue;
        t.failing++;
        if (t.exampleRows.length < EXAMPLES) t.exampleRows.push(batch.firstRow + i);
      }
    }
  }

  /** Whether parts of a file can be evaluated apart and added up (not for `unique`). */
  static splittable(rules: readonly QualityRule[]): boolean {
    return rules.every((r) => r.kind !== "unique");
  }

  /** Per rule: failing rows and example rows so far (for addCounts). */
  counts(): RuleCounts[] {
    return this.trackers.map((t) => ({ failing: t.failing, exampleRows: t.exampleRows }));
  }

  /** Adds the counts of the rows after these, evaluated apart and numbered from offset + 1. */
  addCounts(counts: readonly RuleCounts[], offset: number): void {
    this.trackers.forEach((t, i) => {
      const c = counts[i];
      if (c === undefined) return;
      t.failing += c.failing;
      for (const row of c.exampleRows) if (t.exampleRows.length < EXAMPLES) t.exampleRows.push(row + offset);
    });
  }

  finish(rowCount: number, schema: readonly ColumnSchema[]): QualityReport {
    const checks = this.trackers.map((t) => this.check(t, rowCount, schema));
    const rank: Record<QualityStatus, number> = { pass: 0, warn: 1, fail: 2 };
    const status = checks.reduce<QualityStatus>((worst, c) => (rank[c.status] > rank[worst] ? c.status : worst), "pass");
    return { status, checks };
  }

  private check(t: Tracker, rowCount: number, schema: readonly ColumnSchema[]): QualityCheck {
    const { rule } = t;
    let failing = t.failing;
    let broken = false;
    let message: string;
    if (t.column !== null && t.index < 0) {
      broken = true;
      message = `The rule's column '${t.column}' is not in this version.`;
    } else if (t.test !== null) {
      broken = t.test.broken !== undefined;
      message = t.test.broken ?? t.test.message(failing, rowsText(failing, t.exampleRows));
    } else if (rule.kind === "min_rows") {
      failing = Math.max(0, rule.min - rowCount);
      message =
        failing > 0
          ? `This version has ${plural(rowCount, "row", "rows")}; the rule needs at least ${rule.min}.`
          : `This version has ${plural(rowCount, "row", "rows")} (at least ${rule.min} needed).`;
    } else if (this.previousSchema === null) {
      message = "There is no previous version to compare the schema with.";
    } else {
      const diff = diffSchemas(this.previousSchema, schema);
      failing = schemaDiffSize(diff);
      message =
        failing > 0
          ? `The schema changed since the previous version: ${describeDiff(diff)}.`
          : "The schema is the same as the previous version's.";
    }
    const failed = broken || failing > 0;
    return {
      ruleId: rule.id,
      kind: rule.kind,
      column: t.column,
      severity: rule.severity,
      status: failed ? rule.severity : "pass",
      failing,
      exampleRows: t.exampleRows,
      message,
    };
  }
}
