import { PROJECT_ROLES } from "@keel/auth";
import { z } from "zod";

/** Slugs that would collide with the portal's own top-level routes. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(["api", "sign-in", "sign-out", "status", "settings", "admin", "new", "_next"]);

export const ZProjectSlug = z
  .string()
  .min(2, "must be at least 2 characters")
  .max(40, "must be at most 40 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "use lowercase letters, digits and single dashes (e.g. fraud-detection)")
  .refine((s) => !RESERVED_SLUGS.has(s), { message: "is reserved by Keel's own pages: choose another slug" });

export const ZProjectInput = z.object({ project: ZProjectSlug });

export const ZProjectRole = z.enum(PROJECT_ROLES);

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "must be an email address" }));

export const ZIsoDate = z.iso.datetime({ offset: true });

export const ZActorRef = z.object({
  type: z.enum(["user", "token", "system"]),
  id: z.string(),
  name: z.string(),
});
