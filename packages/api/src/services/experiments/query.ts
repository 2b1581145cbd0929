/**
 * The runs table's query: a parsed filter (params, metrics, tags, attributes) compiled to SQL over
 * the key/value tables and their (key, value) indexes, sorted on any of them with nulls last, and
 * paged with a keyset cursor (the sort values and id of the last row), so page 200 costs what
 * page 1 does.
 */
import { inArray, rowsOf, schema, sql, type DbOrTx, type SQL } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { ZListRunsInput, ZRunKeysInput, type ListRunsInput, type RunKeys, type RunList } from "../../schemas/experiments";
import { requireProjectAccess } from "../access";
import { findExperiment, toRunSummaries, type RunRow } from "./common";
import {
  FilterSyntaxError,
  parseFilter,
  parseOrderBy,
  RUN_ATTRIBUTE_COLUMNS,
  TIME_ATTRIBUTES,
  type Condition,
  type OrderByTerm,
  type RunAttribute,
} from "./filter";

const SQL_OPS: Record<string, string> = { "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", LIKE: "like", ILIKE: "ilike" };

/** snake_case column of an attribute, e.g. start_time → started_at. */
function attributeColumn(attr: RunAttribute): SQL {
  const field = RUN_ATTRIBUTE_COLUMNS[attr];
  return sql.raw(`r.${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`);
}

function isTime(attr: string): boolean {
  return (TIME_ATTRIBUTES as readonly string[]).includes(attr);
}

function literal(v: string | number, time: boolean): SQL {
  if (time) return typeof v === "number" ? sql`to_timestamp(${v}::float8 / 1000.0)` : sql`${v}::timestamptz`;
  return typeof v === "number" ? sql`${v}::float8` : sql`${v}::text`;
}

function compare(column: SQL, c: Condition, time = false): SQL {
  if (c.op === "IN" || c.op === "NOT IN") {
    const values = Array.isArray(c.value) ? c.value : [c.value];
    const list = sql.join(
      values.map((v) => literal(time ? v : String(v), time)),
      sql`, `,
    );
    return c.op === "IN" ? sql`${column} in (${list})` : sql`${column} not in (${list})`;
  }
  const op = SQL_OPS[c.op];
  if (!op || Array.isArray(c.value)) throw new Error(`unsupported operator ${c.op}`);
  return sql`${column} ${sql.raw(op)} ${literal(c.value, time)}`;
}

function conditionSql(c: Condition): SQL {
  switch (c.kind) {
    case "param": {
      const numeric = typeof c.value === "number" || (Array.isArray(c.value) && c.value.every((v) => typeof v === "number"));
      const cmp = numeric && c.op !== "IN" && c.op !== "NOT IN" ? compare(sql`p.value_number`, c) : compare(sql`p.value`, c);
      return sql`exists (select 1 from run_params p where p.run_id = r.id and p.key = ${c.key} and ${cmp})`;
    }
    case "metric":
      return sql`exists (select 1 from run_latest_metrics m where m.run_id = r.id and m.key = ${c.key} and ${compare(sql`m.value`, c)})`;
    case "tag":
      return sql`exists (select 1 from run_tags t where t.run_id = r.id and t.key = ${c.key} and ${compare(sql`t.value`, c)})`;
    case "attribute": {
      const attr = c.key as RunAttribute;
      const column = attr === "status" ? sql`r.status::text` : attributeColumn(attr);
      return compare(column, c, isTime(attr));
    }
  }
}

interface SortKey {
  expr: SQL;
  dir: "asc" | "desc";
  cast: "float8" | "text" | "timestamptz";
}

/** Sort keys and the joins they need (one left join per param/metric/tag term). */
function sortKeys(terms: OrderByTerm[]): { keys: SortKey[]; joins: SQL[] } {
  const keys: SortKey[] = [];
  const joins: SQL[] = [];
  terms.forEach((t, i) => {
    const a = sql.raw(`o${i}`);
    switch (t.kind) {
      case "metric":
        joins.push(sql`left join run_latest_metrics ${a} on ${a}.run_id = r.id and ${a}.key = ${t.key}`);
        keys.push({ expr: sql`${a}.value`, dir: t.direction, cast: "float8" });
        break;
      case "param":
        joins.push(sql`left join run_params ${a} on ${a}.run_id = r.id and ${a}.key = ${t.key}`);
        keys.push({ expr: sql`${a}.value_number`, dir: t.direction, cast: "float8" }, { expr: sql`${a}.value`, dir: t.direction, cast: "text" });
        break;
      case "tag":
        joins.push(sql`left join run_tags ${a} on ${a}.run_id = r.id and ${a}.key = ${t.key}`);
        keys.push({ expr: sql`${a}.value`, dir: t.direction, cast: "text" });
        break;
      case "attribute": {
        const attr = t.key as RunAttribute;
        keys.push({ expr: attr === "status" ? sql`r.status::text` : attributeColumn(attr), dir: t.direction, cast: isTime(attr) ? "timestamptz" : "text" });
        break;
      }
    }
  });
  return { keys, joins };
}

type CursorValue = string | number | null;
interface Cursor {
  v: CursorValue[];
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(raw: string, n: number): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "v" in parsed && "id" in parsed) {
      const { v, id } = parsed;
      if (Array.isArray(v) && v.length === n && typeof id === "string" && v.every((x) => x === null || typeof x === "string" || typeof x === "number")) {
        return { v: v as CursorValue[], id };
      }
    }
  } catch {
    // fall through
  }
  throw new KeelError("BAD_REQUEST", "cursor: is not a cursor of this query (filter or order changed?): start again from the first page", [
    { path: "cursor", message: "invalid" },
  ]);
}

function typed(v: string | number, cast: SortKey["cast"]): SQL {
  return sql`${v}::${sql.raw(cast)}`;
}

/** Rows after the cursor in (k1 dir1 nulls last, …, id) order. */
function afterCursor(keys: SortKey[], cursor: Cursor, idDir: "asc" | "desc"): SQL {
  const ors: SQL[] = [];
  const equalSoFar: SQL[] = [];
  keys.forEach((k, i) => {
    const v = cursor.v[i] ?? null;
    if (v !== null) {
      const cmp = k.dir === "asc" ? sql`>` : sql`<`;
      ors.push(sql.join([...equalSoFar, sql`(${k.expr} ${cmp} ${typed(v, k.cast)} or ${k.expr} is null)`], sql` and `));
      equalSoFar.push(sql`${k.expr} = ${typed(v, k.cast)}`);
    } else {
      equalSoFar.push(sql`${k.expr} is null`);
    }
  });
  ors.push(sql.join([...equalSoFar, idDir === "asc" ? sql`r.id > ${cursor.id}` : sql`r.id < ${cursor.id}`], sql` and `));
  return sql`(${sql.join(
    ors.map((o) => sql`(${o})`),
    sql` or `,
  )})`;
}

function parseOrThrow<T>(what: "filter" | "orderBy", text: string, parse: (t: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new KeelError("BAD_REQUEST", `${what}: ${err.message}`, [{ path: what, message: err.message }]);
    throw err;
  }
}

export async function listRuns(ctx: ServiceContext, rawInput: ListRunsInput): Promise<RunList> {
  const input = ZListRunsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const filter = input.filter.trim() ? parseOrThrow("filter", input.filter, parseFilter) : [];
  const order = input.orderBy.trim() ? parseOrThrow("orderBy", input.orderBy, parseOrderBy) : [];
  const where: SQL[] = [sql`r.project_id = ${access.project.id}`];
  if (input.experiment) where.push(sql`r.experiment_id = ${(await findExperiment(ctx.db, access.project.id, input.experiment)).id}`);
  if (input.parent) where.push(sql`r.parent_run_id = ${input.parent}`);
  else if (!input.includeTrials) where.push(sql`r.parent_run_id is null`);
  for (const c of filter) where.push(conditionSql(c));

  const { keys, joins } = sortKeys(order.length > 0 ? order : [{ kind: "attribute", key: "created_at", direction: "desc" }]);
  const idDir = keys[0]?.dir ?? "desc";
  const pageWhere = [...where];
  if (input.cursor) pageWhere.push(afterCursor(keys, decodeCursor(input.cursor, keys.length), idDir));
  const orderSql = sql.join(
    [...keys.map((k) => sql`${k.expr} ${sql.raw(k.dir)} nulls last`), sql`r.id ${sql.raw(idDir)}`],
    sql`, `,
  );
  const selectKeys = keys.map((k, i) => sql`${k.expr} as ${sql.raw(`k${i}`)}`);
  const [page, totalRows] = await Promise.all([
    ctx.db.execute(sql`
      select r.id${selectKeys.length ? sql`, ${sql.join(selectKeys, sql`, `)}` : sql``}
      from runs r ${sql.join(joins, sql` `)}
      where ${sql.join(pageWhere, sql` and `)}
      order by ${orderSql}
      limit ${input.limit + 1}`),
    ctx.db.execute(sql`select count(*)::int as n from runs r where ${sql.join(where, sql` and `)}`),
  ]);
  const pageRows = rowsOf<Record<string, unknown>>(page);
  const more = pageRows.length > input.limit;
  const shown = pageRows.slice(0, input.limit);
  const ids = shown.map((r) => String(r.id));
  const full = ids.length ? await ctx.db.select().from(schema.runs).where(inArray(schema.runs.id, ids)) : [];
  const byId = new Map(full.map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is RunRow => r !== undefined);
  const last = shown.at(-1);
  const cursorValue = (v: unknown): CursorValue => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === "number" || typeof v === "string" ? v : typeof v === "bigint" ? Number(v) : JSON.stringify(v));
  return {
    items: await toRunSummaries(ctx.db, rows),
    nextCursor: more && last ? encodeCursor({ v: keys.map((_, i) => cursorValue(last[`k${i}`])), id: String(last.id) }) : null,
    total: Number(rowsOf<{ n: number }>(totalRows)[0]?.n ?? 0),
  };
}

/** Every param, metric and tag key in use, to pick the table's columns from. */
export async function listRunKeys(ctx: ServiceContext, rawInput: { project: string; experiment?: string }): Promise<RunKeys> {
  const input = ZRunKeysInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const scope: SQL = input.experiment
    ? sql`r.experiment_id = ${(await findExperiment(ctx.db, access.project.id, input.experiment)).id}`
    : sql`r.project_id = ${access.project.id}`;
  const keysOf = async (table: string, db: DbOrTx): Promise<string[]> =>
    rowsOf<{ key: string }>(await db.execute(sql`select distinct x.key from ${sql.raw(table)} x join runs r on r.id = x.run_id where ${scope} order by x.key`)).map(
      (r) => r.key,
    );
  const [params, metrics, tags] = await Promise.all([keysOf("run_params", ctx.db), keysOf("run_latest_metrics", ctx.db), keysOf("run_tags", ctx.db)]);
  return { params, metrics, tags };
}
