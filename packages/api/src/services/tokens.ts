import { generateApiToken, grantableTokenRoles, hashApiToken, looksLikeApiToken } from "@keel/auth";
import { and, desc, eq, newId, or, schema, type Db } from "@keel/db";
import type { Actor, ServiceContext } from "../context";
import { KeelError } from "../errors";
import { ZProjectInput } from "../schemas/common";
import {
  ZCreateTokenInput,
  ZRevokeTokenInput,
  type ApiToken,
  type CreateTokenInput,
  type CreatedApiToken,
  type RevokeTokenInput,
} from "../schemas/tokens";
import { actorUserId, principalOf, requireProjectAccess } from "./access";
import { writeAuditEvent } from "./audit";
import { iso } from "./dto";

type TokenRow = typeof schema.apiTokens.$inferSelect;

function tokenStatus(row: TokenRow, now = new Date()): ApiToken["status"] {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt <= now) return "expired";
  return "active";
}

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    lastUsedAt: iso(row.lastUsedAt),
    status: tokenStatus(row),
  };
}

export async function listTokens(ctx: ServiceContext, rawInput: { project: string }): Promise<ApiToken[]> {
  const { project } = ZProjectInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, project, "project.token.read");
  const rows = await ctx.db
    .select()
    .from(schema.apiTokens)
    .where(eq(schema.apiTokens.projectId, access.project.id))
    .orderBy(desc(schema.apiTokens.createdAt));
  return rows.map(toApiToken);
}

/** Creates a project API token. The secret is returned once and stored only as its sha256. */
export async function createToken(ctx: ServiceContext, rawInput: CreateTokenInput): Promise<CreatedApiToken> {
  const input = ZCreateTokenInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "project.token.create");
  const grantable = grantableTokenRoles(principalOf(ctx, access.role));
  if (!grantable.includes(input.role)) {
    throw new KeelError(
      "FORBIDDEN",
      `Your role cannot create a token with role '${input.role}': choose one of ${grantable.join(", ")}.`,
      [{ path: "role", message: "beyond your own role" }],
    );
  }
  const { token, hash, prefix } = generateApiToken();
  const now = new Date();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.apiTokens)
      .values({
        id: newId("apiToken"),
        projectId: access.project.id,
        name: input.name,
        role: input.role,
        tokenHash: hash,
        prefix,
        createdBy: actorUserId(ctx),
        expiresAt,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await writeAuditEvent(tx, ctx, {
      action: "project.token.create",
      entityType: "api_token",
      entityId: row.id,
      projectId: access.project.id,
      before: null,
      after: { name: row.name, role: row.role, prefix: row.prefix, expiresAt: iso(row.expiresAt) },
    });
    return { ...toApiToken(row), token };
  });
}

async function revoke(ctx: ServiceContext, row: TokenRow, projectSlug: string): Promise<ApiToken> {
  const access = await requireProjectAccess(ctx, projectSlug, "project.token.revoke");
  const mayRevokeAny = principalOf(ctx, access.role).isAdmin || access.role === "owner";
  const me = actorUserId(ctx);
  if (!mayRevokeAny && (me === null || row.createdBy !== me)) {
    throw new KeelError("FORBIDDEN", "Only a project owner can revoke a token someone else created.", [], "permission");
  }
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(schema.apiTokens).where(eq(schema.apiTokens.id, row.id)).for("update");
    if (!current) throw new KeelError("NOT_FOUND", `No API token ${row.id}.`);
    if (current.revokedAt) {
      throw new KeelError("CONFLICT", `Token '${current.name}' (${current.prefix}…) was already revoked at ${iso(current.revokedAt)}.`);
    }
    const now = new Date();
    const [after] = await tx
      .update(schema.apiTokens)
      .set({ revokedAt: now, revokedBy: ctx.actor?.id ?? null })
      .where(eq(schema.apiTokens.id, current.id))
      .returning();
    if (!after) throw new Error("update returned no row");
    await writeAuditEvent(tx, ctx, {
      action: "project.token.revoke",
      entityType: "api_token",
      entityId: current.id,
      projectId: current.projectId,
      before: { name: current.name, role: current.role, prefix: current.prefix, revokedAt: null },
      after: { name: after.name, role: after.role, prefix: after.prefix, revokedAt: iso(after.revokedAt) },
    });
    return toApiToken(after);
  });
}

export async function revokeToken(ctx: ServiceContext, rawInput: RevokeTokenInput): Promise<ApiToken> {
  const input = ZRevokeTokenInput.parse(rawInput);
  const access = await requireProjectAccess(ctx, input.project, "project.token.read");
  const [row] = await ctx.db
    .select()
    .from(schema.apiTokens)
    .where(and(eq(schema.apiTokens.id, input.tokenId), eq(schema.apiTokens.projectId, access.project.id)));
  if (!row) throw new KeelError("NOT_FOUND", `No API token ${input.tokenId} in '${input.project}'.`, [{ path: "tokenId", message: "not found" }]);
  return revoke(ctx, row, input.project);
}

/** Revokes a token given either its id (`tok_…`) or the secret itself (`keel_…`), as the CLI does. */
export async function revokeTokenByIdOrSecret(ctx: ServiceContext, tokenOrId: string): Promise<ApiToken & { project: string }> {
  const value = tokenOrId.trim();
  if (!value) throw new KeelError("BAD_REQUEST", "Give the token or its id (tok_…).");
  const [found] = await ctx.db
    .select({ token: schema.apiTokens, slug: schema.projects.slug })
    .from(schema.apiTokens)
    .innerJoin(schema.projects, eq(schema.projects.id, schema.apiTokens.projectId))
    .where(or(eq(schema.apiTokens.id, value), eq(schema.apiTokens.tokenHash, hashApiToken(value))));
  if (!found) throw new KeelError("NOT_FOUND", "No API token matches that value or id.");
  return { ...(await revoke(ctx, found.token, found.slug)), project: found.slug };
}

export type TokenAuthResult =
  | { ok: true; actor: Extract<Actor, { type: "token" }>; projectSlug: string }
  | { ok: false; reason: string };

/** Resolves a bearer token to its actor; says why when it is refused (unknown, revoked, expired). */
export async function authenticateApiToken(db: Db, token: string): Promise<TokenAuthResult> {
  if (!looksLikeApiToken(token)) return { ok: false, reason: "The bearer token is not a Keel API token." };
  const [found] = await db
    .select({ token: schema.apiTokens, slug: schema.projects.slug })
    .from(schema.apiTokens)
    .innerJoin(schema.projects, eq(schema.projects.id, schema.apiTokens.projectId))
    .where(eq(schema.apiTokens.tokenHash, hashApiToken(token)));
  if (!found) return { ok: false, reason: "The API token is unknown." };
  const row = found.token;
  const status = tokenStatus(row);
  if (status === "revoked") return { ok: false, reason: "The API token was revoked." };
  if (status === "expired") return { ok: false, reason: "The API token has expired." };
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    // Bookkeeping, not a user action: not audited, at most once a minute per token.
    await db.update(schema.apiTokens).set({ lastUsedAt: now }).where(eq(schema.apiTokens.id, row.id));
  }
  return {
    ok: true,
    projectSlug: found.slug,
    actor: { type: "token", id: row.id, name: row.name, projectId: row.projectId, role: row.role, createdBy: row.createdBy },
  };
}
