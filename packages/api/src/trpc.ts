/**
 * tRPC in three parts: 1. context, 2. initialisation, 3. procedures.
 * Routers are thin: zod input/output + one service call. Every procedure declares the
 * permission it needs in `.meta({ permission })`; the base procedure refuses a call whose
 * permission does not hold, and refuses every call of a procedure that declares none.
 */
import { PERMISSIONS, isPermission, type Permission } from "@keel/auth";
import type { Driver } from "@keel/db";
import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { ServiceContext } from "./context";
import { KeelError, toKeelError, toTRPCError } from "./errors";
import { requirePermission, requireProjectAccess } from "./services/access";

// ── 1. context ──────────────────────────────────────────────────────────────
export interface TRPCContext extends ServiceContext {
  driver: Driver;
}

export function createTRPCContext(ctx: TRPCContext): TRPCContext {
  return { ...ctx, accessCache: ctx.accessCache ?? new Map() };
}

// ── 2. initialisation ───────────────────────────────────────────────────────
export interface KeelMeta extends OpenApiMeta {
  permission?: Permission;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<KeelMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const k = toKeelError(error);
      return {
        ...shape,
        message: k.message,
        data: { ...shape.data, stack: undefined, keel: { code: k.code, details: k.details, reason: k.reason ?? null } },
        error: { code: k.code, message: k.message, details: k.details },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// ── 3. procedures ───────────────────────────────────────────────────────────
/** Reads `project` from the raw input before validation, so permission is decided first. */
async function projectSlugOf(getRawInput: () => Promise<unknown>): Promise<string> {
  const raw = await getRawInput();
  const slug = typeof raw === "object" && raw !== null ? (raw as { project?: unknown }).project : undefined;
  if (typeof slug !== "string" || slug.length === 0) {
    throw new KeelError("BAD_REQUEST", "project: is required", [{ path: "project", message: "is required" }]);
  }
  return slug;
}

const enforcePermission = t.middleware(async ({ meta, ctx, path, getRawInput, next }) => {
  const permission = meta?.permission;
  if (!permission || !isPermission(permission)) {
    // Deny by default: a procedure without a declared permission never runs.
    throw toTRPCError(new KeelError("FORBIDDEN", `Procedure ${path} declares no permission and is refused.`, [], "permission"));
  }
  try {
    if (PERMISSIONS[permission].scope === "project") {
      await requireProjectAccess(ctx, await projectSlugOf(getRawInput), permission);
    } else {
      requirePermission(ctx, permission);
    }
  } catch (err) {
    throw toTRPCError(err);
  }
  return next();
});

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

/** The only procedure builder routers use. */
export const procedure = t.procedure.use(mapErrors).use(enforcePermission);
