/**
 * Every procedure × every role, against the permission matrix. A procedure added without a
 * permission fails here (and is refused at run time).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, isPermission, type Permission, type ProjectRole } from "@keel/auth";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Actor } from "../context";
import { KeelError } from "../errors";
import { appRouter, createCaller } from "../root";
import { createToken } from "../services/tokens";
import { authenticateApiToken } from "../services/tokens";
import { setupFixture, type Fixture } from "../testing";
import { createCallerFactory, createTRPCRouter, procedure } from "../trpc";

interface ProcedureLike {
  _def: { meta?: { permission?: string }; type: string };
}

/** All procedures of a router by dotted path. */
export function listProcedures(router: { _def: { procedures: Record<string, unknown> } }): [string, ProcedureLike][] {
  return Object.entries(router._def.procedures) as [string, ProcedureLike][];
}

function permissionOf(p: ProcedureLike): Permission | undefined {
  const perm = p._def.meta?.permission;
  return perm && isPermission(perm) ? perm : undefined;
}

type Persona = "admin" | "owner" | "data_scientist" | "approver" | "auditor" | "viewer" | "outsider" | "anonymous" | `token:${ProjectRole}`;

const ROLE_OF: Partial<Record<Persona, ProjectRole>> = {
  owner: "owner",
  data_scientist: "data_scientist",
  approver: "approver",
  auditor: "auditor",
  viewer: "viewer",
  "token:owner": "owner",
  "token:data_scientist": "data_scientist",
  "token:approver": "approver",
  "token:auditor": "auditor",
  "token:viewer": "viewer",
};

let fx: Fixture;
const personas = new Map<Persona, Actor | null>();

beforeAll(async () => {
  fx = await setupFixture();
  for (const p of ["admin", "owner", "data_scientist", "approver", "auditor", "viewer", "outsider"] as const) personas.set(p, fx.actors[p]);
  personas.set("anonymous", null);
  for (const role of ["owner", "data_scientist", "approver", "auditor", "viewer"] as const) {
    const created = await createToken(fx.ctx(fx.actors.admin), { project: "demo", name: `perm-${role}`, role });
    const auth = await authenticateApiToken(fx.kdb.db, created.token);
    if (!auth.ok) throw new Error(auth.reason);
    personas.set(`token:${role}`, auth.actor);
  }
});
afterAll(async () => {
  await fx.kdb.destroy();
});

function expectedAllowed(persona: Persona, permission: Permission): boolean {
  const actor = personas.get(persona) ?? null;
  return can(
    { authenticated: actor !== null, isAdmin: actor?.type === "user" && actor.isAdmin, projectRole: ROLE_OF[persona] },
    permission,
  );
}

function isRefusal(err: unknown): boolean {
  const cause = err instanceof TRPCError ? err.cause : err;
  return cause instanceof KeelError && (cause.reason === "permission" || cause.reason === "authentication");
}

type CallerFn = (input?: unknown) => Promise<unknown>;
function resolve(caller: unknown, path: string): CallerFn {
  let cur: unknown = caller;
  for (const seg of path.split(".")) cur = (cur as Record<string, unknown>)[seg];
  if (typeof cur !== "function") throw new Error(`no caller function at ${path}`);
  return cur as CallerFn;
}

describe("procedure × role", () => {
  const procedures = listProcedures(appRouter);

  it("every procedure declares a known permission", () => {
    const missing = procedures.filter(([, p]) => !permissionOf(p)).map(([path]) => path);
    expect(missing).toEqual([]);
    expect(procedures.length).toBeGreaterThan(10);
  });

  it("allows and refuses exactly as the matrix says, for every procedure and persona", async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [path, proc] of procedures) {
      const permission = permissionOf(proc);
      if (!permission) continue;
      for (const [persona, actor] of personas) {
        const caller = createCaller({ db: fx.kdb.db, driver: fx.kdb.driver, actor, requestId: `perm-${path}-${persona}`, ip: null, accessCache: new Map() });
        // Only `project` is given: allowed calls then fail input validation (or succeed, for
        // reads), so nothing changes; refused calls never reach validation.
        let refused = false;
        try {
          await resolve(caller, path)({ project: "demo" });
        } catch (err) {
          refused = isRefusal(err);
        }
        const allowed = expectedAllowed(persona, permission);
        checked += 1;
        if (refused === allowed) mismatches.push(`${path} (${permission}) as ${persona}: expected ${allowed ? "allowed" : "refused"}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(procedures.length * personas.size);
  });

  it("refuses a procedure that declares no permission, and the walk above would catch it", async () => {
    const rogue = createTRPCRouter({
      leak: procedure.input(z.object({ project: z.string() })).query(() => "secret"),
    });
    expect(listProcedures(rogue).filter(([, p]) => !permissionOf(p)).map(([path]) => path)).toEqual(["leak"]);
    const caller = createCallerFactory(rogue)({ db: fx.kdb.db, driver: fx.kdb.driver, actor: fx.actors.admin, requestId: "rogue", ip: null });
    await expect(caller.leak({ project: "demo" })).rejects.toThrow(/declares no permission/);
  });
});
