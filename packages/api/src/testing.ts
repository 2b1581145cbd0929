/** Test fixtures shared by the service tests: a fresh migrated database with the demo personas. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, schema } from "@keel/db";
import { createArtifactStore, type ArtifactStore } from "@keel/storage";
import { createTestDb, type TestDatabase } from "@keel/db/testing";
import type { Actor, ServiceContext } from "./context";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./seed";
import { createUser, userActor } from "./services/users";
import { systemActor } from "./context";

export interface Fixture {
  kdb: TestDatabase;
  /** Actors by persona: owner (the admin who owns demo), data_scientist, approver, auditor, viewer, outsider, admin. */
  actors: Record<"admin" | "data_scientist" | "approver" | "auditor" | "viewer" | "outsider" | "owner", Actor>;
  ctx(actor: Actor | null, requestId?: string): ServiceContext;
  /** A fresh local artifact store in a temp folder, in every ctx(). */
  artifacts: ArtifactStore;
  dataDir: string;
  /** Drops the database and the temp folder. */
  destroy(): Promise<void>;
}

let counter = 0;

export async function setupFixture(): Promise<Fixture> {
  const kdb = await createTestDb();
  await seedDemo(kdb, { password: DEMO_PASSWORD });
  const dataDir = mkdtempSync(path.join(tmpdir(), "keel-fixture-"));
  const artifacts = createArtifactStore({ dataDir });
  const ctx = (actor: Actor | null, requestId = `test-${++counter}`): ServiceContext => ({
    db: kdb.db,
    actor,
    requestId,
    ip: "127.0.0.1",
    artifacts,
  });
  const outsider = await createUser(ctx(systemActor("test")), { email: "outsider@keel.local", name: "Olga Outsider", password: DEMO_PASSWORD });
  // A second, non-admin owner of demo, so owner rules can be tested without admin powers.
  const owner = await createUser(ctx(systemActor("test")), { email: "owner@keel.local", name: "Owen Owner", password: DEMO_PASSWORD });
  const { addMember } = await import("./services/members");
  await addMember(ctx(systemActor("test")), { project: "demo", email: owner.email, role: "owner" });
  const byEmail = async (email: string): Promise<Actor> => {
    const [u] = await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, email));
    const a = u ? await userActor(kdb.db, u.id) : null;
    if (!a) throw new Error(`fixture user ${email} missing`);
    return a;
  };
  const email = (role: string) => DEMO_USERS.find((u) => u.role === role)?.email ?? "";
  return {
    kdb,
    ctx,
    artifacts,
    dataDir,
    destroy: async () => {
      await kdb.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
    actors: {
      admin: await byEmail("admin@keel.local"),
      owner: await byEmail(owner.email),
      data_scientist: await byEmail(email("data_scientist")),
      approver: await byEmail(email("approver")),
      auditor: await byEmail(email("auditor")),
      viewer: await byEmail(email("viewer")),
      outsider: await byEmail(outsider.email),
    },
  };
}

export async function auditCount(kdb: TestDatabase): Promise<number> {
  const { rows } = await kdb.query<{ n: number }>("select count(*)::int as n from audit_events");
  return rows[0]?.n ?? 0;
}
