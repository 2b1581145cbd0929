import { can, PERMISSIONS, type Permission, type Principal, type ProjectRole } from "@keel/auth";
import { and, eq, schema } from "@keel/db";
import type { ProjectAccess, ServiceContext } from "../context";
import { KeelError } from "../errors";

export function isAdminActor(ctx: Pick<ServiceContext, "actor">): boolean {
  const a = ctx.actor;
  return a !== null && (a.type === "system" || (a.type === "user" && a.isAdmin));
}

export function principalOf(ctx: Pick<ServiceContext, "actor">, projectRole?: ProjectRole): Principal {
  return { authenticated: ctx.actor !== null, isAdmin: isAdminActor(ctx), projectRole };
}

function denied(ctx: Pick<ServiceContext, "actor">, permission: Permission, role?: ProjectRole, slug?: string): KeelError {
  if (!ctx.actor) {
    return new KeelError("UNAUTHORIZED", "Sign in or send an API token (Authorization: Bearer …) first.", [], "authentication");
  }
  const what = PERMISSIONS[permission].description.toLowerCase();
  const who = role ? `your role (${role})${slug ? ` in project '${slug}'` : ""}` : "your account";
  return new KeelError("FORBIDDEN", `Not allowed: ${who} cannot ${what} (permission ${permission}).`, [], "permission");
}

/** Checks a permission that does not involve a project (scopes public, user, admin). */
export function requirePermission(ctx: Pick<ServiceContext, "actor">, permission: Permission): void {
  if (PERMISSIONS[permission].scope === "project") {
    throw new Error(`requirePermission(${permission}): a project permission needs requireProjectAccess`);
  }
  if (!can(principalOf(ctx), permission)) throw denied(ctx, permission);
}

/**
 * Resolves the project named by `slug` and the caller's role in it, then checks `permission`.
 * Someone who is not a member gets NOT_FOUND, so project names do not leak.
 */
export async function requireProjectAccess(ctx: ServiceContext, slug: string, permission: Permission): Promise<ProjectAccess> {
  const actor = ctx.actor;
  if (!actor) throw denied(ctx, permission);
  let access = ctx.accessCache?.get(slug);
  if (!access) {
    const [project] = await ctx.db
      .select({ id: schema.projects.id, slug: schema.projects.slug, name: schema.projects.name })
      .from(schema.projects)
      .where(eq(schema.projects.slug, slug))
      .limit(1);
    const notFound = new KeelError("NOT_FOUND", `No project '${slug}' that you can see.`, [], "permission");
    if (!project) throw notFound;
    let role: ProjectRole | undefined;
    if (actor.type === "token") {
      if (actor.projectId !== project.id) throw notFound;
      role = actor.role;
    } else if (actor.type === "user") {
      const [m] = await ctx.db
        .select({ role: schema.memberships.role })
        .from(schema.memberships)
        .where(and(eq(schema.memberships.projectId, project.id), eq(schema.memberships.userId, actor.id)))
        .limit(1);
      role = m?.role;
      if (!role && !actor.isAdmin) throw notFound;
    }
    access = { project, role };
    ctx.accessCache ??= new Map();
    ctx.accessCache.set(slug, access);
  }
  if (!can(principalOf(ctx, access.role), permission)) throw denied(ctx, permission, access.role, slug);
  return access;
}

/** The user id behind the caller, for "created by" columns (tokens act for their creator). */
export function actorUserId(ctx: Pick<ServiceContext, "actor">): string | null {
  const a = ctx.actor;
  if (!a) return null;
  if (a.type === "user") return a.id;
  if (a.type === "token") return a.createdBy;
  return null;
}
