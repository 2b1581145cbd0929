import { PERMISSIONS, can, type Permission } from "@keel/auth";
import { asc, count, eq, newId, schema } from "@keel/db";
import type { ServiceContext } from "../context";
import { KeelError } from "../errors";
import {
  ZCreateProjectInput,
  ZUpdateProjectInput,
  type CreateProjectInput,
  type Project,
  type ProjectDetail,
  type UpdateProjectInput,
} from "../schemas/projects";
import { ZProjectInput } from "../schemas/common";
import { actorUserId, isAdminActor, principalOf, requirePermission, requireProjectAccess } from "./access";
import { writeAuditEvent } from "./audit";
import { iso, isUniqueViolation } from "./dto";

type ProjectRow = typeof schema.projects.$inferSelect;

function toProject(row: ProjectRow, role: Project["role"]): Project {
  return { id: row.id, slug: row.slug, name: row.name, description: row.description, createdAt: iso(row.createdAt), role };
}

/** Creates a project; the creating user becomes its owner. One audit event. */
export async function createProject(ctx: ServiceContext, rawInput: CreateProjectInput): Promise<Project> {
  requirePermission(ctx, "project.create");
  const input = ZCreateProjectInput.parse(rawInput);
  let userId = actorUserId(ctx);
  if (input.ownerEmail !== undefined) {
    if (!isAdminActor(ctx)) {
      throw new KeelError("FORBIDDEN", "Only an administrator can create a project for someone else.", [{ path: "ownerEmail", message: "admins only" }], "permission");
    }
    const [owner] = await ctx.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, input.ownerEmail));
    if (!owner) throw new KeelError("NOT_FOUND", `No Keel account uses ${input.ownerEmail}.`, [{ path: "ownerEmail", message: "no such account" }]);
    userId = owner.id;
  }
  if (ctx.actor?.type === "token" || !userId) {
    throw new KeelError("FORBIDDEN", "A project needs a person as its owner: sign in, or (as an administrator) name ownerEmail.");
  }
  const ownerId = userId;
  try {
    return await ctx.db.transaction(async (tx) => {
      const now = new Date();
      const [row] = await tx
        .insert(schema.projects)
        .values({ id: newId("project"), slug: input.slug, name: input.name, description: input.description, createdBy: actorUserId(ctx), createdAt: now })
        .returning();
      if (!row) throw new Error("insert returned no row");
      const membershipId = newId("membership");
      await tx.insert(schema.memberships).values({ id: membershipId, projectId: row.id, userId: ownerId, role: "owner", addedBy: actorUserId(ctx) });
      await writeAuditEvent(tx, ctx, {
        action: "project.create",
        entityType: "project",
        entityId: row.id,
        projectId: row.id,
        before: null,
        after: { slug: row.slug, name: row.name, description: row.description, owner: { userId: ownerId, membershipId } },
      });
      return toProject(row, "owner");
    });
  } catch (err) {
    if (isUniqueViolation(err, "projects_slug_key")) {
      throw new KeelError("CONFLICT", `A project with the slug '${input.slug}' already exists: choose another slug.`, [
        { path: "slug", message: "is taken" },
      ]);
    }
    throw err;
  }
}

/** The projects the caller belongs to (all projects for an admin; the token's one project). */
export async function listProjects(ctx: ServiceContext): Promise<Project[]> {
  requirePermission(ctx, "project.list");
  const actor = ctx.actor;
  if (actor?.type === "token") {
    const rows = await ctx.db.select().from(schema.projects).where(eq(schema.projects.id, actor.projectId));
    return rows.map((r) => toProject(r, actor.role));
  }
  const userId = actorUserId(ctx);
  const mine = userId
    ? await ctx.db
        .select({ project: schema.projects, role: schema.memberships.role })
        .from(schema.memberships)
        .innerJoin(schema.projects, eq(schema.projects.id, schema.memberships.projectId))
        .where(eq(schema.memberships.userId, userId))
        .orderBy(asc(schema.projects.slug))
    : [];
  if (!isAdminActor(ctx)) return mine.map((m) => toProject(m.project, m.role));
  const roles = new Map(mine.map((m) => [m.project.id, m.role]));
  const all = await ctx.db.select().from(schema.projects).orderBy(asc(schema.projects.slug));
  return all.map((p) => toProject(p, roles.get(p.id) ?? null));
}

/** A project with the caller's role and the permissions it grants (for navigation). */
export async function getProject(ctx: ServiceContext, rawInput: { project: string }): Promise<ProjectDetail> {
  const { project: slug } = ZProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, slug, "project.read");
  const [row] = await ctx.db.select().from(schema.projects).where(eq(schema.projects.id, access.project.id));
  if (!row) throw new KeelError("NOT_FOUND", `No project '${slug}' that you can see.`);
  const [members] = await ctx.db
    .select({ n: count() })
    .from(schema.memberships)
    .where(eq(schema.memberships.projectId, row.id));
  const principal = principalOf(ctx, access.role);
  const permissions = (Object.keys(PERMISSIONS) as Permission[]).filter(
    (p) => PERMISSIONS[p].scope === "project" && can(principal, p),
  );
  return { ...toProject(row, access.role ?? null), permissions, memberCount: members?.n ?? 0 };
}

export async function updateProject(ctx: ServiceContext, rawInput: UpdateProjectInput): Promise<Project> {
  const input = ZUpdateProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "project.update");
  if (input.name === undefined && input.description === undefined) {
    throw new KeelError("BAD_REQUEST", "Nothing to change: give a new name or description.");
  }
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(schema.projects).where(eq(schema.projects.id, access.project.id)).for("update");
    if (!before) throw new KeelError("NOT_FOUND", `No project '${input.project}'.`);
    const [after] = await tx
      .update(schema.projects)
      .set({ name: input.name ?? before.name, description: input.description ?? before.description })
      .where(eq(schema.projects.id, before.id))
      .returning();
    if (!after) throw new Error("update returned no row");
    await writeAuditEvent(tx, ctx, {
      action: "project.update",
      entityType: "project",
      entityId: before.id,
      projectId: before.id,
      before: { name: before.name, description: before.description },
      after: { name: after.name, description: after.description },
    });
    return toProject(after, access.role ?? null);
  });
}
