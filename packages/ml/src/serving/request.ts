/**
 * Prediction requests in MLflow's scoring-server formats, parsed and checked against a model's
 * signature before anything reaches the pipeline:
 *
 * - `{"instances": [{col: value, …}, …]}` (TensorFlow Serving's row format), and the same records
 *   under MLflow's `"inputs"` or `"dataframe_records"`;
 * - `{"dataframe_split": {"columns": [...], "data": [[...], ...], "index"?: [...]}}` (pandas'
 *   orient="split"; `index` is accepted and ignored, but must have one entry per row).
 *
 * Exactly one of these keys; any other top-level key (MLflow's `params` too) is an error.
 *
 * Values, strictly (no coercion of strings, unlike the CSV path):
 * - numeric: a finite JSON number; integer: a whole number (3.0 is fine, 3.5 is not);
 * - boolean: true or false (not 0/1, not "true");
 * - categorical: a string or a finite number (compared as text by the pipeline, as in training,
 *   where a CSV's category 7 was the string "7"); text: a string;
 * - null, for any input: a missing value, which the pipeline imputes (every step has a fill).
 *   A row WITHOUT the key is an error, and so is a key that is not an input.
 *
 * Every problem is reported (up to `maxProblems`), each with a path such as
 * `instances[3].mean radius` or `dataframe_split.data[1][4]`.
 */
import type { Cell } from "../tabular/types";
import type { InputType, Signature } from "./signature";

/** The most rows one request may carry, unless the caller says otherwise. */
export const DEFAULT_MAX_ROWS = 10_000;
/** The most problems one PredictInputError lists (the last entry then says how many more). */
export const DEFAULT_MAX_PROBLEMS = 100;

export interface PredictInputProblem {
  /** Where: "" for the body itself, else e.g. `instances[3].age`, `dataframe_split.columns`. */
  path: string;
  message: string;
}

/** A request the model cannot take; `details` lists every problem found. HTTP 400 material. */
export class PredictInputError extends Error {
  readonly details: PredictInputProblem[];
  constructor(details: PredictInputProblem[]) {
    const first = details[0];
    const summary = first === undefined ? "invalid prediction request" : `${first.path === "" ? "" : `${first.path}: `}${first.message}`;
    super(details.length > 1 ? `${summary} (and ${details.length - 1} more problem${details.length > 2 ? "s" : ""})` : summary);
    this.name = "PredictInputError";
    this.details = details;
  }
}

export interface ParsePredictRequestOptions {
  /** Default DEFAULT_MAX_ROWS (10,000). */
  maxRows?: number;
  /** Default DEFAULT_MAX_PROBLEMS (100). */
  maxProblems?: number;
}

export const REQUEST_FORMATS = ["instances", "inputs", "dataframe_records", "dataframe_split"] as const;

/** Sets an own property even for a name such as "__proto__". */
const setCell = (row: Record<string, Cell>, name: string, value: Cell): void => {
  Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const describe = (v: unknown): string => {
  if (v === undefined) return "undefined";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object" && v !== null) return "an object";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/** The problem with one value for an input of `type`, or undefined when it is acceptable. */
function checkValue(value: unknown, type: InputType): string | undefined {
  if (value === null) return undefined;
  if (typeof value === "number" && !Number.isFinite(value)) return "not a finite number (NaN/Infinity)";
  switch (type) {
    case "numeric":
      return typeof value === "number" ? undefined : `expected a number, got ${describe(value)}`;
    case "integer":
      if (typeof value !== "number") return `expected an integer, got ${describe(value)}`;
      return Number.isInteger(value) ? undefined : `expected an integer, got ${value}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `expected true or false, got ${describe(value)}`;
    case "categorical":
      return typeof value === "string" || typeof value === "number" ? undefined : `expected a string (or a number), got ${describe(value)}`;
    case "text":
      return typeof value === "string" ? undefined : `expected a string, got ${describe(value)}`;
  }
}

class Problems {
  readonly list: PredictInputProblem[] = [];
  private more = 0;
  constructor(private readonly max: number) {}
  add(path: string, message: string): void {
    if (this.list.length < this.max) this.list.push({ path, message });
    else this.more += 1;
  }
  get count(): number {
    return this.list.length + this.more;
  }
  throwIfAny(): void {
    if (this.count === 0) return;
    const details = [...this.list];
    if (this.more > 0) details.push({ path: "", message: `… and ${this.more} more problem${this.more > 1 ? "s" : ""}` });
    throw new PredictInputError(details);
  }
}

function checkRowCount(n: number, path: string, maxRows: number, problems: Problems): boolean {
  if (n === 0) {
    problems.add(path, "no rows: send at least one");
    return false;
  }
  if (n > maxRows) {
    problems.add(path, `${n} rows is more than the limit of ${maxRows} per request; split the request`);
    return false;
  }
  return true;
}

function parseRecords(key: string, records: unknown, signature: Signature, maxRows: number, problems: Problems): Record<string, Cell>[] {
  if (!Array.isArray(records)) {
    problems.add(key, `expected an array of row objects, got ${describe(records)}`);
    return [];
  }
  if (!checkRowCount(records.length, key, maxRows, problems)) return [];
  const inputs = new Map(signature.inputs.map((i) => [i.name, i.type]));
  const names = signature.inputs.map((i) => i.name);
  const rows: Record<string, Cell>[] = [];
  records.forEach((record: unknown, r) => {
    const at = `${key}[${r}]`;
    if (!isRecord(record)) {
      problems.add(at, `expected an object of {input: value}, got ${describe(record)}`);
      return;
    }
    const row: Record<string, Cell> = {};
    for (const input of signature.inputs) {
      if (!Object.hasOwn(record, input.name)) {
        problems.add(`${at}.${input.name}`, "missing (send null for a missing value)");
        continue;
      }
      const value = record[input.name];
      const problem = checkValue(value, input.type);
      if (problem === undefined) setCell(row, input.name, value as Cell);
      else problems.add(`${at}.${input.name}`, problem);
    }
    for (const name of Object.keys(record)) {
      if (!inputs.has(name)) problems.add(`${at}.${name}`, `not an input of this model (inputs: ${names.join(", ")})`);
    }
    rows.push(row);
  });
  return rows;
}

function parseSplit(split: unknown, signature: Signature, maxRows: number, problems: Problems): Record<string, Cell>[] {
  const key = "dataframe_split";
  if (!isRecord(split)) {
    problems.add(key, `expected an object {columns, data}, got ${describe(split)}`);
    return [];
  }
  for (const k of Object.keys(split)) {
    if (k !== "columns" && k !== "data" && k !== "index") problems.add(`${key}.${k}`, "not a field of dataframe_split (columns, data, index)");
  }
  const inputs = new Map(signature.inputs.map((i) => [i.name, i.type]));
  const names = signature.inputs.map((i) => i.name);
  // Column j's input type, or null when column j is unusable (already reported).
  const types: (InputType | null)[] = [];
  const { columns, data, index } = split;
  let columnsOk = Array.isArray(columns);
  if (!Array.isArray(columns)) {
    problems.add(`${key}.columns`, `expected an array of column names, got ${describe(columns)}`);
  } else {
    const seen = new Set<string>();
    columns.forEach((c: unknown, j) => {
      if (typeof c !== "string") {
        problems.add(`${key}.columns[${j}]`, `expected a column name, got ${describe(c)}`);
        types.push(null);
        return;
      }
      if (seen.has(c)) problems.add(`${key}.columns`, `${JSON.stringify(c)} is listed twice`);
      seen.add(c);
      const type = inputs.get(c);
      if (type === undefined) problems.add(`${key}.columns[${j}]`, `${JSON.stringify(c)} is not an input of this model (inputs: ${names.join(", ")})`);
      types.push(type ?? null);
    });
    for (const name of names) {
      if (!seen.has(name)) {
        problems.add(`${key}.columns`, `missing input ${JSON.stringify(name)} (send null values for missing values)`);
        columnsOk = false;
      }
    }
  }
  if (!Array.isArray(data)) {
    problems.add(`${key}.data`, `expected an array of rows (arrays of values), got ${describe(data)}`);
    return [];
  }
  if (!checkRowCount(data.length, `${key}.data`, maxRows, problems)) return [];
  if (index !== undefined && (!Array.isArray(index) || index.length !== data.length)) {
    problems.add(`${key}.index`, Array.isArray(index) ? `has ${index.length} entries for ${data.length} rows` : `expected an array, got ${describe(index)}`);
  }
  const width = Array.isArray(columns) ? columns.length : null;
  const rows: Record<string, Cell>[] = [];
  data.forEach((values: unknown, r) => {
    const at = `${key}.data[${r}]`;
    if (!Array.isArray(values)) {
      problems.add(at, `expected an array of values, got ${describe(values)}`);
      return;
    }
    if (width !== null && values.length !== width) {
      problems.add(at, `has ${values.length} values for ${width} columns`);
      return;
    }
    if (width === null) return;
    const row: Record<string, Cell> = {};
    values.forEach((value: unknown, j) => {
      const type = types[j] ?? null;
      const name = (columns as unknown[])[j];
      if (type === null || typeof name !== "string") return;
      const problem = checkValue(value, type);
      if (problem === undefined) setCell(row, name, value as Cell);
      else problems.add(`${at}[${j}]`, `${problem} (column ${JSON.stringify(name)})`);
    });
    rows.push(row);
  });
  return columnsOk ? rows : [];
}

/**
 * Reads a prediction request body (already JSON-parsed) against `signature`: the rows as
 * objects holding exactly the signature's inputs, in its order; or a PredictInputError listing
 * every problem. See the module comment for the formats and the value rules.
 */
export function parsePredictRequest(body: unknown, signature: Signature, options: ParsePredictRequestOptions = {}): Record<string, Cell>[] {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const problems = new Problems(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const formatList = REQUEST_FORMATS.map((f) => `"${f}"`).join(", ");
  const expected = `one of ${formatList}`;
  if (!isRecord(body)) {
    problems.add("", `the request body must be a JSON object with ${expected}; got ${describe(body)}`);
    problems.throwIfAny();
  }
  const fields = Object.keys(body as Record<string, unknown>);
  const formats = fields.filter((f): f is (typeof REQUEST_FORMATS)[number] => (REQUEST_FORMATS as readonly string[]).includes(f));
  for (const f of fields) if (!formats.includes(f as (typeof REQUEST_FORMATS)[number])) problems.add(f, `not a recognised field (expected ${expected})`);
  if (formats.length === 0) problems.add("", `the request body has none of ${formatList}`);
  if (formats.length > 1) problems.add("", `the request body has ${formats.map((f) => `"${f}"`).join(" and ")}; send exactly one`);
  const format = formats.length === 1 ? formats[0] : undefined;
  let rows: Record<string, Cell>[] = [];
  if (format !== undefined) {
    const value = (body as Record<string, unknown>)[format];
    rows = format === "dataframe_split" ? parseSplit(value, signature, maxRows, problems) : parseRecords(format, value, signature, maxRows, problems);
  }
  problems.throwIfAny();
  return rows;
}
