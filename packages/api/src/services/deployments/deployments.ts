/**
 * Deployments: a model served in an environment (`staging`, `production`) with a traffic split
 * across its versions — `live` routes weighted to 100, `shadow` routes getting a copy. Every
 * change (create, set traffic, promote, rollback) appends a revision to `deployment_revisions`
 * and an audit event in one transaction, under the deployment's row lock, so revision numbers
 * are consecutive and "which versions served D at time T, with which split" is read from there.
 *
 * In `production` a version may take LIVE traffic only when it is approved: it has an approval
 * request with status `approved` for a protected alias of the model, or it holds the
 * `production` alias now. Shadow routes need no approval (their answers are never returned).
 */
import { and, asc, desc, eq, inArray, lte, newId, or, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../../context";
import { KeelError } from "../../errors";
import { ZProjectInput } from "../../schemas/common";
import {
  ZCreateDeploymentInput,
  ZDeployableVersionsInput,
  ZDeploymentInput,
  ZRollbackInput,
  ZVersionDeploymentsInput,
  ZDeploymentStateInput,
  ZPromoteInput,
  ZSetTrafficInput,
  type CreateDeploymentInput,
  type DeployableVersion,
  type DeployableVersionsInput,
  type Deployment,
  type DeploymentDetail,
  type DeploymentEnvironment,
  type DeploymentInput,
  type DeploymentRevision,
  type DeploymentRoute,
  type DeploymentState,
  type DeploymentStateInput,
  type PromoteInput,
  type RollbackInput,
  type SetTrafficInput,
  type VersionDeployment,
  type VersionDeploymentsInput,
} from "../../schemas/deployments";
import { actorUserId, requireProjectAccess } from "../access";
import { writeAuditEvent } from "../audit";
import { actorRef, userNames } from "../datasets/common";
import { iso, isUniqueViolation } from "../dto";
import { findModel, findVersion, type ModelRow } from "../registry/index";
import { checkRoutes, type NormalizedRoute, type RouteProblem } from "./routing";

type DeploymentRouteJson = schema.DeploymentRouteJson;
type DeploymentRow = typeof schema.deployments.$inferSelect;
type RevisionRow = typeof schema.deploymentRevisions.$inferSelect;

function actorOf(ctx: Pick<ServiceContext, "actor">): { id: string | null; name: string } {
  const a = ctx.actor;
  return a ? { id: a.id, name: a.name } : { id: null, name: "anonymous" };
}

function badRoutes(problems: RouteProblem[]): KeelError {
  return new KeelError("BAD_REQUEST", `Invalid traffic split: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}.`, problems);
}

/** A deployment of the project by name (case-insensitive); `forUpdate` locks its row. */
async function findDeployment(db: DbOrTx, projectId: string, name: string, opts: { forUpdate?: boolean } = {}): Promise<DeploymentRow> {
  const d = schema.deployments;
  const q = db
    .select()
    .from(d)
    .where(and(eq(d.projectId, projectId), sql`lower(${d.name}) = lower(${name})`))
    .limit(1);
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) throw new KeelError("NOT_FOUND", `No deployment '${name}' in this project.`, [{ path: "deployment", message: "not found" }]);
  return row;
}

async function modelById(db: DbOrTx, id: string, opts: { share?: boolean } = {}): Promise<ModelRow> {
  const q = db.select().from(schema.registeredModels).where(eq(schema.registeredModels.id, id));
  const [row] = opts.share ? await q.for("share") : await q;
  if (!row) throw new Error(`model ${id} vanished`);
  return row;
}

/**
 * Resolves checked routes to stored routes: every version must be a `ready` version of the model
 * and, in production, every live one approved. `paths` maps each route to the field named in errors.
 */
async function resolveRoutes(tx: DbOrTx, model: ModelRow, environment: DeploymentEnvironment, routes: NormalizedRoute[], paths: string[]): Promise<DeploymentRouteJson[]> {
  const numbers = routes.map((r) => r.version);
  const rows = await tx
    .select({ id: schema.modelVersions.id, version: schema.modelVersions.version, status: schema.modelVersions.status })
    .from(schema.modelVersions)
    .where(and(eq(schema.modelVersions.modelId, model.id), inArray(schema.modelVersions.version, numbers)));
  const byNumber = new Map(rows.map((r) => [r.version, r]));
  const missing: { path: string; version: number }[] = [];
  const archived: { path: string; version: number }[] = [];
  routes.forEach((r, i) => {
    const v = byNumber.get(r.version);
    const path = paths[i] ?? `traffic.${i}.version`;
    if (!v) missing.push({ path, version: r.version });
    else if (v.status !== "ready") archived.push({ path, version: r.version });
  });
  if (missing.length > 0) {
    throw new KeelError(
      "NOT_FOUND",
      `Model '${model.name}' has no version ${missing.map((m) => m.version).join(", ")}.`,
      missing.map((m) => ({ path: m.path, message: `model '${model.name}' has no version ${m.version}` })),
    );
  }
  if (archived.length > 0) {
    throw new KeelError(
      "CONFLICT",
      `Archived versions cannot take traffic: version ${archived.map((a) => a.version).join(", ")} of '${model.name}' ${archived.length === 1 ? "is" : "are"} archived.`,
      archived.map((a) => ({ path: a.path, message: `version ${a.version} is archived` })),
    );
  }
  if (environment === "production") {
    const liveIds = routes.filter((r) => r.mode === "live").map((r) => byNumber.get(r.version)?.id ?? "");
    const approved = await approvedVersions(tx, model, liveIds);
    const refused: { path: string; message: string; version: number }[] = [];
    routes.forEach((r, i) => {
      if (r.mode === "live" && !approved.has(byNumber.get(r.version)?.id ?? "")) {
        refused.push({ path: paths[i] ?? `traffic.${i}.version`, message: `version ${r.version} is not approved for production`, version: r.version });
      }
    });
    if (refused.length > 0) {
      const list = `version ${refused.map((p) => p.version).join(", ")}`;
      throw new KeelError(
        "CONFLICT",
        `Only approved versions can take live production traffic: ${list} of '${model.name}' ${refused.length === 1 ? "has" : "have"} no approved promotion to a protected alias and ${refused.length === 1 ? "does" : "do"} not hold 'production'. Request approval first, or route ${refused.length === 1 ? "it" : "them"} as shadow.`,
        refused.map((p) => ({ path: p.path, message: p.message })),
      );
    }
  }
  return routes.map((r) => {
    const v = byNumber.get(r.version);
    if (!v) throw new Error("version vanished");
    return { versionId: v.id, version: v.version, mode: r.mode, weight: r.weight };
  });
}

/**
 * The versions (of `ids`) approved for production: an approved request for a protected alias of
 * the model, or holding the `production` alias now.
 */
async function approvedVersions(db: DbOrTx, model: ModelRow, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (ids.length === 0) return out;
  const protectedAliases = model.protectedAliases.map((a) => a.toLowerCase());
  if (protectedAliases.length > 0) {
    const a = schema.approvalRequests;
    const rows = await db
      .select({ versionId: a.versionId })
      .from(a)
      .where(and(eq(a.modelId, model.id), eq(a.status, "approved"), inArray(a.versionId, ids), inArray(sql`lower(${a.alias})`, protectedAliases)));
    for (const r of rows) out.add(r.versionId);
  }
  const holders = await db
    .select({ versionId: schema.modelAliases.versionId })
    .from(schema.modelAliases)
    .where(and(eq(schema.modelAliases.modelId, model.id), eq(schema.modelAliases.alias, "production"), inArray(schema.modelAliases.versionId, ids)));
  for (const h of holders) out.add(h.versionId);
  return out;
}

function checked(routes: Parameters<typeof checkRoutes>[0]): NormalizedRoute[] {
  const res = checkRoutes(routes);
  if (!res.ok) throw badRoutes(res.problems);
  return res.routes;
}

async function currentRevision(tx: DbOrTx, dep: DeploymentRow): Promise<RevisionRow> {
  const r = schema.deploymentRevisions;
  const [row] = await tx
    .select()
    .from(r)
    .where(and(eq(r.deploymentId, dep.id), eq(r.revision, dep.currentRevision)));
  if (!row) throw new Error(`deployment ${dep.id} has no revision ${dep.currentRevision}`);
  return row;
}

/** Appends revision current+1 under the deployment's row lock (the caller holds it) and audits it. */
async function appendRevision(
  tx: DbOrTx,
  ctx: ServiceContext,
  dep: DeploymentRow,
  routes: DeploymentRouteJson[],
  reason: string,
  action: string,
  before: DeploymentRouteJson[],
): Promise<void> {
  const revision = dep.currentRevision + 1;
  const actor = actorOf(ctx);
  // clock_timestamp(), not now(): taken under the lock, so revision times follow revision order.
  await tx.insert(schema.deploymentRevisions).values({ deploymentId: dep.id, revision, routes, reason, actorId: actor.id, actorName: actor.name, at: sql`clock_timestamp()` });
  await tx.update(schema.deployments).set({ currentRevision: revision, updatedAt: sql`clock_timestamp()` }).where(eq(schema.deployments.id, dep.id));
  await writeAuditEvent(tx, ctx, {
    action,
    entityType: "deployment",
    entityId: dep.id,
    projectId: dep.projectId,
    before: { revision: dep.currentRevision, routes: before },
    after: { revision, routes, reason },
  });
}

/** A stored route as the API shows it (`weight` is stored; the API says `percent`, as API.md). */
function toTrafficRoute(r: DeploymentRouteJson): DeploymentRoute {
  return { versionId: r.versionId, version: r.version, mode: r.mode, percent: r.weight };
}

function toRevision(r: RevisionRow): DeploymentRevision {
  return { revision: r.revision, traffic: r.routes.map(toTrafficRoute), reason: r.reason, actor: { id: r.actorId, name: r.actorName }, at: iso(r.at) };
}

async function toDeployments(db: DbOrTx, rows: DeploymentRow[]): Promise<Deployment[]> {
  if (rows.length === 0) return [];
  const r = schema.deploymentRevisions;
  const [models, revisions, names] = await Promise.all([
    db
      .select({ id: schema.registeredModels.id, name: schema.registeredModels.name })
      .from(schema.registeredModels)
      .where(
        inArray(
          schema.registeredModels.id,
          rows.map((d) => d.modelId),
        ),
      ),
    db
      .select({ deploymentId: r.deploymentId, revision: r.revision, routes: r.routes })
      .from(r)
      .where(or(...rows.map((d) => and(eq(r.deploymentId, d.id), eq(r.revision, d.currentRevision))))),
    userNames(
      db,
      rows.map((d) => d.createdBy),
    ),
  ]);
  const modelName = new Map(models.map((m) => [m.id, m.name]));
  const routesOf = new Map(revisions.map((v) => [v.deploymentId, v.routes]));
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    model: modelName.get(d.modelId) ?? d.modelId,
    environment: d.environment,
    currentRevision: d.currentRevision,
    traffic: (routesOf.get(d.id) ?? []).map(toTrafficRoute),
    createdBy: actorRef(d.createdBy, names),
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  }));
}

async function detail(db: DbOrTx, dep: DeploymentRow): Promise<DeploymentDetail> {
  const [dto] = await toDeployments(db, [dep]);
  if (!dto) throw new Error("deployment vanished");
  const r = schema.deploymentRevisions;
  const history = await db.select().from(r).where(eq(r.deploymentId, dep.id)).orderBy(desc(r.revision));
  return { ...dto, history: history.map(toRevision) };
}

/** Creates a deployment of a model with its first traffic split (revision 1, reason "create"). */
export async function createDeployment(ctx: ServiceContext, rawInput: CreateDeploymentInput): Promise<DeploymentDetail> {
  const input = ZCreateDeploymentInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "deployment.write");
  const routes = checked(input.traffic);
  try {
    const dep = await ctx.db.transaction(async (tx) => {
      const model = await findModel(tx, access.project.id, input.model);
      await modelById(tx, model.id, { share: true });
      const stored = await resolveRoutes(
        tx,
        model,
        input.environment,
        routes,
        routes.map((_, i) => `traffic.${i}.version`),
      );
      const id = newId("deployment");
      const [created] = await tx
        .insert(schema.deployments)
        .values({ id, projectId: access.project.id, modelId: model.id, name: input.name, environment: input.environment, currentRevision: 1, createdBy: actorUserId(ctx) })
        .returning();
      if (!created) throw new Error("insert returned no row");
      const actor = actorOf(ctx);
      await tx.insert(schema.deploymentRevisions).values({ deploymentId: id, revision: 1, routes: stored, reason: "create", actorId: actor.id, actorName: actor.name, at: sql`clock_timestamp()` });
      await writeAuditEvent(tx, ctx, {
        action: "deployment.create",
        entityType: "deployment",
        entityId: id,
        projectId: access.project.id,
        before: null,
        after: { name: created.name, model: model.name, environment: created.environment, revision: 1, routes: stored },
      });
      return created;
    });
    return detail(ctx.db, dep);
  } catch (err) {
    if (isUniqueViolation(err, "deployments_project_name_key")) {
      throw new KeelError("CONFLICT", `A deployment named '${input.name}' already exists in this project (names ignore case).`, [{ path: "name", message: "already taken" }]);
    }
    throw err;
  }
}

export async function listDeployments(ctx: ServiceContext, rawInput: { project: string }): Promise<Deployment[]> {
  const input = ZProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "deployment.read");
  const rows = await ctx.db
    .select()
    .from(schema.deployments)
    .where(eq(schema.deployments.projectId, access.project.id))
    .orderBy(asc(sql`lower(${schema.deployments.name})`));
  return toDeployments(ctx.db, rows);
}

/** A deployment with its current routes and its whole history (newest revision first). */
export async function getDeployment(ctx: ServiceContext, rawInput: DeploymentInput): Promise<DeploymentDetail> {
  const input = ZDeploymentInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "deployment.read");
  return detail(ctx.db, await findDeployment(ctx.db, access.project.id, input.deployment));
}

/** Runs `change` under the deployment's row lock; it returns the new routes and the reason. */
async function mutate(
  ctx: ServiceContext,
  project: string,
  name: string,
  action: string,
  change: (tx: DbOrTx, dep: DeploymentRow, model: ModelRow, current: RevisionRow) => Promise<{ routes: DeploymentRouteJson[]; reason: string }>,
): Promise<DeploymentDetail> {
  const access = await requireProjectAccess(ctx, project, "deployment.write");
  const dep = await ctx.db.transaction(async (tx) => {
    const locked = await findDeployment(tx, access.project.id, name, { forUpdate: true });
    // Share-lock the model: archiving a version or moving an alias waits for this change.
    const model = await modelById(tx, locked.modelId, { share: true });
    const current = await currentRevision(tx, locked);
    const next = await change(tx, locked, model, current);
    await appendRevision(tx, ctx, locked, next.routes, next.reason, action, current.routes);
    return findDeployment(tx, access.project.id, name);
  });
  return detail(ctx.db, dep);
}

/** Replaces the traffic split (a new revision, reason "set traffic"). */
export async function setTraffic(ctx: ServiceContext, rawInput: SetTrafficInput): Promise<DeploymentDetail> {
  const input = ZSetTrafficInput.parse(rawInput);
  const routes = checked(input.traffic);
  return mutate(ctx, input.project, input.deployment, "deployment.traffic.set", async (tx, dep, model) => {
    if (input.ifMatch !== undefined && input.ifMatch !== dep.currentRevision) {
      throw new KeelError(
        "PRECONDITION_FAILED",
        `Deployment '${dep.name}' changed since revision ${input.ifMatch}: it is at revision ${dep.currentRevision} now. Reload it and apply your change again.`,
        [{ path: "ifMatch", message: `expected revision ${input.ifMatch}, found ${dep.currentRevision}` }],
      );
    }
    return {
      routes: await resolveRoutes(
      tx,
      model,
      dep.environment,
      routes,
        routes.map((_, i) => `traffic.${i}.version`),
      ),
      reason: "set traffic",
    };
  });
}

/** Promotes a routed version (the canary) to 100% live: it becomes the only route. */
export async function promote(ctx: ServiceContext, rawInput: PromoteInput): Promise<DeploymentDetail> {
  const input = ZPromoteInput.parse(rawInput);
  return mutate(ctx, input.project, input.deployment, "deployment.promote", async (tx, dep, model, current) => {
    if (!current.routes.some((r) => r.version === input.version)) {
      throw new KeelError("BAD_REQUEST", `Version ${input.version} is not routed by deployment '${dep.name}': promote one of its routes, or set the traffic.`, [
        { path: "version", message: "is not one of the deployment's routes" },
      ]);
    }
    if (current.routes.length === 1 && current.routes[0]?.mode === "live") {
      throw new KeelError("CONFLICT", `Version ${input.version} already takes 100% of deployment '${dep.name}'.`, [{ path: "version", message: "already takes all the traffic" }]);
    }
    return { routes: await resolveRoutes(tx, model, dep.environment, [{ version: input.version, mode: "live", weight: 100 }], ["version"]), reason: "promote" };
  });
}

/**
 * Rolls back to the previous revision's routes, as a NEW revision ("rollback to revision N", then
 * ": <comment>" when one is given): rolling back twice goes back and forth. The routes are checked
 * again (a version archived since, or in production no longer approved, is refused).
 */
export async function rollback(ctx: ServiceContext, rawInput: RollbackInput): Promise<DeploymentDetail> {
  const input = ZRollbackInput.parse(rawInput);
  return mutate(ctx, input.project, input.deployment, "deployment.rollback", async (tx, dep, model) => {
    const target = dep.currentRevision - 1;
    if (target < 1) {
      throw new KeelError("CONFLICT", `Deployment '${dep.name}' has no previous revision to roll back to.`, [{ path: "deployment", message: "has only one revision" }]);
    }
    const r = schema.deploymentRevisions;
    const [prev] = await tx
      .select()
      .from(r)
      .where(and(eq(r.deploymentId, dep.id), eq(r.revision, target)));
    if (!prev) throw new Error(`deployment ${dep.id} has no revision ${target}`);
    const routes = prev.routes.map((p) => ({ version: p.version, mode: p.mode, weight: p.weight }));
    return {
      routes: await resolveRoutes(
        tx,
        model,
        dep.environment,
        routes,
        routes.map(() => "deployment"),
      ),
      reason: input.comment ? `rollback to revision ${target}: ${input.comment}` : `rollback to revision ${target}`,
    };
  });
}

/** The revision in force at `at` (now when absent): which versions served, with which split. */
export async function deploymentStateAt(ctx: ServiceContext, rawInput: DeploymentStateInput): Promise<DeploymentState> {
  const input = ZDeploymentStateInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "deployment.read");
  const dep = await findDeployment(ctx.db, access.project.id, input.deployment);
  const at = input.at === undefined ? new Date() : new Date(input.at);
  const r = schema.deploymentRevisions;
  const [row] = await ctx.db
    .select()
    .from(r)
    .where(and(eq(r.deploymentId, dep.id), lte(r.at, at)))
    .orderBy(desc(r.at), desc(r.revision))
    .limit(1);
  return { deployment: dep.name, at: at.toISOString(), revision: row ? toRevision(row) : null };
}

/**
 * The deployments routing a version of a model NOW (their current revision), with the route's mode
 * and weight, ordered by name. An unknown model or version is a 404 naming the field.
 */
export async function deploymentsForVersion(ctx: ServiceContext, rawInput: VersionDeploymentsInput): Promise<VersionDeployment[]> {
  const input = ZVersionDeploymentsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "deployment.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const version = await findVersion(ctx.db, model, input.version);
  const d = schema.deployments;
  const r = schema.deploymentRevisions;
  const rows = await ctx.db
    .select({ name: d.name, environment: d.environment, routes: r.routes })
    .from(d)
    .innerJoin(r, and(eq(r.deploymentId, d.id), eq(r.revision, d.currentRevision)))
    .where(and(eq(d.projectId, access.project.id), eq(d.modelId, model.id)))
    .orderBy(asc(sql`lower(${d.name})`));
  return rows.flatMap((row) => {
    const route = row.routes.find((x) => x.versionId === version.id);
    return route ? [{ name: row.name, environment: row.environment, mode: route.mode, percent: route.weight }] : [];
  });
}

/**
 * The ready versions of a model (newest first) and whether each may take LIVE traffic in the
 * environment: always in staging; in production when approved (the rule setTraffic enforces).
 */
export async function deployableVersions(ctx: ServiceContext, rawInput: DeployableVersionsInput): Promise<DeployableVersion[]> {
  const input = ZDeployableVersionsInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "deployment.read");
  const model = await findModel(ctx.db, access.project.id, input.model);
  const v = schema.modelVersions;
  const [versions, aliases] = await Promise.all([
    ctx.db
      .select({ id: v.id, version: v.version, createdAt: v.createdAt })
      .from(v)
      .where(and(eq(v.modelId, model.id), eq(v.status, "ready")))
      .orderBy(desc(v.version)),
    ctx.db.select({ alias: schema.modelAliases.alias, versionId: schema.modelAliases.versionId }).from(schema.modelAliases).where(eq(schema.modelAliases.modelId, model.id)),
  ]);
  const approved =
    input.environment === "production"
      ? await approvedVersions(
          ctx.db,
          model,
          versions.map((x) => x.id),
        )
      : null;
  return versions.map((x) => ({
    version: x.version,
    aliases: aliases
      .filter((a) => a.versionId === x.id)
      .map((a) => a.alias)
      .sort(),
    liveAllowed: approved === null || approved.has(x.id),
    createdAt: iso(x.createdAt),
  }));
}
