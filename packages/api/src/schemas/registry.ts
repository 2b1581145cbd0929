/** The model registry: models, versions, model cards, aliases and their history. */
import { z } from "zod";
import { ZIsoDate, ZProjectSlug } from "./common";
import { ZActorName } from "./datasets";
import { ZModelTask, ZRunId } from "./experiments";

/** Model names appear in URLs: letters, digits, `_ . -`, starting with a letter or digit. */
export const ZModelName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. churn-classifier)");

/** Aliases that name versions already (`latest`, `v3`) and so cannot be set (MLflow's rule). */
export function isReservedAlias(alias: string): boolean {
  return /^(latest|v\d+)$/i.test(alias);
}

/**
 * An alias (`staging`, `champion`): MLflow's rule `^[\w-]+$`, compared in lower case so
 * `Production` cannot side-step a protected `production`.
 */
export const ZAliasName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[\w-]+$/, "use letters, digits, '_' and '-' only")
  .transform((s) => s.toLowerCase())
  .refine((s) => !isReservedAlias(s), { message: "'latest' and 'v<number>' are reserved: they already name versions" });

export const ZVersionNumber = z.coerce.number().int("must be a whole number").min(1, "must be 1 or more");

export const ZModelInput = z.object({ project: ZProjectSlug, model: ZModelName });
export type ModelInput = z.input<typeof ZModelInput>;

export const ZCreateModelInput = z.object({
  project: ZProjectSlug,
  name: ZModelName,
  description: z.string().trim().max(2000, "must be at most 2,000 characters").default(""),
});
export type CreateModelInput = z.input<typeof ZCreateModelInput>;

export const ZSetProtectedAliasesInput = ZModelInput.extend({ aliases: z.array(ZAliasName).max(20, "at most 20 protected aliases") });
export type SetProtectedAliasesInput = z.input<typeof ZSetProtectedAliasesInput>;

export const ZRegisterModelVersionInput = ZModelInput.extend({ runId: ZRunId });
export type RegisterModelVersionInput = z.input<typeof ZRegisterModelVersionInput>;

export const ZModelVersionInput = ZModelInput.extend({ version: ZVersionNumber });
export type ModelVersionInput = z.input<typeof ZModelVersionInput>;

const ZCardText = z.string().max(20_000, "must be at most 20,000 characters");
export const ZUpdateModelCardInput = ZModelVersionInput.extend({
  intendedUse: ZCardText.optional(),
  limitations: ZCardText.optional(),
  ethicalConsiderations: ZCardText.optional(),
});
export type UpdateModelCardInput = z.input<typeof ZUpdateModelCardInput>;

const ZReason = z.string().trim().max(2000, "must be at most 2,000 characters").default("");
export const ZSetAliasInput = ZModelInput.extend({ alias: ZAliasName, version: ZVersionNumber, reason: ZReason });
export type SetAliasInput = z.input<typeof ZSetAliasInput>;

export const ZAliasInput = ZModelInput.extend({ alias: ZAliasName, reason: ZReason });
export type AliasInput = z.input<typeof ZAliasInput>;

export const ZAliasHistoryInput = ZModelInput.extend({ alias: ZAliasName.optional() });
export type AliasHistoryInput = z.input<typeof ZAliasHistoryInput>;

export const ZVersionAtTimeInput = ZModelInput.extend({ alias: ZAliasName, at: ZIsoDate.optional() });
export type VersionAtTimeInput = z.input<typeof ZVersionAtTimeInput>;

// ── DTOs ──────────────────────────────────────────────────────────────────────

export const ZModelSignature = z.object({
  inputs: z.array(z.object({ name: z.string(), type: z.string() })),
  output: z.object({ task: ZModelTask, labels: z.array(z.union([z.string(), z.number(), z.boolean()])).optional() }),
});
export type ModelSignature = z.infer<typeof ZModelSignature>;

export const ZModelArtifact = z.object({ path: z.string(), sha256: z.string(), sizeBytes: z.number().int() });

export const ZRegisteredModel = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  protectedAliases: z.array(z.string()),
  /** alias → version number. */
  aliases: z.record(z.string(), z.number().int()),
  versionCount: z.number().int(),
  latestVersion: z.number().int().nullable(),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type RegisteredModel = z.infer<typeof ZRegisteredModel>;

export const ZModelVersionSummary = z.object({
  id: z.string(),
  model: z.string(),
  version: z.number().int(),
  status: z.enum(["ready", "archived"]),
  runId: z.string(),
  datasetVersionId: z.string().nullable(),
  aliases: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  createdBy: ZActorName,
  createdAt: ZIsoDate,
});
export type ModelVersionSummary = z.infer<typeof ZModelVersionSummary>;

export const ZModelDetail = ZRegisteredModel.extend({ versions: z.array(ZModelVersionSummary) });
export type ModelDetail = z.infer<typeof ZModelDetail>;

export const ZModelCard = z.object({
  intendedUse: z.string(),
  limitations: z.string(),
  ethicalConsiderations: z.string(),
  updatedBy: ZActorName,
  updatedAt: ZIsoDate,
});
export type ModelCard = z.infer<typeof ZModelCard>;

export const ZModelLineage = z.object({
  run: z.object({ id: z.string(), name: z.string(), number: z.number().int(), experiment: z.object({ id: z.string(), name: z.string() }), family: z.string().nullable() }),
  dataset: z.object({ id: z.string(), name: z.string(), versionId: z.string(), version: z.number().int(), sha256: z.string() }).nullable(),
  trainedBy: ZActorName,
  trainedAt: ZIsoDate.nullable(),
});

export const ZModelVersion = ZModelVersionSummary.extend({
  signature: ZModelSignature,
  artifacts: z.array(ZModelArtifact),
  card: ZModelCard,
  lineage: ZModelLineage,
});
export type ModelVersion = z.infer<typeof ZModelVersion>;

export const ZAliasMove = z.object({
  alias: z.string(),
  version: z.number().int().nullable(),
  previousVersion: z.number().int().nullable(),
  /** False when the alias already pointed there (nothing changed, nothing recorded). */
  moved: z.boolean(),
});
export type AliasMove = z.infer<typeof ZAliasMove>;

export const ZAliasEvent = z.object({
  id: z.number().int(),
  alias: z.string(),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  reason: z.string(),
  at: ZIsoDate,
});
export type AliasEvent = z.infer<typeof ZAliasEvent>;

export const ZAliasAtTime = z.object({ alias: z.string(), at: ZIsoDate, version: z.number().int().nullable(), versionId: z.string().nullable() });
export type AliasAtTime = z.infer<typeof ZAliasAtTime>;
