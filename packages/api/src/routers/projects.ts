import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ZProjectInput } from "../schemas/common";
import {
  ZAddMemberInput,
  ZCreateProjectInput,
  ZMember,
  ZProject,
  ZProjectDetail,
  ZRemoveMemberInput,
  ZUpdateMemberInput,
  ZUpdateProjectInput,
} from "../schemas/projects";
import { ZApiToken, ZCreateTokenInput, ZCreatedApiToken, ZRevokeTokenInput } from "../schemas/tokens";
import { addMember, listMembers, removeMember, updateMemberRole } from "../services/members";
import { createProject, getProject, listProjects, updateProject } from "../services/projects";
import { createToken, listTokens, revokeToken } from "../services/tokens";
import { procedure } from "../trpc";

const tags = ["projects"];

export const projectsRouter = {
  list: procedure
    .meta({ permission: "project.list", openapi: { method: "GET", path: "/projects", tags, protect: true } })
    .input(z.void())
    .output(z.object({ items: z.array(ZProject) }))
    .query(async ({ ctx }) => ({ items: await listProjects(ctx) })),
  create: procedure
    .meta({ permission: "project.create", openapi: { method: "POST", path: "/projects", tags, protect: true, successDescription: "The new project" } })
    .input(ZCreateProjectInput)
    .output(ZProject)
    .mutation(({ ctx, input }) => createProject(ctx, input)),
  get: procedure
    .meta({ permission: "project.read", openapi: { method: "GET", path: "/projects/{project}", tags, protect: true } })
    .input(ZProjectInput)
    .output(ZProjectDetail)
    .query(({ ctx, input }) => getProject(ctx, input)),
  update: procedure
    .meta({ permission: "project.update", openapi: { method: "PATCH", path: "/projects/{project}", tags, protect: true } })
    .input(ZUpdateProjectInput)
    .output(ZProject)
    .mutation(({ ctx, input }) => updateProject(ctx, input)),
} satisfies TRPCRouterRecord;

export const membersRouter = {
  list: procedure
    .meta({ permission: "project.member.read", openapi: { method: "GET", path: "/projects/{project}/members", tags: ["members"], protect: true } })
    .input(ZProjectInput)
    .output(z.object({ items: z.array(ZMember) }))
    .query(async ({ ctx, input }) => ({ items: await listMembers(ctx, input) })),
  add: procedure
    .meta({ permission: "project.member.add", openapi: { method: "POST", path: "/projects/{project}/members", tags: ["members"], protect: true } })
    .input(ZAddMemberInput)
    .output(ZMember)
    .mutation(({ ctx, input }) => addMember(ctx, input)),
  updateRole: procedure
    .meta({ permission: "project.member.update", openapi: { method: "PATCH", path: "/projects/{project}/members/{userId}", tags: ["members"], protect: true } })
    .input(ZUpdateMemberInput)
    .output(ZMember)
    .mutation(({ ctx, input }) => updateMemberRole(ctx, input)),
  remove: procedure
    .meta({ permission: "project.member.remove", openapi: { method: "DELETE", path: "/projects/{project}/members/{userId}", tags: ["members"], protect: true } })
    .input(ZRemoveMemberInput)
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) => removeMember(ctx, input)),
} satisfies TRPCRouterRecord;

export const tokensRouter = {
  list: procedure
    .meta({ permission: "project.token.read", openapi: { method: "GET", path: "/projects/{project}/tokens", tags: ["tokens"], protect: true } })
    .input(ZProjectInput)
    .output(z.object({ items: z.array(ZApiToken) }))
    .query(async ({ ctx, input }) => ({ items: await listTokens(ctx, input) })),
  create: procedure
    .meta({ permission: "project.token.create", openapi: { method: "POST", path: "/projects/{project}/tokens", tags: ["tokens"], protect: true } })
    .input(ZCreateTokenInput)
    .output(ZCreatedApiToken)
    .mutation(({ ctx, input }) => createToken(ctx, input)),
  revoke: procedure
    .meta({ permission: "project.token.revoke", openapi: { method: "POST", path: "/projects/{project}/tokens/{tokenId}/revoke", tags: ["tokens"], protect: true } })
    .input(ZRevokeTokenInput)
    .output(ZApiToken)
    .mutation(({ ctx, input }) => revokeToken(ctx, input)),
} satisfies TRPCRouterRecord;
