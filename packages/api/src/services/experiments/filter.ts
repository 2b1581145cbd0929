/**
 * The runs table's search language: a small, MLflow-compatible (where they overlap) filter and
 * order-by syntax, parsed by hand into plain data the query builder turns into SQL.
 *
 * Filter: conditions joined by AND (case-insensitive; OR and parentheses are refused, as in MLflow).
 *
 *     params.lr < 0.01 and metrics.auc > 0.9
 *     tags.team = 'vision' AND attributes.status = "succeeded"
 *     status != 'failed' and params.optimizer IN ('adam', 'sgd')
 *     tags.note LIKE '%baseline%' and metrics.`val loss` <= 1e-3
 *
 * Keys: `prefix.name` with prefix params|param, metrics|metric, tags|tag or
 * attributes|attribute|attr|run (case-insensitive), normalised to the kinds param, metric, tag and
 * attribute; a bare identifier is an attribute. A name with spaces or other characters is quoted
 * with backticks or double quotes (`metrics.`val loss``, `tags."my tag"`). Attributes are the
 * names in {@link RUN_ATTRIBUTES} (plus the aliases in {@link RUN_ATTRIBUTE_ALIASES}).
 *
 * Values: numbers (`3`, `-0.5`, `1e-3`, `.5`) and strings in single or double quotes. Inside a
 * quoted string or key, the quote character is escaped by doubling it (`'it''s'`) or with a
 * backslash (`'it\'s'`), and `\\` is one backslash; any other backslash is kept as is, so
 * `'50\%'` reaches LIKE as `50\%` (a literal percent sign in PostgreSQL).
 *
 * What compares with what:
 *   - metrics: numbers only, with = != < <= > >=;
 *   - params: numbers with = != < <= > >= (numeric comparison), strings with = != LIKE ILIKE,
 *     and IN / NOT IN lists of strings or numbers;
 *   - tags: strings only, with = != LIKE ILIKE IN NOT IN;
 *   - attributes: start_time, end_time and created_at compare (= != < <= > >=) with a number
 *     (milliseconds since the epoch, as in MLflow) or an ISO-8601 date string, normalised to
 *     milliseconds; the others are strings (= != LIKE ILIKE IN NOT IN), and status values must be
 *     run statuses (except in LIKE / ILIKE patterns).
 *
 * Limits: 32 conditions, keys of at most 250 characters, 1000 values in an IN list, 10,000
 * characters of filter text. Every error is a {@link FilterSyntaxError} whose message names the
 * problem and its (0-based) position.
 */
import { z } from "zod";

/** Attributes a filter or order-by may name (MLflow's names where MLflow has the attribute). */
export const RUN_ATTRIBUTES = [
  "status",
  "name",
  "run_id",
  "start_time",
  "end_time",
  "created_at",
  "family",
  "task",
  "dataset_version_id",
  "backend",
  "created_by",
] as const;
export type RunAttribute = (typeof RUN_ATTRIBUTES)[number];

/** The `runs` table field (drizzle name) behind each attribute. */
export const RUN_ATTRIBUTE_COLUMNS: Readonly<Record<RunAttribute, string>> = {
  status: "status",
  name: "name",
  run_id: "id",
  start_time: "startedAt",
  end_time: "endedAt",
  created_at: "createdAt",
  family: "family",
  task: "task",
  dataset_version_id: "datasetVersionId",
  backend: "backend",
  created_by: "createdBy",
};

/** Other spellings accepted for attributes (the column names, and MLflow's `run_name`). */
export const RUN_ATTRIBUTE_ALIASES: Readonly<Record<string, RunAttribute>> = {
  id: "run_id",
  run_name: "name",
  startedAt: "start_time",
  endedAt: "end_time",
  createdAt: "created_at",
  datasetVersionId: "dataset_version_id",
  createdBy: "created_by",
};

/** Attributes holding timestamps: compared with numbers (epoch ms) or ISO-8601 strings. */
export const TIME_ATTRIBUTES: readonly RunAttribute[] = ["start_time", "end_time", "created_at"];

/** The values of runs.status (the run_status enum of @keel/db). */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

export const MAX_FILTER_CONDITIONS = 32;
export const MAX_KEY_LENGTH = 250;
export const MAX_IN_VALUES = 1000;
export const MAX_FILTER_LENGTH = 10_000;
export const MAX_ORDER_BY_TERMS = 3;

export const FILTER_KINDS = ["param", "metric", "tag", "attribute"] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];
export const FILTER_OPS = ["=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface Condition {
  kind: FilterKind;
  /** The param/metric/tag name as written (unquoted), or the canonical attribute name. */
  key: string;
  op: FilterOp;
  /** A number or string; an array for IN / NOT IN. Time attributes hold epoch milliseconds. */
  value: number | string | (string | number)[];
}
/** Conditions combined with AND. */
export type Filter = Condition[];

export interface OrderByTerm {
  kind: FilterKind;
  key: string;
  direction: "asc" | "desc";
}

/** The shape of a parsed condition, for DTOs that carry filters already parsed. */
export const ZFilterCondition = z.strictObject({
  kind: z.enum(FILTER_KINDS),
  key: z.string().min(1).max(MAX_KEY_LENGTH),
  op: z.enum(FILTER_OPS),
  value: z.union([z.number(), z.string(), z.array(z.union([z.string(), z.number()])).min(1).max(MAX_IN_VALUES)]),
});

/** A syntax or type error in a filter or order-by, at a 0-based character position. */
export class FilterSyntaxError extends Error {
  override readonly name = "FilterSyntaxError";
  /** 0-based index into the text (the text's length for "at the end"). */
  readonly position: number;
  /** The problem without the position, e.g. `Expected a comparison operator after "params.lr"`. */
  readonly problem: string;

  constructor(problem: string, position: number, hint?: string) {
    super(`${problem} at position ${position}${hint === undefined ? "" : `: ${hint}`}`);
    this.position = position;
    this.problem = problem;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
const KEYWORDS = ["AND", "OR", "IN", "NOT", "LIKE", "ILIKE"] as const;
type Keyword = (typeof KEYWORDS)[number];

type Token =
  | { t: "key"; prefix: string | null; name: string; text: string; pos: number; quoted: boolean }
  | { t: "keyword"; word: Keyword; text: string; pos: number }
  | { t: "string"; value: string; text: string; pos: number }
  | { t: "number"; value: number; text: string; pos: number }
  | { t: "op"; op: CompareOp; text: string; pos: number }
  | { t: "("; text: string; pos: number }
  | { t: ")"; text: string; pos: number }
  | { t: ","; text: string; pos: number }
  | { t: "end"; text: string; pos: number };

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
/** Characters of an unquoted name after `prefix.` (metric names like `train/loss`, `val-acc`, `a.b`). */
const NAME_PART = /[A-Za-z0-9_.\-/:]/;
const NAME_START = /[A-Za-z0-9_]/;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

function isKeyword(word: string): word is Keyword {
  return (KEYWORDS as readonly string[]).includes(word);
}

function describe(tok: Token): string {
  switch (tok.t) {
    case "end":
      return "the end of the text";
    case "string":
      return `the string ${tok.text}`;
    case "number":
      return `the number ${tok.text}`;
    case "keyword":
      return tok.word;
    case "key":
      return `"${tok.text}"`;
    case "op":
    case "(":
    case ")":
    case ",":
      return `"${tok.text}"`;
  }
}

/** Reads a quoted run starting at `start` (the opening quote); returns the unescaped text and the end. */
function readQuoted(text: string, start: number, what: string): { value: string; end: number } {
  const quote = text[start] as string;
  let out = "";
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === quote || next === "\\") {
        out += next;
        i += 2;
      } else {
        out += c;
        i += 1;
      }
      continue;
    }
    if (c === quote) {
      if (text[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    out += c;
    i += 1;
  }
  throw new FilterSyntaxError(`Unterminated ${what} starting`, start, `add the closing ${quote}`);
}

function tokenize(text: string): Token[] {
  if (text.length > MAX_FILTER_LENGTH) throw new FilterSyntaxError(`Text is longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const pos = i;
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ t: c, text: c, pos });
      i += 1;
      continue;
    }
    if (c === "=" || c === "!" || c === "<" || c === ">") {
      const two = text.slice(i, i + 2);
      let op: CompareOp;
      let len = 2;
      if (two === "!=" || two === "<=" || two === ">=") op = two;
      else if (two === "<>") op = "!=";
      else if (two === "==") throw new FilterSyntaxError('Unknown operator "=="', pos, "use =");
      else if (c === "!") throw new FilterSyntaxError('Unknown operator "!"', pos, "use != or NOT IN");
      else {
        op = c === "<" ? "<" : c === ">" ? ">" : "=";
        len = 1;
      }
      tokens.push({ t: "op", op, text: text.slice(i, i + len), pos });
      i += len;
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(text, i, "string");
      tokens.push({ t: "string", value, text: text.slice(pos, end), pos });
      i = end;
      continue;
    }
    if (c === "`") {
      const { value, end } = readQuoted(text, i, "quoted key");
      tokens.push({ t: "key", prefix: null, name: value, text: text.slice(pos, end), pos, quoted: true });
      i = end;
      continue;
    }
    if (/[0-9.-]/.test(c)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m === null) throw new FilterSyntaxError(`Unexpected character "${c}"`, pos);
      const end = i + m[0].length;
      if (end < text.length && /[A-Za-z0-9_.]/.test(text[end] as string)) {
        let stop = end;
        while (stop < text.length && /[A-Za-z0-9_.]/.test(text[stop] as string)) stop += 1;
        throw new FilterSyntaxError(`Invalid number "${text.slice(pos, stop)}"`, pos);
      }
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw new FilterSyntaxError(`Number ${m[0]} is out of range`, pos);
      tokens.push({ t: "number", value: value === 0 ? 0 : value, text: m[0], pos });
      i = end;
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < text.length && IDENT_PART.test(text[j] as string)) j += 1;
      const word = text.slice(i, j);
      if (text[j] !== ".") {
        const upper = word.toUpperCase();
        if (isKeyword(upper)) tokens.push({ t: "keyword", word: upper, text: word, pos });
        else tokens.push({ t: "key", prefix: null, name: word, text: word, pos, quoted: false });
        i = j;
        continue;
      }
      // prefix.name
      const nameStart = j + 1;
      const q = text[nameStart];
      if (q === "`" || q === '"') {
        const { value, end } = readQuoted(text, nameStart, "quoted key");
        tokens.push({ t: "key", prefix: word, name: value, text: text.slice(pos, end), pos, quoted: true });
        i = end;
        continue;
      }
      if (q === undefined || !NAME_START.test(q)) {
        throw new FilterSyntaxError(`Expected a name after "${word}."`, nameStart, "quote names with spaces or symbols in backticks, e.g. metrics.`val loss`");
      }
      let k = nameStart + 1;
      while (k < text.length && NAME_PART.test(text[k] as string)) k += 1;
      tokens.push({ t: "key", prefix: word, name: text.slice(nameStart, k), text: text.slice(pos, k), pos, quoted: false });
      i = k;
      continue;
    }
    throw new FilterSyntaxError(`Unexpected character "${c}"`, pos);
  }
  tokens.push({ t: "end", text: "", pos: text.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Keys

const PREFIXES: Readonly<Record<string, FilterKind>> = {
  params: "param",
  param: "param",
  metrics: "metric",
  metric: "metric",
  tags: "tag",
  tag: "tag",
  attributes: "attribute",
  attribute: "attribute",
  attr: "attribute",
  run: "attribute",
};

const ATTRIBUTE_LOOKUP: ReadonlyMap<string, RunAttribute> = new Map<string, RunAttribute>([
  ...RUN_ATTRIBUTES.map((a): [string, RunAttribute] => [a.toLowerCase(), a]),
  ...Object.entries(RUN_ATTRIBUTE_ALIASES).map(([k, v]): [string, RunAttribute] => [k.toLowerCase(), v]),
]);

const EXPECTED_KEY_HINT = "e.g. params.lr, metrics.auc, tags.team or status";

function resolveKey(tok: Token & { t: "key" }): { kind: FilterKind; key: string } {
  let kind: FilterKind = "attribute";
  if (tok.prefix !== null) {
    const k = PREFIXES[tok.prefix.toLowerCase()];
    if (k === undefined) throw new FilterSyntaxError(`Unknown key prefix "${tok.prefix}"`, tok.pos, "use params., metrics., tags. or attributes.");
    kind = k;
  }
  if (tok.name.length === 0) throw new FilterSyntaxError("Empty key name", tok.pos);
  if (tok.name.length > MAX_KEY_LENGTH) throw new FilterSyntaxError(`Key is longer than ${MAX_KEY_LENGTH} characters`, tok.pos);
  if (kind !== "attribute") return { kind, key: tok.name };
  const attr = ATTRIBUTE_LOOKUP.get(tok.name.toLowerCase());
  if (attr === undefined) {
    const hint = tok.prefix === null ? `a bare name is an attribute: one of ${RUN_ATTRIBUTES.join(", ")} (or use params., metrics., tags.)` : `expected one of ${RUN_ATTRIBUTES.join(", ")}`;
    throw new FilterSyntaxError(`Unknown attribute "${tok.name}"`, tok.pos, hint);
  }
  return { kind, key: attr };
}

// ---------------------------------------------------------------------------------------------
// Parser

class Cursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)] as Token;
  }
  next(): Token {
    const tok = this.peek();
    if (this.i < this.tokens.length - 1) this.i += 1;
    return tok;
  }
}

const NUMERIC_OPS: readonly FilterOp[] = ["=", "!=", "<", "<=", ">", ">="];
const STRING_OPS: readonly FilterOp[] = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function kindLabel(kind: FilterKind, key: string): string {
  switch (kind) {
    case "param":
      return `params.${key}`;
    case "metric":
      return `metrics.${key}`;
    case "tag":
      return `tags.${key}`;
    case "attribute":
      return key;
  }
}

type ValueTok = Token & { t: "string" | "number" };

/** Checks (and normalises) the value of a condition against its key's kind and operator. */
function checkValue(kind: FilterKind, key: string, op: FilterOp, opPos: number, vt: ValueTok): number | string {
  const label = kindLabel(kind, key);
  const isNumber = vt.t === "number";
  switch (kind) {
    case "metric":
      if (!NUMERIC_OPS.includes(op)) throw new FilterSyntaxError(`Operator ${op} is not supported for metrics`, opPos, "use =, !=, <, <=, >, >= with a number");
      if (!isNumber) throw new FilterSyntaxError(`Metric "${key}" can only be compared with a number, not ${describe(vt)}`, vt.pos);
      return vt.value;
    case "tag":
      if (!STRING_OPS.includes(op)) throw new FilterSyntaxError(`Operator ${op} is not supported for tags`, opPos, "use =, !=, LIKE, ILIKE, IN or NOT IN with a string");
      if (isNumber) throw new FilterSyntaxError(`Tag "${key}" can only be compared with a string, not ${describe(vt)}`, vt.pos, `quote it: '${vt.text}'`);
      return vt.value;
    case "param":
      if (isNumber) {
        if (op === "LIKE" || op === "ILIKE") throw new FilterSyntaxError(`${op} needs a string pattern for ${label}, not ${describe(vt)}`, vt.pos);
        return vt.value;
      }
      if (!STRING_OPS.includes(op)) {
        throw new FilterSyntaxError(`Operator "${op}" compares ${label} with a number, not ${describe(vt)}`, vt.pos, "strings support =, !=, LIKE, ILIKE, IN and NOT IN");
      }
      return vt.value;
    case "attribute": {
      if ((TIME_ATTRIBUTES as readonly string[]).includes(key)) {
        if (!NUMERIC_OPS.includes(op)) throw new FilterSyntaxError(`Operator ${op} is not supported for ${key}`, opPos, "use =, !=, <, <=, >, >= with epoch milliseconds or an ISO-8601 date");
        if (isNumber) return vt.value;
        const ms = ISO_DATE.test(vt.value) ? Date.parse(vt.value) : Number.NaN;
        if (Number.isNaN(ms)) throw new FilterSyntaxError(`${key} needs epoch milliseconds or an ISO-8601 date, not ${describe(vt)}`, vt.pos, "e.g. '2026-01-31' or '2026-01-31T12:00:00Z'");
        return ms;
      }
      if (!STRING_OPS.includes(op)) throw new FilterSyntaxError(`Operator "${op}" is not supported for ${key}`, opPos, "use =, !=, LIKE, ILIKE, IN or NOT IN with a string");
      if (isNumber) throw new FilterSyntaxError(`Attribute "${key}" can only be compared with a string, not ${describe(vt)}`, vt.pos, `quote it: '${vt.text}'`);
      if (key === "status" && op !== "LIKE" && op !== "ILIKE" && !(RUN_STATUSES as readonly string[]).includes(vt.value)) {
        throw new FilterSyntaxError(`Unknown status ${vt.text}`, vt.pos, `expected one of ${RUN_STATUSES.join(", ")}`);
      }
      return vt.value;
    }
  }
}

function parseCondition(cur: Cursor, after: string): Condition {
  const keyTok = cur.next();
  if (keyTok.t !== "key") {
    if (keyTok.t === "(") throw new FilterSyntaxError("Parentheses are not supported around conditions", keyTok.pos, "conditions can only be combined with AND");
    throw new FilterSyntaxError(`Expected a key ${after}, found ${describe(keyTok)}`, keyTok.pos, EXPECTED_KEY_HINT);
  }
  const { kind, key } = resolveKey(keyTok);

  const opTok = cur.next();
  let op: FilterOp;
  if (opTok.t === "op") op = opTok.op;
  else if (opTok.t === "keyword" && (opTok.word === "LIKE" || opTok.word === "ILIKE" || opTok.word === "IN")) op = opTok.word;
  else if (opTok.t === "keyword" && opTok.word === "NOT") {
    const inTok = cur.next();
    if (!(inTok.t === "keyword" && inTok.word === "IN")) throw new FilterSyntaxError(`Expected IN after NOT, found ${describe(inTok)}`, inTok.pos);
    op = "NOT IN";
  } else {
    throw new FilterSyntaxError(`Expected a comparison operator after "${keyTok.text}"`, opTok.pos, `found ${describe(opTok)}; use =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN`);
  }

  if (op === "IN" || op === "NOT IN") {
    const open = cur.next();
    if (open.t !== "(") throw new FilterSyntaxError(`Expected "(" after ${op}, found ${describe(open)}`, open.pos, "e.g. IN ('adam', 'sgd')");
    if (kind === "metric") throw new FilterSyntaxError(`Operator ${op} is not supported for metrics`, opTok.pos, "use =, !=, <, <=, >, >= with a number");
    if (kind === "attribute" && (TIME_ATTRIBUTES as readonly string[]).includes(key)) {
      throw new FilterSyntaxError(`Operator ${op} is not supported for ${key}`, opTok.pos, "use =, !=, <, <=, >, >= with epoch milliseconds or an ISO-8601 date");
    }
    const values: (string | number)[] = [];
    for (;;) {
      const vt = cur.next();
      if (vt.t === ")" && values.length === 0) throw new FilterSyntaxError(`Empty ${op} list`, vt.pos, "list at least one value");
      if (vt.t !== "string" && vt.t !== "number") throw new FilterSyntaxError(`Expected a value in the ${op} list, found ${describe(vt)}`, vt.pos);
      if (values.length >= MAX_IN_VALUES) throw new FilterSyntaxError(`Too many values in the ${op} list (at most ${MAX_IN_VALUES})`, vt.pos);
      values.push(checkValue(kind, key, "=", opTok.pos, vt));
      const sep = cur.next();
      if (sep.t === ")") break;
      if (sep.t !== ",") throw new FilterSyntaxError(`Expected "," or ")" in the ${op} list, found ${describe(sep)}`, sep.pos);
    }
    return { kind, key, op, value: values };
  }

  const vt = cur.next();
  if (vt.t !== "string" && vt.t !== "number") {
    const hint = vt.t === "key" && vt.quoted && vt.prefix === null ? "backticks quote keys; quote strings with ' or \"" : "a number or a quoted string";
    throw new FilterSyntaxError(`Expected a value after ${op === "LIKE" || op === "ILIKE" ? op : `"${opTok.text}"`}, found ${describe(vt)}`, vt.pos, hint);
  }
  return { kind, key, op, value: checkValue(kind, key, op, opTok.pos, vt) };
}

/**
 * Parses a runs filter into conditions (combined with AND). Empty or blank text → [].
 *
 * @throws FilterSyntaxError with the problem and its position.
 */
export function parseFilter(text: string): Filter {
  const cur = new Cursor(tokenize(text));
  const out: Filter = [];
  if (cur.peek().t === "end") return out;
  let after = "at the start";
  for (;;) {
    const start = cur.peek();
    if (out.length >= MAX_FILTER_CONDITIONS) throw new FilterSyntaxError(`Too many conditions (at most ${MAX_FILTER_CONDITIONS})`, start.pos);
    out.push(parseCondition(cur, after));
    const tok = cur.next();
    if (tok.t === "end") return out;
    if (tok.t === "keyword" && tok.word === "AND") {
      after = "after AND";
      continue;
    }
    if (tok.t === "keyword" && tok.word === "OR") {
      throw new FilterSyntaxError("OR is not supported", tok.pos, "conditions can only be combined with AND (as in MLflow); run one search per alternative or use IN (...)");
    }
    throw new FilterSyntaxError(`Expected AND or the end of the filter, found ${describe(tok)}`, tok.pos);
  }
}

/**
 * Parses an order-by: up to 3 comma-separated terms `key [ASC|DESC]` (case-insensitive;
 * ascending by default), e.g. `metrics.auc DESC, params.lr, attributes.start_time ASC`.
 * Keys follow the filter's rules. Empty or blank text → [].
 *
 * @throws FilterSyntaxError on a bad key, a repeated key, more than 3 terms or stray tokens.
 */
export function parseOrderBy(text: string): OrderByTerm[] {
  const cur = new Cursor(tokenize(text));
  const out: OrderByTerm[] = [];
  if (cur.peek().t === "end") return out;
  const seen = new Set<string>();
  for (;;) {
    const keyTok = cur.next();
    if (keyTok.t !== "key") throw new FilterSyntaxError(`Expected a key to order by, found ${describe(keyTok)}`, keyTok.pos, "e.g. metrics.auc DESC");
    if (out.length >= MAX_ORDER_BY_TERMS) throw new FilterSyntaxError(`Too many order-by terms (at most ${MAX_ORDER_BY_TERMS})`, keyTok.pos);
    const { kind, key } = resolveKey(keyTok);
    const id = `${kind}\u0000${key}`;
    if (seen.has(id)) throw new FilterSyntaxError(`Duplicate order-by key "${kindLabel(kind, key)}"`, keyTok.pos);
    seen.add(id);
    let direction: "asc" | "desc" = "asc";
    let tok = cur.next();
    if (tok.t === "key" && tok.prefix === null && !tok.quoted && /^(asc|desc)$/i.test(tok.name)) {
      direction = tok.name.toLowerCase() === "desc" ? "desc" : "asc";
      tok = cur.next();
    }
    out.push({ kind, key, direction });
    if (tok.t === "end") return out;
    if (tok.t !== ",") throw new FilterSyntaxError(`Expected ASC, DESC, "," or the end after "${keyTok.text}", found ${describe(tok)}`, tok.pos);
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting (the inverse of parsing: parseFilter(formatFilter(f)) deep-equals f)

const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/:]*$/;

function quote(s: string, q: "'" | "`"): string {
  return q + s.replace(/\\/g, "\\\\").split(q).join(q + q) + q;
}

function formatKey(kind: FilterKind, key: string): string {
  const prefix = kind === "attribute" ? "attributes" : kind === "param" ? "params" : kind === "metric" ? "metrics" : "tags";
  return `${prefix}.${PLAIN_NAME.test(key) ? key : quote(key, "`")}`;
}

function formatValue(v: string | number): string {
  return typeof v === "number" ? String(v) : quote(v, "'");
}

/** Canonical text of a filter: `prefix.key OP value` joined by ` AND `. */
export function formatFilter(filter: readonly Condition[]): string {
  return filter
    .map((c) => {
      const value = Array.isArray(c.value) ? `(${c.value.map(formatValue).join(", ")})` : formatValue(c.value);
      return `${formatKey(c.kind, c.key)} ${c.op} ${value}`;
    })
    .join(" AND ");
}

/** Canonical text of an order-by: `prefix.key ASC|DESC` joined by `, `. */
export function formatOrderBy(terms: readonly OrderByTerm[]): string {
  return terms.map((t) => `${formatKey(t.kind, t.key)} ${t.direction.toUpperCase()}`).join(", ");
}
