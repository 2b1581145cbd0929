import type { ProjectRole } from "@keel/auth";
import type { DbOrTx, Db } from "@keel/db";
import type { ArtifactStore } from "@keel/storage";

/** Who is acting. Tokens act with their own role in their one project and are never admins. */
export type Actor =
  | { type: "user"; id: string; name: string; email: string; isAdmin: boolean }
  | { type: "token"; id: string; name: string; projectId: string; role: ProjectRole; createdBy: string | null }
  | { type: "system"; id: string; name: string };

export interface ProjectAccess {
  project: { id: string; slug: string; name: string };
  /** The caller's role in the project; undefined for an admin who is not a member. */
  role: ProjectRole | undefined;
}

/** What every service receives: a db handle, the caller and the request's identity. */
export interface ServiceContext {
  db: Db;
  actor: Actor | null;
  requestId: string;
  ip?: string | null;
  /** Project access already resolved in this request (slug → access). */
  accessCache?: Map<string, ProjectAccess>;
  /** The artifact store; unset = the process's store (see artifacts.ts). */
  artifacts?: ArtifactStore;
  /** Limits that differ from the environment's (tests). */
  limits?: { maxUploadBytes?: number };
}

export type { DbOrTx };

/** The actor for work Keel does by itself (seeding, the CLI's direct mode, the worker). */
export function systemActor(name = "keel"): Actor {
  return { type: "system", id: `system:${name}`, name };
}
