import { z } from "zod";
import { ZEmail, ZIsoDate, ZProjectRole } from "./common";

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: z.string().trim().min(1, "is required").max(100),
  password: z.string(),
  isAdmin: z.boolean().default(false),
});
export type CreateUserInput = z.input<typeof ZCreateUserInput>;

export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  isAdmin: z.boolean(),
  createdAt: ZIsoDate,
});
export type User = z.infer<typeof ZUser>;

export const ZMe = z.object({
  actor: z.object({ type: z.enum(["user", "token", "system"]), id: z.string(), name: z.string() }),
  /** For a token: its project's slug; for a user: null (see memberships). */
  project: z.string().nullable(),
  /** For a token: its role. */
  role: ZProjectRole.nullable(),
  isAdmin: z.boolean(),
  email: z.string().nullable(),
  memberships: z.array(z.object({ project: z.string(), projectName: z.string(), role: ZProjectRole })),
});
export type Me = z.infer<typeof ZMe>;
