import { randomBytes } from "node:crypto";
import type { ProjectRole } from "@keel/auth";
import { and, eq, schema, type KeelDatabase } from "@keel/db";
import { systemActor, type ServiceContext } from "./context";
import { addMember } from "./services/members";
import { createUser, userActor } from "./services/users";
import { createExperiment, launchRun } from "./services/experiments/index";
import { createProject } from "./services/projects";
import { createDataset, uploadDatasetVersion } from "./services/datasets/index";
import { createReadStream, existsSync } from "node:fs";
import path from "node:path";

/** The demo workspace's people: one per persona, plus an administrator who owns `demo`. */
export const DEMO_USERS: readonly { email: string; name: string; role: ProjectRole; isAdmin: boolean; persona: string }[] = [
  { email: "admin@keel.local", name: "Alex Admin", role: "owner", isAdmin: true, persona: "administrator (owner of demo)" },
  { email: "scientist@keel.local", name: "Dana Scientist", role: "data_scientist", isAdmin: false, persona: "data scientist" },
  { email: "manager@keel.local", name: "Mara Manager", role: "approver", isAdmin: false, persona: "approver (manager)" },
  { email: "auditor@keel.local", name: "Otto Auditor", role: "auditor", isAdmin: false, persona: "auditor (compliance)" },
  { email: "viewer@keel.local", name: "Vera Viewer", role: "viewer", isAdmin: false, persona: "viewer" },
];

/** The embedded demo's shared password (documented in the README; never used with DATABASE_URL unless asked). */
export const DEMO_PASSWORD = "keel-demo-password";
export const DEMO_PROJECT = "demo";

export interface SeedLogin {
  email: string;
  name: string;
  persona: string;
  /** The password set now, or null when the account already existed (its password is unchanged). */
  password: string | null;
}

export interface SeedResult {
  project: string;
  created: { users: number; project: boolean; memberships: number; datasets: number };
  logins: SeedLogin[];
}

/**
 * Idempotently seeds the `demo` project with one user per persona. Every change goes through the
 * services as the `keel` system actor, so the seed itself is in the audit trail.
 * `password`: the password for newly created users; when omitted, each gets a random one.
 */
export async function seedDemo(
  kdb: KeelDatabase,
  opts: {
    password?: string;
    requestId?: string;
    /** CSV files uploaded as demo datasets when the project is first created (name = file name). */
    datasetFiles?: string[];
    artifacts?: ServiceContext["artifacts"];
  } = {},
): Promise<SeedResult> {
  const ctx: ServiceContext = { db: kdb.db, actor: systemActor("seed"), requestId: opts.requestId ?? `seed-${Date.now()}`, artifacts: opts.artifacts };
  const logins: SeedLogin[] = [];
  const created = { users: 0, project: false, memberships: 0, datasets: 0 };
  const ids = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const [existing] = await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, u.email));
    if (existing) {
      ids.set(u.email, existing.id);
      logins.push({ email: u.email, name: u.name, persona: u.persona, password: null });
      continue;
    }
    const password = opts.password ?? `${randomBytes(12).toString("base64url")}`;
    const user = await createUser(ctx, { email: u.email, name: u.name, password, isAdmin: u.isAdmin });
    ids.set(u.email, user.id);
    created.users += 1;
    logins.push({ email: u.email, name: u.name, persona: u.persona, password });
  }

  let [project] = await kdb.db.select().from(schema.projects).where(eq(schema.projects.slug, DEMO_PROJECT));
  const owner = DEMO_USERS.find((u) => u.role === "owner");
  if (!project && owner) {
    await createProject(ctx, { slug: DEMO_PROJECT, name: "Demo", description: "The demo workspace seeded on first start.", ownerEmail: owner.email });
    [project] = await kdb.db.select().from(schema.projects).where(eq(schema.projects.slug, DEMO_PROJECT));
    created.project = true;
  }
  if (project) {
    for (const u of DEMO_USERS) {
      const userId = ids.get(u.email);
      if (!userId) continue;
      const [m] = await kdb.db
        .select({ id: schema.memberships.id })
        .from(schema.memberships)
        .where(and(eq(schema.memberships.projectId, project.id), eq(schema.memberships.userId, userId)));
      if (m) continue;
      await addMember(ctx, { project: DEMO_PROJECT, email: u.email, role: u.role });
      created.memberships += 1;
    }
  }
  if (created.project) {
    for (const file of opts.datasetFiles ?? []) {
      if (!existsSync(file)) continue;
      const name = path.basename(file).replace(/\.[^.]+$/, "");
      await createDataset(ctx, { project: DEMO_PROJECT, name, description: DEMO_DATASET_DESCRIPTIONS[name] ?? "" });
      await uploadDatasetVersion(ctx, { project: DEMO_PROJECT, dataset: name, body: createReadStream(file), filename: path.basename(file) });
      created.datasets += 1;
    }
  }
  return { project: DEMO_PROJECT, created, logins };
}

const DEMO_DATASET_DESCRIPTIONS: Record<string, string> = {
  "breast-cancer":
    "Wisconsin Diagnostic Breast Cancer (UCI, CC BY 4.0): 569 tumours, 30 numeric features computed from images, diagnosis malignant/benign.",
};

/** The sign-in details, as printed at start. */
export function formatLogins(result: SeedResult): string {
  const lines = result.logins.map(
    (l) => `  ${l.persona.padEnd(30)} ${l.email.padEnd(24)} ${l.password ?? "(existing account: password unchanged)"}`,
  );
  return [`Demo workspace '${result.project}': sign in as`, ...lines].join("\n");
}

/**
 * The demo's first experiment: two runs on the breast-cancer dataset (a logistic regression and an
 * MLP), launched as the demo data scientist and trained by the worker that starts with Keel. Call it
 * after the queue is installed, on the start that seeded the dataset (it does nothing otherwise).
 */
export async function seedDemoExperiment(kdb: KeelDatabase, opts: { requestId?: string; artifacts?: ServiceContext["artifacts"] } = {}): Promise<{ runs: number }> {
  const scientist = DEMO_USERS.find((u) => u.role === "data_scientist");
  const [user] = scientist ? await kdb.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, scientist.email)) : [];
  const actor = user ? await userActor(kdb.db, user.id) : null;
  if (!actor) return { runs: 0 };
  const ctx: ServiceContext = { db: kdb.db, actor, requestId: opts.requestId ?? `seed-${Date.now()}`, artifacts: opts.artifacts };
  const [existing] = await kdb.db.select({ id: schema.experiments.id }).from(schema.experiments).limit(1);
  if (existing) return { runs: 0 };
  const [version] = await kdb.db
    .select({ id: schema.datasetVersions.id })
    .from(schema.datasetVersions)
    .innerJoin(schema.datasets, eq(schema.datasets.id, schema.datasetVersions.datasetId))
    .where(eq(schema.datasets.name, "breast-cancer"))
    .limit(1);
  if (!version) return { runs: 0 };
  await createExperiment(ctx, {
    project: DEMO_PROJECT,
    name: "diagnosis",
    description: "Predict a malignant diagnosis from the 30 image features: which model family does best on held-out tumours?",
  });
  const base = { project: DEMO_PROJECT, experiment: "diagnosis", datasetVersionId: version.id, target: "diagnosis" };
  await launchRun(ctx, { ...base, name: "logistic baseline", model: { family: "logistic" } });
  await launchRun(ctx, { ...base, name: "mlp 64-32", model: { family: "mlp", hyperparams: { hiddenLayers: [64, 32], dropout: 0.1 } } });
  return { runs: 2 };
}
