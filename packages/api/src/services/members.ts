import { and, asc, eq, isNull, newId, schema, sql, type DbOrTx } from "@keel/db";
import type { ServiceContext } from "../context";
import { KeelError } from "../errors";
import {
  ZAddMemberInput,
  ZRemoveMemberInput,
  ZUpdateMemberInput,
  type AddMemberInput,
  type Member,
  type RemoveMemberInput,
  type UpdateMemberInput,
} from "../schemas/projects";
import { ZProjectInput } from "../schemas/common";
import { actorUserId, requireProjectAccess } from "./access";
import { writeAuditEvent } from "./audit";
import { iso, isUniqueViolation } from "./dto";

const memberColumns = {
  id: schema.memberships.id,
  userId: schema.memberships.userId,
  name: schema.users.name,
  email: schema.users.email,
  role: schema.memberships.role,
  createdAt: schema.memberships.createdAt,
};

type MemberRow = { id: string; userId: string; name: string | null; email: string; role: Member["role"]; createdAt: Date };
const toMember = (r: MemberRow): Member => ({ ...r, createdAt: iso(r.createdAt) });

export async function listMembers(ctx: ServiceContext, rawInput: { project: string }): Promise<Member[]> {
  const { project } = ZProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, project, "project.member.read");
  const rows = await ctx.db
    .select(memberColumns)
    .from(schema.memberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
    .where(eq(schema.memberships.projectId, access.project.id))
    .orderBy(asc(schema.users.email));
  return rows.map(toMember);
}

/** Locks the project row so concurrent membership changes (e.g. two "remove owner") serialise. */
async function lockProject(tx: DbOrTx, projectId: string): Promise<void> {
  await tx.select({ id: schema.projects.id }).from(schema.projects).where(eq(schema.projects.id, projectId)).for("update");
}

async function ownerCount(tx: DbOrTx, projectId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.memberships)
    .where(and(eq(schema.memberships.projectId, projectId), eq(schema.memberships.role, "owner")));
  return row?.n ?? 0;
}

async function findMember(tx: DbOrTx, projectId: string, userId: string): Promise<MemberRow | undefined> {
  const [row] = await tx
    .select(memberColumns)
    .from(schema.memberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
    .where(and(eq(schema.memberships.projectId, projectId), eq(schema.memberships.userId, userId)));
  return row;
}

/** Adds an existing Keel account to the project with a role. */
export async function addMember(ctx: ServiceContext, rawInput: AddMemberInput): Promise<Member> {
  const input = ZAddMemberInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "project.member.add");
  const [user] = await ctx.db
    .select({ id: schema.users.id, email: schema.users.email, name: schema.users.name })
    .from(schema.users)
    .where(eq(schema.users.email, input.email));
  if (!user) {
    throw new KeelError(
      "NOT_FOUND",
      `No Keel account uses ${input.email}. Ask an administrator to create it first (keel user create --email ${input.email}).`,
      [{ path: "email", message: "no account with this email" }],
    );
  }
  try {
    return await ctx.db.transaction(async (tx) => {
      await lockProject(tx, access.project.id);
      const now = new Date();
      const id = newId("membership");
      await tx.insert(schema.memberships).values({
        id,
        projectId: access.project.id,
        userId: user.id,
        role: input.role,
        addedBy: actorUserId(ctx),
        createdAt: now,
        updatedAt: now,
      });
      await writeAuditEvent(tx, ctx, {
        action: "project.member.add",
        entityType: "membership",
        entityId: id,
        projectId: access.project.id,
        before: null,
        after: { userId: user.id, email: user.email, role: input.role },
      });
      return toMember({ id, userId: user.id, name: user.name, email: user.email, role: input.role, createdAt: now });
    });
  } catch (err) {
    if (isUniqueViolation(err, "memberships_project_user_key")) {
      throw new KeelError("CONFLICT", `${input.email} is already a member of '${input.project}': change their role instead.`, [
        { path: "email", message: "already a member" },
      ]);
    }
    throw err;
  }
}

/** Changes a member's role; the project always keeps at least one owner. */
export async function updateMemberRole(ctx: ServiceContext, rawInput: UpdateMemberInput): Promise<Member> {
  const input = ZUpdateMemberInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "project.member.update");
  return ctx.db.transaction(async (tx) => {
    await lockProject(tx, access.project.id);
    const before = await findMember(tx, access.project.id, input.userId);
    if (!before) throw new KeelError("NOT_FOUND", `User ${input.userId} is not a member of '${input.project}'.`, [{ path: "userId", message: "not a member" }]);
    if (before.role === input.role) return toMember(before);
    if (before.role === "owner" && (await ownerCount(tx, access.project.id)) <= 1) {
      throw new KeelError("CONFLICT", `${before.email} is the last owner of '${input.project}': make someone else an owner first.`, [
        { path: "role", message: "the last owner cannot be demoted" },
      ]);
    }
    await tx
      .update(schema.memberships)
      .set({ role: input.role, updatedAt: new Date() })
      .where(eq(schema.memberships.id, before.id));
    await writeAuditEvent(tx, ctx, {
      action: "project.member.update",
      entityType: "membership",
      entityId: before.id,
      projectId: access.project.id,
      before: { userId: before.userId, email: before.email, role: before.role },
      after: { userId: before.userId, email: before.email, role: input.role },
    });
    return toMember({ ...before, role: input.role });
  });
}

/** Removes a member; the last owner cannot be removed. */
export async function removeMember(ctx: ServiceContext, rawInput: RemoveMemberInput): Promise<{ removed: true }> {
  const input = ZRemoveMemberInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "project.member.remove");
  return ctx.db.transaction(async (tx) => {
    await lockProject(tx, access.project.id);
    const before = await findMember(tx, access.project.id, input.userId);
    if (!before) throw new KeelError("NOT_FOUND", `User ${input.userId} is not a member of '${input.project}'.`, [{ path: "userId", message: "not a member" }]);
    if (before.role === "owner" && (await ownerCount(tx, access.project.id)) <= 1) {
      throw new KeelError("CONFLICT", `${before.email} is the last owner of '${input.project}' and cannot be removed: add another owner first.`, [
        { path: "userId", message: "the last owner cannot be removed" },
      ]);
    }
    await tx.delete(schema.memberships).where(eq(schema.memberships.id, before.id));
    // Their tokens in this project stop working with their membership.
    const revoked = await tx
      .update(schema.apiTokens)
      .set({ revokedAt: new Date(), revokedBy: ctx.actor?.id ?? null })
      .where(and(eq(schema.apiTokens.projectId, access.project.id), eq(schema.apiTokens.createdBy, before.userId), isNull(schema.apiTokens.revokedAt)))
      .returning({ id: schema.apiTokens.id });
    await writeAuditEvent(tx, ctx, {
      action: "project.member.remove",
      entityType: "membership",
      entityId: before.id,
      projectId: access.project.id,
      before: { userId: before.userId, email: before.email, role: before.role },
      after: { removed: true, revokedTokenIds: revoked.map((t) => t.id) },
    });
    return { removed: true as const };
  });
}
