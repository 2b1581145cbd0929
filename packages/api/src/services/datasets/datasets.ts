/** Datasets: create, list (search, sort, keyset pages), read, describe, and their quality rules. */
import { and, asc, desc, eq, ilike, newId, or, schema, sql, type SQL } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import {
  ZCreateDatasetInput,
  ZDatasetInput,
  ZListDatasetsInput,
  ZSetQualityRulesInput,
  ZUpdateDatasetInput,
  type CreateDatasetInput,
  type Dataset,
  type DatasetInput,
  type DatasetList,
  type ListDatasetsInput,
  type SetQualityRulesInput,
  type UpdateDatasetInput,
} from "../../schemas/datasets";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { isUniqueViolation } from "../dto";
import { findDataset, rulesOf, toDatasets } from "./common";

export async function createDataset(ctx: ServiceContext, rawInput: CreateDatasetInput): Promise<Dataset> {
  const input = ZCreateDatasetInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.write");
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const now = new Date();
      const [created] = await tx
        .insert(schema.datasets)
        .values({
          id: newId("dataset"),
          projectId: access.project.id,
          name: input.name,
          description: input.description,
          createdBy: actorUserId(ctx),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!created) throw new Error("insert returned no row");
      await writeAuditEvent(tx, ctx, {
        action: "dataset.create",
        entityType: "dataset",
        entityId: created.id,
        projectId: access.project.id,
        before: null,
        after: { name: created.name, description: created.description },
      });
      return created;
    });
    const [dto] = await toDatasets(ctx.db, [row]);
    if (!dto) throw new Error("dataset vanished");
    return dto;
  } catch (err) {
    if (isUniqueViolation(err, "datasets_project_name_key")) {
      throw new KeelError("CONFLICT", `A dataset named '${input.name}' already exists in this project (names ignore case).`, [
        { path: "name", message: "already taken" },
      ]);
    }
    throw err;
  }
}

interface DatasetCursor {
  k: string | number;
  id: string;
}

function encodeCursor(c: DatasetCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(raw: string): DatasetCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof v === "object" && v !== null && "k" in v && "id" in v) {
      const { k, id } = v;
      if ((typeof k === "string" || typeof k === "number") && typeof id === "string") return { k, id };
    }
  } catch {
    // fall through
  }
  throw new KeelError("BAD_REQUEST", "The cursor is not one this list returned: start again without it.", [{ path: "cursor", message: "invalid" }]);
}

/** Lists datasets: `search` matches name or description; sort by last update (default), creation or name. */
export async function listDatasets(ctx: ServiceContext, rawInput: ListDatasetsInput): Promise<DatasetList> {
  const input = ZListDatasetsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const t = schema.datasets;
  const order = input.order ?? (input.sort === "name" ? "asc" : "desc");
  const key = input.sort === "name" ? sql`lower(${t.name})` : input.sort === "created" ? t.createdAt : t.updatedAt;
  const conditions: (SQL | undefined)[] = [eq(t.projectId, access.project.id)];
  if (input.search) {
    const pattern = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(t.name, pattern), ilike(t.description, pattern)));
  }
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    const k = input.sort === "name" ? sql`${String(c.k)}::text` : sql`${new Date(Number(c.k)).toISOString()}::timestamptz`;
    conditions.push(sql`(${key}, ${t.id}) ${sql.raw(order === "asc" ? ">" : "<")} (${k}, ${c.id})`);
  }
  const dir = order === "asc" ? asc : desc;
  const rows = await ctx.db
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(dir(key), dir(t.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor({
          k: input.sort === "name" ? last.name.toLowerCase() : (input.sort === "created" ? last.createdAt : last.updatedAt).getTime(),
          id: last.id,
        })
      : null;
  return { items: await toDatasets(ctx.db, page), nextCursor };
}

export async function getDataset(ctx: ServiceContext, rawInput: DatasetInput): Promise<Dataset> {
  const input = ZDatasetInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.read");
  const row = await findDataset(ctx.db, access.project.id, input.dataset);
  const [dto] = await toDatasets(ctx.db, [row]);
  if (!dto) throw new Error("dataset vanished");
  return dto;
}

export async function updateDataset(ctx: ServiceContext, rawInput: UpdateDatasetInput): Promise<Dataset> {
  const input = ZUpdateDatasetInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.write");
  const row = await ctx.db.transaction(async (tx) => {
    const current = await findDataset(tx, access.project.id, input.dataset);
    const [after] = await tx
      .update(schema.datasets)
      .set({ description: input.description, updatedAt: new Date() })
      .where(eq(schema.datasets.id, current.id))
      .returning();
    if (!after) throw new Error("update returned no row");
    await writeAuditEvent(tx, ctx, {
      action: "dataset.update",
      entityType: "dataset",
      entityId: current.id,
      projectId: access.project.id,
      before: { description: current.description },
      after: { description: after.description },
    });
    return after;
  });
  const [dto] = await toDatasets(ctx.db, [row]);
  if (!dto) throw new Error("dataset vanished");
  return dto;
}

/** Replaces a dataset's quality rules. They are checked on every version uploaded from now on. */
export async function setQualityRules(ctx: ServiceContext, rawInput: SetQualityRulesInput): Promise<Dataset> {
  const input = ZSetQualityRulesInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "dataset.write");
  input.rules.forEach((rule, i) => {
    if (rule.kind !== "regex") return;
    try {
      new RegExp(rule.pattern, "u");
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new KeelError("BAD_REQUEST", `Rule '${rule.id}' has an invalid regular expression: ${why}`, [{ path: `rules.${i}.pattern`, message: why }]);
    }
  });
  const row = await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(schema.datasets)
      .where(eq(schema.datasets.id, (await findDataset(tx, access.project.id, input.dataset)).id))
      .for("update");
    if (!current) throw new Error("dataset vanished");
    const [after] = await tx
      .update(schema.datasets)
      .set({ qualityRules: input.rules, updatedAt: new Date() })
      .where(eq(schema.datasets.id, current.id))
      .returning();
    if (!after) throw new Error("update returned no row");
    await writeAuditEvent(tx, ctx, {
      action: "dataset.rules.update",
      entityType: "dataset",
      entityId: current.id,
      projectId: access.project.id,
      before: { rules: rulesOf(current) },
      after: { rules: input.rules },
    });
    return after;
  });
  const [dto] = await toDatasets(ctx.db, [row]);
  if (!dto) throw new Error("dataset vanished");
  return dto;
}
