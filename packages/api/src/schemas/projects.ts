import { z } from "zod";
import { ZEmail, ZIsoDate, ZProjectRole, ZProjectSlug } from "./common";

export const ZCreateProjectInput = z.object({
  slug: ZProjectSlug,
  name: z.string().trim().min(1, "is required").max(100),
  description: z.string().max(2000).default(""),
  /** Administrators may create a project owned by someone else. */
  ownerEmail: ZEmail.optional(),
});
export type CreateProjectInput = z.input<typeof ZCreateProjectInput>;

export const ZUpdateProjectInput = z.object({
  project: ZProjectSlug,
  name: z.string().trim().min(1, "is required").max(100).optional(),
  description: z.string().max(2000).optional(),
});
export type UpdateProjectInput = z.input<typeof ZUpdateProjectInput>;

export const ZProject = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: ZIsoDate,
  /** The caller's role; null for an admin who is not a member. */
  role: ZProjectRole.nullable(),
});
export type Project = z.infer<typeof ZProject>;

export const ZProjectDetail = ZProject.extend({
  /** Permissions the caller holds in this project (drives navigation). */
  permissions: z.array(z.string()),
  memberCount: z.number().int(),
});
export type ProjectDetail = z.infer<typeof ZProjectDetail>;

export const ZMember = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  email: z.string(),
  role: ZProjectRole,
  createdAt: ZIsoDate,
});
export type Member = z.infer<typeof ZMember>;

export const ZAddMemberInput = z.object({ project: ZProjectSlug, email: ZEmail, role: ZProjectRole });
export type AddMemberInput = z.input<typeof ZAddMemberInput>;

export const ZUpdateMemberInput = z.object({ project: ZProjectSlug, userId: z.string().min(1), role: ZProjectRole });
export type UpdateMemberInput = z.input<typeof ZUpdateMemberInput>;

export const ZRemoveMemberInput = z.object({ project: ZProjectSlug, userId: z.string().min(1) });
export type RemoveMemberInput = z.input<typeof ZRemoveMemberInput>;
