import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { ZProjectInput } from "../schemas/common";
import {
  ZAliasAtTime,
  ZAliasEvent,
  ZAliasHistoryInput,
  ZAliasInput,
  ZAliasMove,
  ZCreateModelInput,
  ZModelDetail,
  ZModelInput,
  ZModelVersion,
  ZModelVersionInput,
  ZModelVersionSummary,
  ZRegisteredModel,
  ZRegisterModelVersionInput,
  ZSetAliasInput,
  ZSetProtectedAliasesInput,
  ZUpdateModelCardInput,
  ZVersionAtTimeInput,
} from "../schemas/registry";
import {
  aliasHistory,
  archiveVersion,
  createModel,
  deleteAlias,
  getModel,
  getModelVersion,
  listModels,
  listModelVersions,
  registerModelVersion,
  setAlias,
  setProtectedAliases,
  updateModelCard,
  versionAtTime,
} from "../services/registry/index";
import { procedure } from "../trpc";

const tags = ["registry"];
const p = "/projects/{project}";
const model = `${p}/models/{model}`;
const version = `${model}/versions/{version}`;

/** Registered models, versions, model cards and aliases. */
export const registryRouter = {
  listModels: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: `${p}/models`, tags, protect: true } })
    .input(ZProjectInput)
    .output(z.object({ items: z.array(ZRegisteredModel) }))
    .query(async ({ ctx, input }) => ({ items: await listModels(ctx, input) })),
  createModel: procedure
    .meta({ permission: "registry.write", openapi: { method: "POST", path: `${p}/models`, tags, protect: true, successDescription: "The new model (201)" } })
    .input(ZCreateModelInput)
    .output(ZRegisteredModel)
    .mutation(({ ctx, input }) => createModel(ctx, input)),
  getModel: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: model, tags, protect: true } })
    .input(ZModelInput)
    .output(ZModelDetail)
    .query(({ ctx, input }) => getModel(ctx, input)),
  setProtectedAliases: procedure
    .meta({ permission: "registry.protection.update", openapi: { method: "PUT", path: `${model}/protected-aliases`, tags, protect: true } })
    .input(ZSetProtectedAliasesInput)
    .output(ZRegisteredModel)
    .mutation(({ ctx, input }) => setProtectedAliases(ctx, input)),
  listVersions: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: `${model}/versions`, tags, protect: true } })
    .input(ZModelInput)
    .output(z.object({ items: z.array(ZModelVersionSummary) }))
    .query(async ({ ctx, input }) => ({ items: await listModelVersions(ctx, input) })),
  registerVersion: procedure
    .meta({ permission: "registry.write", openapi: { method: "POST", path: `${model}/versions`, tags, protect: true, successDescription: "The new version (201)" } })
    .input(ZRegisterModelVersionInput)
    .output(ZModelVersion)
    .mutation(({ ctx, input }) => registerModelVersion(ctx, input)),
  getVersion: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: version, tags, protect: true } })
    .input(ZModelVersionInput)
    .output(ZModelVersion)
    .query(({ ctx, input }) => getModelVersion(ctx, input)),
  archiveVersion: procedure
    .meta({ permission: "registry.write", openapi: { method: "POST", path: `${version}/archive`, tags, protect: true } })
    .input(ZModelVersionInput)
    .output(ZModelVersion)
    .mutation(({ ctx, input }) => archiveVersion(ctx, input)),
  updateCard: procedure
    .meta({ permission: "registry.write", openapi: { method: "PUT", path: `${version}/card`, tags, protect: true } })
    .input(ZUpdateModelCardInput)
    .output(ZModelVersion)
    .mutation(({ ctx, input }) => updateModelCard(ctx, input)),
  setAlias: procedure
    .meta({ permission: "registry.alias.write", openapi: { method: "PUT", path: `${model}/aliases/{alias}`, tags, protect: true } })
    .input(ZSetAliasInput)
    .output(ZAliasMove)
    .mutation(({ ctx, input }) => setAlias(ctx, input)),
  deleteAlias: procedure
    .meta({ permission: "registry.alias.write", openapi: { method: "DELETE", path: `${model}/aliases/{alias}`, tags, protect: true } })
    .input(ZAliasInput)
    .output(ZAliasMove)
    .mutation(({ ctx, input }) => deleteAlias(ctx, input)),
  resolveAlias: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: `${model}/aliases/{alias}`, tags, protect: true, description: "The version an alias names now, or at `at` (from the alias history)" } })
    .input(ZVersionAtTimeInput)
    .output(ZAliasAtTime)
    .query(({ ctx, input }) => versionAtTime(ctx, input)),
  aliasHistory: procedure
    .meta({ permission: "registry.read", openapi: { method: "GET", path: `${model}/alias-history`, tags, protect: true } })
    .input(ZAliasHistoryInput)
    .output(z.object({ items: z.array(ZAliasEvent) }))
    .query(async ({ ctx, input }) => ({ items: await aliasHistory(ctx, input) })),
} satisfies TRPCRouterRecord;
