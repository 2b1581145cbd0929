import { hashPassword, passwordProblem, verifyPassword } from "@keel/auth";
import { and, asc, eq, gte, newId, schema, sql, type Db } from "@keel/db";
import type { Actor, ServiceContext } from "../context";
import { KeelError } from "../errors";
import { ZCreateUserInput, type CreateUserInput, type Me, type User } from "../schemas/users";
import { requirePermission } from "./access";
import { writeAuditEvent } from "./audit";
import { iso, isUniqueViolation } from "./dto";

type UserRow = typeof schema.users.$inferSelect;
const toUser = (r: UserRow): User => ({ id: r.id, email: r.email, name: r.name, isAdmin: r.isAdmin, createdAt: iso(r.createdAt) });

/** Creates a person's account with a password (admins only). */
export async function createUser(ctx: ServiceContext, rawInput: CreateUserInput): Promise<User> {
  requirePermission(ctx, "user.create");
  const input = ZCreateUserInput.parse(rawInput);
  const problem = passwordProblem(input.password, input.email);
  if (problem) throw new KeelError("BAD_REQUEST", `password: ${problem}`, [{ path: "password", message: problem }]);
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(schema.users)
        .values({ id: newId("user"), email: input.email, name: input.name, passwordHash, isAdmin: input.isAdmin })
        .returning();
      if (!row) throw new Error("insert returned no row");
      await writeAuditEvent(tx, ctx, {
        action: "user.create",
        entityType: "user",
        entityId: row.id,
        before: null,
        after: { email: row.email, name: row.name, isAdmin: row.isAdmin },
      });
      return toUser(row);
    });
  } catch (err) {
    if (isUniqueViolation(err, "users_email_key")) {
      throw new KeelError("CONFLICT", `An account with the email ${input.email} already exists.`, [{ path: "email", message: "is taken" }]);
    }
    throw err;
  }
}

export async function listUsers(ctx: ServiceContext): Promise<User[]> {
  requirePermission(ctx, "user.list");
  const rows = await ctx.db.select().from(schema.users).orderBy(asc(schema.users.email));
  return rows.map(toUser);
}

/** Who is calling: the user (with memberships) or the token (with its project and role). */
export async function getMe(ctx: ServiceContext): Promise<Me> {
  requirePermission(ctx, "user.me.read");
  const actor = ctx.actor;
  if (!actor) throw new KeelError("UNAUTHORIZED", "Not signed in.");
  if (actor.type === "token") {
    const [p] = await ctx.db
      .select({ slug: schema.projects.slug, name: schema.projects.name })
      .from(schema.projects)
      .where(eq(schema.projects.id, actor.projectId));
    return {
      actor: { type: "token", id: actor.id, name: actor.name },
      project: p?.slug ?? null,
      role: actor.role,
      isAdmin: false,
      email: null,
      memberships: p ? [{ project: p.slug, projectName: p.name, role: actor.role }] : [],
    };
  }
  if (actor.type === "system") {
    return { actor: { type: "system", id: actor.id, name: actor.name }, project: null, role: null, isAdmin: true, email: null, memberships: [] };
  }
  const memberships = await ctx.db
    .select({ project: schema.projects.slug, projectName: schema.projects.name, role: schema.memberships.role })
    .from(schema.memberships)
    .innerJoin(schema.projects, eq(schema.projects.id, schema.memberships.projectId))
    .where(eq(schema.memberships.userId, actor.id))
    .orderBy(asc(schema.projects.slug));
  return {
    actor: { type: "user", id: actor.id, name: actor.name },
    project: null,
    role: null,
    isAdmin: actor.isAdmin,
    email: actor.email,
    memberships,
  };
}

/** Loads the actor for a signed-in user id (from the session); null when the account is gone or disabled. */
export async function userActor(db: Db, userId: string): Promise<Extract<Actor, { type: "user" }> | null> {
  const [u] = await db.select().from(schema.users).where(eq(schema.users.id, userId));
  if (!u || u.disabledAt) return null;
  return { type: "user", id: u.id, name: u.name ?? u.email, email: u.email, isAdmin: u.isAdmin };
}

/** Sign-in rate limits: failures within the window, per account and per client address. */
export const SIGN_IN_LIMITS = { windowMs: 15 * 60_000, perAccount: 5, perIp: 30 } as const;

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null; isAdmin: boolean } }
  | { ok: false; reason: "invalid" | "rate_limited"; message: string };

/**
 * Checks an email and password. Refuses while the account or the address has too many recent
 * failures. Every attempt is recorded; a success is audited as `auth.sign_in`.
 */
export async function verifyCredentials(
  db: Db,
  input: { email: string; password: string; ip: string; requestId: string },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMs);
  const failures = (where: ReturnType<typeof eq>) =>
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(schema.signInAttempts)
      .where(and(where, eq(schema.signInAttempts.succeeded, false), gte(schema.signInAttempts.attemptedAt, since)));
  const [[byAccount], [byIp]] = await Promise.all([failures(eq(schema.signInAttempts.email, email)), failures(eq(schema.signInAttempts.ip, input.ip))]);
  if ((byAccount?.n ?? 0) >= SIGN_IN_LIMITS.perAccount || (byIp?.n ?? 0) >= SIGN_IN_LIMITS.perIp) {
    return { ok: false, reason: "rate_limited", message: "Too many failed sign-in attempts. Wait 15 minutes and try again." };
  }
  const [user] = await db.select().from(schema.users).where(eq(schema.users.email, email));
  // Verify against a dummy hash when the account does not exist, so timing does not reveal it.
  const ok = user?.passwordHash && !user.disabledAt ? await verifyPassword(input.password, user.passwordHash) : await verifyPassword(input.password, DUMMY_HASH).then(() => false);
  if (!ok || !user) {
    await db.insert(schema.signInAttempts).values({ email, ip: input.ip, succeeded: false });
    return { ok: false, reason: "invalid", message: "Wrong email or password." };
  }
  await db.transaction(async (tx) => {
    await tx.insert(schema.signInAttempts).values({ email, ip: input.ip, succeeded: true });
    await writeAuditEvent(
      tx,
      { actor: { type: "user", id: user.id, name: user.name ?? user.email, email: user.email, isAdmin: user.isAdmin }, requestId: input.requestId, ip: input.ip },
      { action: "auth.sign_in", entityType: "user", entityId: user.id, before: null, after: { method: "password" } },
    );
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } };
}

/** Audits a sign-out (called from the Auth.js signOut event). */
export async function recordSignOut(db: Db, input: { userId: string; requestId: string; ip?: string | null }): Promise<void> {
  const actor = await userActor(db, input.userId);
  if (!actor) return;
  await db.transaction((tx) =>
    writeAuditEvent(tx, { actor, requestId: input.requestId, ip: input.ip ?? null }, {
      action: "auth.sign_out",
      entityType: "user",
      entityId: actor.id,
    }),
  );
}

// scrypt hash of a random string; used only to spend the same time on unknown accounts.
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
