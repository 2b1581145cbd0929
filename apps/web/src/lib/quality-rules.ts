/**
 * Quality rules as the editor handles them: labels, a one-line description, suggested ids and the
 * conversion from the form's text fields to a rule the API accepts (the API validates again).
 */
import type { Dataset } from "@keel/api";

export type QualityRule = Dataset["qualityRules"][number];
export type RuleKind = QualityRule["kind"];
export type RuleSeverity = QualityRule["severity"];

export const RULE_KINDS: readonly { kind: RuleKind; label: string; needsColumn: boolean; hint: string }[] = [
  { kind: "not_null", label: "Not null", needsColumn: true, hint: "Every row has a value in the column." },
  { kind: "range", label: "Range (min / max)", needsColumn: true, hint: "Numbers stay within the bounds (inclusive)." },
  { kind: "allowed_values", label: "Allowed values", needsColumn: true, hint: "Only the listed values appear (missing values are not checked)." },
  { kind: "unique", label: "Unique", needsColumn: true, hint: "No value appears twice." },
  { kind: "regex", label: "Matches a pattern (regex)", needsColumn: true, hint: "Every value matches the regular expression." },
  { kind: "min_rows", label: "Minimum row count", needsColumn: false, hint: "The file has at least this many rows." },
  { kind: "schema_unchanged", label: "Schema unchanged", needsColumn: false, hint: "Same columns and types as the previous version." },
];

export function isRuleKind(value: string): value is RuleKind {
  return RULE_KINDS.some((k) => k.kind === value);
}

export function isRuleSeverity(value: string): value is RuleSeverity {
  return value === "warn" || value === "fail";
}

export function kindLabel(kind: string): string {
  return RULE_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

export function kindNeedsColumn(kind: RuleKind): boolean {
  return RULE_KINDS.find((k) => k.kind === kind)?.needsColumn ?? false;
}

/** A bound as typed, without binary floating-point noise (16.043999999999997 → 16.044). */
function bound(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** What the rule checks, in words: "age between 0 and 120". */
export function describeRule(rule: QualityRule): string {
  switch (rule.kind) {
    case "not_null":
      return `${rule.column} has no missing values`;
    case "range":
      if (rule.min !== undefined && rule.max !== undefined) return `${rule.column} between ${bound(rule.min)} and ${bound(rule.max)}`;
      if (rule.min !== undefined) return `${rule.column} ≥ ${bound(rule.min)}`;
      return `${rule.column} ≤ ${rule.max !== undefined ? bound(rule.max) : ""}`;
    case "allowed_values": {
      const shown = rule.values.slice(0, 8).join(", ");
      return `${rule.column} is one of ${shown}${rule.values.length > 8 ? `, … (${rule.values.length} values)` : ""}`;
    }
    case "unique":
      return `${rule.column} has no duplicates`;
    case "regex":
      return `${rule.column} matches /${rule.pattern}/`;
    case "min_rows":
      return `at least ${rule.min.toLocaleString("en-US")} rows`;
    case "schema_unchanged":
      return "same columns and types as the previous version";
  }
}

const SHORT: Record<RuleKind, string> = {
  not_null: "not-null",
  range: "range",
  allowed_values: "allowed",
  unique: "unique",
  regex: "pattern",
  min_rows: "min-rows",
  schema_unchanged: "schema-unchanged",
};

/** Lowercase letters, digits and dashes (for ids built from column names). */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

/** A readable id for a new rule, unique among `taken`: `age-range`, `age-range-2`, `min-rows`. */
export function suggestRuleId(kind: RuleKind, column: string | null, taken: readonly string[]): string {
  const col = column ? slugify(column) : "";
  const base = col && kindNeedsColumn(kind) ? `${col}-${SHORT[kind]}` : SHORT[kind];
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.includes(id)) return id;
  }
}

/** "a, b ,c,,a" → ["a", "b", "c"]: trimmed, non-empty, each once, in order. */
export function parseValueList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(",")) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The text fields of the "add a rule" form. */
export interface RuleDraft {
  id: string;
  kind: RuleKind;
  severity: RuleSeverity;
  column: string;
  min: string;
  max: string;
  values: string;
  pattern: string;
}

export type DraftResult = { ok: true; rule: QualityRule } | { ok: false; field: keyof RuleDraft; message: string };

function parseNumber(text: string): number | undefined | null {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Turns the form into a rule, or says which field to fix. */
export function ruleFromDraft(d: RuleDraft, taken: readonly string[]): DraftResult {
  const id = d.id.trim();
  if (!id) return { ok: false, field: "id", message: "Give the rule an id, e.g. age-range." };
  if (id.length > 64) return { ok: false, field: "id", message: "The id must be at most 64 characters." };
  if (taken.includes(id)) return { ok: false, field: "id", message: `A rule with the id '${id}' already exists: choose another id.` };
  const column = d.column.trim();
  if (kindNeedsColumn(d.kind) && !column) return { ok: false, field: "column", message: "Choose the column this rule checks." };
  const base = { id, severity: d.severity };
  switch (d.kind) {
    case "not_null":
    case "unique":
      return { ok: true, rule: { ...base, kind: d.kind, column } };
    case "range": {
      const min = parseNumber(d.min);
      const max = parseNumber(d.max);
      if (min === null) return { ok: false, field: "min", message: "Min must be a number (or empty for no lower bound)." };
      if (max === null) return { ok: false, field: "max", message: "Max must be a number (or empty for no upper bound)." };
      if (min === undefined && max === undefined) return { ok: false, field: "min", message: "A range rule needs a min, a max or both." };
      if (min !== undefined && max !== undefined && min > max) return { ok: false, field: "max", message: "Max must not be below min." };
      return { ok: true, rule: { ...base, kind: "range", column, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } };
    }
    case "allowed_values": {
      const values = parseValueList(d.values);
      if (values.length === 0) return { ok: false, field: "values", message: "List the allowed values, separated by commas." };
      if (values.length > 1000) return { ok: false, field: "values", message: "At most 1,000 allowed values." };
      return { ok: true, rule: { ...base, kind: "allowed_values", column, values } };
    }
    case "regex": {
      const pattern = d.pattern;
      if (!pattern) return { ok: false, field: "pattern", message: "Enter a regular expression, e.g. ^[A-Z]{2}\\d{4}$." };
      if (pattern.length > 500) return { ok: false, field: "pattern", message: "The pattern must be at most 500 characters." };
      try {
        new RegExp(pattern, "u");
      } catch (err) {
        return { ok: false, field: "pattern", message: `Not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` };
      }
      return { ok: true, rule: { ...base, kind: "regex", column, pattern } };
    }
    case "min_rows": {
      const min = parseNumber(d.min);
      if (min === undefined || min === null || !Number.isInteger(min) || min < 0) {
        return { ok: false, field: "min", message: "Enter a whole number of rows (0 or more)." };
      }
      return { ok: true, rule: { ...base, kind: "min_rows", min } };
    }
    case "schema_unchanged":
      return { ok: true, rule: { ...base, kind: "schema_unchanged" } };
  }
}
