/**
 * External runs: a model trained elsewhere reports to Keel through REST — create the run, log
 * params, tags and metric batches (up to 10,000 points each), then finish it. Each batch is one
 * transaction: it is stored whole or not at all.
 */
import { and, eq, newId, schema } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import {
  ZCreateExternalRunInput,
  ZFinishRunInput,
  ZLogRunInput,
  ZSetTagsInput,
  type CreateExternalRunInput,
  type FinishRunInput,
  type LogRunInput,
  type Run,
} from "../../schemas/experiments";
import type { z } from "zod";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { findExperiment, findRun, isEnded, writeParams, writeTags } from "./common";
import { nextRunNumber } from "./launch";
import { writeMetricPoints, type StoredPoint } from "./metrics";
import { toRunDetail } from "./runs";

export async function createExternalRun(ctx: ServiceContext, rawInput: CreateExternalRunInput): Promise<{ id: string; number: number; status: "running" }> {
  const input = ZCreateExternalRunInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const experiment = await findExperiment(ctx.db, access.project.id, input.experiment);
  const run = await ctx.db.transaction(async (tx) => {
    const number = await nextRunNumber(tx, experiment.id);
    const now = new Date();
    const [row] = await tx
      .insert(schema.runs)
      .values({
        id: newId("run"),
        projectId: access.project.id,
        experimentId: experiment.id,
        number,
        name: input.name ?? `external-${number}`,
        kind: "external",
        status: "running",
        createdBy: actorUserId(ctx),
        startedAt: now,
        heartbeatAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await writeParams(tx, row.id, input.params ?? {});
    await writeTags(tx, row.id, input.tags ?? {});
    await writeAuditEvent(tx, ctx, {
      action: "experiment.run.create",
      entityType: "run",
      entityId: row.id,
      projectId: access.project.id,
      before: null,
      after: { experiment: experiment.name, name: row.name, kind: "external", params: input.params ?? {}, tags: input.tags ?? {} },
    });
    return row;
  });
  return { id: run.id, number: run.number, status: "running" };
}

/**
 * Logs a batch to a running external run. Metric points are not audited one by one (a run may log
 * millions); the batch's size is, with the params and tags it set.
 */
export async function logRun(ctx: ServiceContext, rawInput: LogRunInput): Promise<{ params: number; tags: number; metrics: number }> {
  return logParsedRun(ctx, ZLogRunInput.parse(rawInput));
}

/**
 * logRun for input the caller has already checked against ZLogRunInput (the router has): a batch
 * of 10,000 points is not validated twice.
 */
export async function logParsedRun(ctx: ServiceContext, input: z.output<typeof ZLogRunInput>): Promise<{ params: number; tags: number; metrics: number }> {
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const now = new Date();
  const points: StoredPoint[] = (input.metrics ?? []).map((m) => ({
    key: m.key,
    value: m.value,
    step: m.step,
    timestamp: m.timestamp === undefined ? now : new Date(m.timestamp),
  }));
  return ctx.db.transaction(async (tx) => {
    const run = await findRun(tx, access.project.id, input.run, { forUpdate: true });
    if (run.kind !== "external") {
      throw new KeelError("CONFLICT", `Run ${run.id} is trained by Keel's worker: only an external run takes logged values.`, [{ path: "run", message: `is a ${run.kind} run` }]);
    }
    if (isEnded(run.status)) {
      throw new KeelError("CONFLICT", `Run ${run.id} has ended (${run.status}): nothing more can be logged to it.`, [{ path: "run", message: run.status }]);
    }
    const params = await writeParams(tx, run.id, input.params ?? {});
    const tags = await writeTags(tx, run.id, input.tags ?? {});
    await writeMetricPoints(tx, run.id, 0, points);
    await tx.update(schema.runs).set({ heartbeatAt: now }).where(eq(schema.runs.id, run.id));
    if (params > 0 || tags > 0) {
      await writeAuditEvent(tx, ctx, {
        action: "experiment.run.log",
        entityType: "run",
        entityId: run.id,
        projectId: access.project.id,
        before: null,
        after: { params: input.params ?? {}, tags: input.tags ?? {}, metricPoints: points.length },
      });
    }
    return { params, tags, metrics: points.length };
  });
}

export async function finishRun(ctx: ServiceContext, rawInput: FinishRunInput): Promise<Run> {
  const input = ZFinishRunInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const row = await ctx.db.transaction(async (tx) => {
    const run = await findRun(tx, access.project.id, input.run, { forUpdate: true });
    if (run.kind !== "external") {
      throw new KeelError("CONFLICT", `Run ${run.id} is trained by Keel's worker: it ends by itself (cancel it to stop it).`, [{ path: "run", message: `is a ${run.kind} run` }]);
    }
    if (isEnded(run.status)) throw new KeelError("CONFLICT", `Run ${run.id} has already ended (${run.status}).`, [{ path: "run", message: run.status }]);
    const now = new Date();
    const [updated] = await tx
      .update(schema.runs)
      .set({ status: input.status, endedAt: now, error: input.status === "failed" ? (input.error ?? "reported as failed by the script") : null })
      .where(eq(schema.runs.id, run.id))
      .returning();
    await writeAuditEvent(tx, ctx, {
      action: "experiment.run.finish",
      entityType: "run",
      entityId: run.id,
      projectId: access.project.id,
      before: { status: run.status },
      after: { status: input.status },
    });
    if (!updated) throw new Error("run vanished");
    return updated;
  });
  return toRunDetail(ctx.db, row);
}

/** Sets and removes tags of any run (tags stay editable after a run ended). */
export async function setRunTags(ctx: ServiceContext, rawInput: z.input<typeof ZSetTagsInput>): Promise<Run> {
  const input = ZSetTagsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  await ctx.db.transaction(async (tx) => {
    const run = await findRun(tx, access.project.id, input.run);
    const before = await tx.select().from(schema.runTags).where(eq(schema.runTags.runId, run.id));
    await writeTags(tx, run.id, input.tags);
    for (const key of input.remove) {
      await tx.delete(schema.runTags).where(and(eq(schema.runTags.runId, run.id), eq(schema.runTags.key, key)));
    }
    await writeAuditEvent(tx, ctx, {
      action: "experiment.run.tags",
      entityType: "run",
      entityId: run.id,
      projectId: access.project.id,
      before: Object.fromEntries(before.map((t) => [t.key, t.value])),
      after: { set: input.tags, removed: input.remove },
    });
  });
  return toRunDetail(ctx.db, await findRun(ctx.db, access.project.id, input.run));
}
