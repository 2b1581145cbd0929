import { z } from "zod";
import { ZIsoDate, ZProjectRole, ZProjectSlug } from "./common";

export const MAX_TOKEN_DAYS = 3650;

export const ZCreateTokenInput = z.object({
  project: ZProjectSlug,
  name: z.string().trim().min(1, "is required").max(100),
  role: ZProjectRole,
  /** Days until the token expires; omit for a token that does not expire. */
  expiresInDays: z.number().int().min(1, "must be at least 1 day").max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS} days`).optional(),
});
export type CreateTokenInput = z.input<typeof ZCreateTokenInput>;

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: ZProjectRole,
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: ZIsoDate,
  expiresAt: ZIsoDate.nullable(),
  revokedAt: ZIsoDate.nullable(),
  lastUsedAt: ZIsoDate.nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});
export type ApiToken = z.infer<typeof ZApiToken>;

export const ZCreatedApiToken = ZApiToken.extend({
  /** The secret, shown once; Keel keeps only its sha256. */
  token: z.string(),
});
export type CreatedApiToken = z.infer<typeof ZCreatedApiToken>;

export const ZRevokeTokenInput = z.object({ project: ZProjectSlug, tokenId: z.string().min(1) });
export type RevokeTokenInput = z.input<typeof ZRevokeTokenInput>;
