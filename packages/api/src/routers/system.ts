import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ZHealth, ZSystemStatus } from "../schemas/system";
import { ZCreateUserInput, ZMe, ZUser } from "../schemas/users";
import { getHealth, getSystemStatus } from "../services/system";
import { createUser, getMe, listUsers } from "../services/users";
import { procedure } from "../trpc";

export const systemRouter = {
  health: procedure
    .meta({ permission: "system.health.read", openapi: { method: "GET", path: "/health", tags: ["system"] } })
    .input(z.void())
    .output(ZHealth)
    .query(({ ctx }) => getHealth(ctx)),
  status: procedure
    .meta({ permission: "system.status.read", openapi: { method: "GET", path: "/system/status", tags: ["system"], protect: true } })
    .input(z.void())
    .output(ZSystemStatus)
    .query(({ ctx }) => getSystemStatus(ctx, { driver: ctx.driver })),
} satisfies TRPCRouterRecord;

export const usersRouter = {
  me: procedure
    .meta({ permission: "user.me.read", openapi: { method: "GET", path: "/me", tags: ["users"], protect: true } })
    .input(z.void())
    .output(ZMe)
    .query(({ ctx }) => getMe(ctx)),
  list: procedure
    .meta({ permission: "user.list", openapi: { method: "GET", path: "/users", tags: ["users"], protect: true } })
    .input(z.void())
    .output(z.object({ items: z.array(ZUser) }))
    .query(async ({ ctx }) => ({ items: await listUsers(ctx) })),
  create: procedure
    .meta({ permission: "user.create", openapi: { method: "POST", path: "/users", tags: ["users"], protect: true } })
    .input(ZCreateUserInput)
    .output(ZUser)
    .mutation(({ ctx, input }) => createUser(ctx, input)),
} satisfies TRPCRouterRecord;
