/** Experiments: create, list, read, and the baseline run every comparison is measured against. */
import { and, desc, eq, newId, rowsOf, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import {
  ZCreateExperimentInput,
  ZExperimentInput,
  ZSetBaselineInput,
  type CreateExperimentInput,
  type Experiment,
  type ExperimentInput,
  type SetBaselineInput,
} from "../../schemas/experiments";
import { ZProjectInput } from "../../schemas/common";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { actorRef, userNames } from "../datasets/common";
import { isUniqueViolation, iso } from "../dto";
import { findExperiment, findRun, type ExperimentRow } from "./common";

async function toExperiments(db: DbOrTx, rows: ExperimentRow[]): Promise<Experiment[]> {
  if (rows.length === 0) return [];
  const stats = rowsOf<{ experiment_id: string; runs: number; active: number; last: Date | string | null }>(
    await db.execute(sql`
      select experiment_id, count(*)::int as runs,
             count(*) filter (where status in ('queued', 'running'))::int as active,
             max(created_at) as last
      from runs
      where experiment_id in (${sql.join(
        rows.map((r) => sql`${r.id}`),
        sql`, `,
      )}) and parent_run_id is null
      group by experiment_id`),
  );
  const byId = new Map(stats.map((s) => [s.experiment_id, s]));
  const names = await userNames(
    db,
    rows.map((r) => r.createdBy),
  );
  return rows.map((r) => {
    const s = byId.get(r.id);
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      baselineRunId: r.baselineRunId,
      runCount: s?.runs ?? 0,
      activeRunCount: s?.active ?? 0,
      lastRunAt: s?.last ? new Date(s.last).toISOString() : null,
      createdBy: actorRef(r.createdBy, names),
      createdAt: iso(r.createdAt),
    };
  });
}

export async function createExperiment(ctx: ServiceContext, rawInput: CreateExperimentInput): Promise<Experiment> {
  const input = ZCreateExperimentInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(schema.experiments)
        .values({ id: newId("experiment"), projectId: access.project.id, name: input.name, description: input.description, createdBy: actorUserId(ctx) })
        .returning();
      if (!created) throw new Error("insert returned no row");
      await writeAuditEvent(tx, ctx, {
        action: "experiment.create",
        entityType: "experiment",
        entityId: created.id,
        projectId: access.project.id,
        before: null,
        after: { name: created.name, description: created.description },
      });
      return created;
    });
    const [dto] = await toExperiments(ctx.db, [row]);
    if (!dto) throw new Error("experiment vanished");
    return dto;
  } catch (err) {
    if (isUniqueViolation(err, "experiments_project_name_key")) {
      throw new KeelError("CONFLICT", `An experiment named '${input.name}' already exists in this project (names ignore case).`, [
        { path: "name", message: "already taken" },
      ]);
    }
    throw err;
  }
}

export async function listExperiments(ctx: ServiceContext, rawInput: { project: string }): Promise<Experiment[]> {
  const input = ZProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const rows = await ctx.db
    .select()
    .from(schema.experiments)
    .where(eq(schema.experiments.projectId, access.project.id))
    .orderBy(desc(schema.experiments.updatedAt), desc(schema.experiments.id));
  return toExperiments(ctx.db, rows);
}

export async function getExperiment(ctx: ServiceContext, rawInput: ExperimentInput): Promise<Experiment> {
  const input = ZExperimentInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.read");
  const [dto] = await toExperiments(ctx.db, [await findExperiment(ctx.db, access.project.id, input.experiment)]);
  if (!dto) throw new Error("experiment vanished");
  return dto;
}

/** Marks one run of the experiment as its baseline (or clears it with `run: null`). */
export async function setBaseline(ctx: ServiceContext, rawInput: SetBaselineInput): Promise<Experiment> {
  const input = ZSetBaselineInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "experiment.write");
  const row = await ctx.db.transaction(async (tx) => {
    const exp = await findExperiment(tx, access.project.id, input.experiment);
    if (input.run !== null) {
      const run = await findRun(tx, access.project.id, input.run);
      if (run.experimentId !== exp.id) {
        throw new KeelError("BAD_REQUEST", `Run ${run.id} belongs to another experiment: a baseline must be a run of '${exp.name}'.`, [
          { path: "run", message: "not in this experiment" },
        ]);
      }
      if (run.kind === "sweep") {
        throw new KeelError("BAD_REQUEST", "A sweep is not a model: choose one of its trials as the baseline.", [{ path: "run", message: "is a sweep" }]);
      }
    }
    const [updated] = await tx
      .update(schema.experiments)
      .set({ baselineRunId: input.run, updatedAt: new Date() })
      .where(and(eq(schema.experiments.id, exp.id)))
      .returning();
    if (!updated) throw new Error("experiment vanished");
    await writeAuditEvent(tx, ctx, {
      action: "experiment.baseline.set",
      entityType: "experiment",
      entityId: exp.id,
      projectId: access.project.id,
      before: { baselineRunId: exp.baselineRunId },
      after: { baselineRunId: input.run },
    });
    return updated;
  });
  const [dto] = await toExperiments(ctx.db, [row]);
  if (!dto) throw new Error("experiment vanished");
  return dto;
}
