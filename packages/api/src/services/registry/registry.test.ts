/**
 * The model registry on PGlite and Postgres: models, registering runs as versions (every rule),
 * model cards, aliases under MLflow's rules with protected aliases refused, the alias history and
 * point-in-time reads, concurrency, and the database triggers that keep versions and history fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, newId, schema } from "@keel/db";
import { testDriver } from "@keel/db/testing";
import { auditCount, setupFixture, type Fixture } from "../../testing";
import { createProject } from "../projects";
import { createExperiment } from "../experiments/experiments";
import {
  aliasHistory,
  archiveVersion,
  createModel,
  deleteAlias,
  findModel,
  findVersion,
  getModel,
  getModelVersion,
  listModels,
  listModelVersions,
  moveAlias,
  registerModelVersion,
  setAlias,
  setProtectedAliases,
  updateModelCard,
  versionAtTime,
} from "./index";
import { setupRegistryWorld, type RegistryWorld } from "./test-support";
import { expectKeel, expectZod } from "../../test/expect-errors";

async function count(fx: Fixture, table: string): Promise<number> {
  const { rows } = await fx.kdb.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? 0;
}

describe(`model registry on ${testDriver()}`, { timeout: 60_000 }, () => {
  let fx: Fixture;
  let w: RegistryWorld;
  const project = "demo";

  beforeAll(async () => {
    fx = await setupFixture();
    w = await setupRegistryWorld(fx);
  }, 120_000);
  afterAll(async () => {
    await fx.destroy();
  });

  it("creates models (audited), refuses duplicates ignoring case, bad names and viewers, changing nothing", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = await auditCount(fx.kdb);
    const m = await createModel(ds, { project, name: "Churn", description: "who leaves" });
    expect(m).toMatchObject({ name: "Churn", description: "who leaves", protectedAliases: ["production"], aliases: {}, versionCount: 0, latestVersion: null });
    expect(m.id).toMatch(/^mdl_/);
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    const models = await count(fx, "registered_models");
    await expectKeel(createModel(ds, { project, name: "churn" }), "CONFLICT", "name", /already exists/);
    await expectZod(createModel(ds, { project, name: "bad name!" }), "name");
    await expect(createModel(fx.ctx(fx.actors.viewer), { project, name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createModel(fx.ctx(fx.actors.outsider), { project, name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    expect(await count(fx, "registered_models")).toBe(models);
    expect((await listModels(fx.ctx(fx.actors.viewer), { project })).map((x) => x.name)).toContain("Churn");
  });

  it("registers a succeeded training run: signature, metrics, artifacts, card, lineage, audit", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createModel(ds, { project, name: "scorer" });
    const runId = await w.run();
    const before = await auditCount(fx.kdb);
    const v = await registerModelVersion(ds, { project, model: "SCORER", runId });
    expect(v).toMatchObject({
      model: "scorer",
      version: 1,
      status: "ready",
      runId,
      datasetVersionId: w.datasetVersionId,
      aliases: [],
      metrics: { test_accuracy: 0.9, test_log_loss: 0.25 },
      signature: {
        inputs: [
          { name: "age", type: "integer" },
          { name: "city", type: "categorical" },
          { name: "income", type: "integer" },
        ],
        output: { task: "binary", labels: ["no", "yes"] },
      },
      card: { intendedUse: "", limitations: "", ethicalConsiderations: "" },
      lineage: {
        run: { id: runId, experiment: { id: w.experimentId, name: "reg" }, family: "logistic" },
        dataset: { name: "tiny", versionId: w.datasetVersionId, version: 1, sha256: w.datasetSha256 },
        trainedBy: { id: expect.any(String) as string },
      },
    });
    expect(v.id).toMatch(/^mv_/);
    expect(v.artifacts.map((a) => a.path)).toEqual(["evaluation.json", "model/model.json", "model/weights.bin", "pipeline.json"]);
    expect(v.lineage.trainedAt).not.toBeNull();
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    const { rows } = await fx.kdb.query<{ action: string; entity_id: string }>("select action, entity_id from audit_events order by seq desc limit 1");
    expect(rows[0]).toEqual({ action: "registry.version.create", entity_id: v.id });
    expect(await count(fx, "model_cards")).toBeGreaterThanOrEqual(1);
    const v2 = await registerModelVersion(ds, { project, model: "scorer", runId: await w.run() });
    expect(v2.version).toBe(2);
    const detail = await getModel(fx.ctx(fx.actors.viewer), { project, model: "scorer" });
    expect(detail).toMatchObject({ versionCount: 2, latestVersion: 2 });
    expect(detail.versions.map((x) => x.version)).toEqual([2, 1]);
    expect((await listModelVersions(fx.ctx(fx.actors.viewer), { project, model: "scorer" })).length).toBe(2);
  });

  it("refuses every run that cannot be registered, naming runId, and changes nothing", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createModel(ds, { project, name: "strict" });
    const ok = await w.run();
    await registerModelVersion(ds, { project, model: "strict", runId: ok });
    const other = await createProject(fx.ctx(fx.actors.admin), { slug: "elsewhere", name: "Elsewhere" });
    const otherExp = await createExperiment(fx.ctx(fx.actors.admin), { project: "elsewhere", name: "e" });
    const foreign = await w.run({ projectId: other.id, experimentId: otherExp.id });
    const running = await w.run({ status: "running" });
    const failed = await w.run({ status: "failed" });
    const external = await w.run({ kind: "external" });
    const noWeights = await w.run({ artifacts: ["model/model.json", "pipeline.json"] });
    const before = { audit: await auditCount(fx.kdb), versions: await count(fx, "model_versions"), cards: await count(fx, "model_cards") };
    const m = (runId: string) => registerModelVersion(ds, { project, model: "strict", runId });
    await expectKeel(m(newId("run")), "NOT_FOUND", "runId");
    await expectKeel(m(foreign), "NOT_FOUND", "runId");
    await expectKeel(m(running), "CONFLICT", "runId", /not succeeded \(running\)/);
    await expectKeel(m(failed), "CONFLICT", "runId", /not succeeded \(failed\)/);
    await expectKeel(m(external), "BAD_REQUEST", "runId", /external/);
    await expectKeel(m(noWeights), "BAD_REQUEST", "runId", /model\/weights\.bin/);
    await expectKeel(m(ok), "CONFLICT", "runId", /already registered as version 1/);
    await expectZod(m("not-a-run"), "runId");
    await expectKeel(registerModelVersion(ds, { project, model: "nope", runId: ok }), "NOT_FOUND", "model");
    await expect(registerModelVersion(fx.ctx(fx.actors.viewer), { project, model: "strict", runId: ok })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect({ audit: await auditCount(fx.kdb), versions: await count(fx, "model_versions"), cards: await count(fx, "model_cards") }).toEqual(before);
    // the same run may be registered in another model
    await createModel(ds, { project, name: "strict-2" });
    expect((await registerModelVersion(ds, { project, model: "strict-2", runId: ok })).version).toBe(1);
    // the model's counter did not move on refusals
    const [row] = await fx.kdb.db.select().from(schema.registeredModels).where(eq(schema.registeredModels.name, "strict"));
    expect(row?.nextVersion).toBe(2);
  });

  it("numbers versions one at a time under concurrent registrations", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createModel(ds, { project, name: "busy" });
    const runs = await Promise.all(Array.from({ length: 6 }, () => w.run()));
    const versions = await Promise.all(runs.map((runId) => registerModelVersion(ds, { project, model: "busy", runId })));
    expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    // the same run twice at once: one wins, the other is a CONFLICT naming runId
    const dup = await w.run();
    const results = await Promise.allSettled([registerModelVersion(ds, { project, model: "busy", runId: dup }), registerModelVersion(ds, { project, model: "busy", runId: dup })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" ? rejected.reason : null).toMatchObject({ code: "CONFLICT", details: [{ path: "runId" }] });
  });

  it("edits the model card (audited); an empty edit or a viewer changes nothing", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = await auditCount(fx.kdb);
    const v = await updateModelCard(ds, { project, model: "scorer", version: 1, intendedUse: "# Use\nScore churn risk.", limitations: "Small sample." });
    expect(v.card).toMatchObject({ intendedUse: "# Use\nScore churn risk.", limitations: "Small sample.", ethicalConsiderations: "", updatedBy: { name: expect.any(String) as string } });
    const v2 = await updateModelCard(ds, { project, model: "scorer", version: 1, ethicalConsiderations: "Check age bias." });
    expect(v2.card).toMatchObject({ intendedUse: "# Use\nScore churn risk.", ethicalConsiderations: "Check age bias." });
    expect(await auditCount(fx.kdb)).toBe(before + 2);
    await expectKeel(updateModelCard(ds, { project, model: "scorer", version: 1 }), "BAD_REQUEST", "intendedUse");
    await expectKeel(updateModelCard(ds, { project, model: "scorer", version: 99, limitations: "x" }), "NOT_FOUND", "version");
    await expect(updateModelCard(fx.ctx(fx.actors.viewer), { project, model: "scorer", version: 1, limitations: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await auditCount(fx.kdb)).toBe(before + 2);
    expect((await getModelVersion(fx.ctx(fx.actors.viewer), { project, model: "scorer", version: 1 })).card.limitations).toBe("Small sample.");
  });

  it("sets, moves and removes aliases under MLflow's rules; each move is one history row and one audit event", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = { audit: await auditCount(fx.kdb), events: await count(fx, "model_alias_events") };
    expect(await setAlias(ds, { project, model: "scorer", alias: "Staging", version: 1, reason: "first" })).toEqual({ alias: "staging", version: 1, previousVersion: null, moved: true });
    expect(await setAlias(ds, { project, model: "scorer", alias: "staging", version: 1 })).toMatchObject({ moved: false });
    expect(await setAlias(ds, { project, model: "scorer", alias: "staging", version: 2 })).toEqual({ alias: "staging", version: 2, previousVersion: 1, moved: true });
    await setAlias(ds, { project, model: "scorer", alias: "champion", version: 2 });
    expect(await auditCount(fx.kdb)).toBe(before.audit + 3);
    expect(await count(fx, "model_alias_events")).toBe(before.events + 3);
    const model = await getModel(fx.ctx(fx.actors.viewer), { project, model: "scorer" });
    expect(model.aliases).toEqual({ champion: 2, staging: 2 });
    expect(model.versions.find((v) => v.version === 2)?.aliases).toEqual(["champion", "staging"]);

    const mark = { audit: await auditCount(fx.kdb), events: await count(fx, "model_alias_events") };
    const set = (alias: string, version = 1) => setAlias(ds, { project, model: "scorer", alias, version });
    await expectZod(set("latest"), "alias");
    await expectZod(set("LATEST"), "alias");
    await expectZod(set("v3"), "alias");
    await expectZod(set("V12"), "alias");
    await expectZod(set("has space"), "alias");
    await expectZod(set("dot.ted"), "alias");
    await expectKeel(set("production"), "CONFLICT", "alias", /approved promotion request/);
    await expectKeel(set("Production"), "CONFLICT", "alias", /protected/);
    await expectKeel(deleteAlias(ds, { project, model: "scorer", alias: "production" }), "CONFLICT", "alias", /approved promotion/);
    await expectKeel(set("qa", 42), "NOT_FOUND", "version");
    await expectKeel(deleteAlias(ds, { project, model: "scorer", alias: "never-set" }), "NOT_FOUND", "alias");
    await expect(setAlias(fx.ctx(fx.actors.viewer), { project, model: "scorer", alias: "qa", version: 1 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(setAlias(fx.ctx(fx.actors.approver), { project, model: "scorer", alias: "qa", version: 1 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect({ audit: await auditCount(fx.kdb), events: await count(fx, "model_alias_events") }).toEqual(mark);

    expect(await deleteAlias(ds, { project, model: "scorer", alias: "champion", reason: "retired" })).toEqual({ alias: "champion", version: null, previousVersion: 2, moved: true });
    const history = await aliasHistory(fx.ctx(fx.actors.viewer), { project, model: "scorer" });
    expect(history.map((h) => [h.alias, h.fromVersion, h.toVersion, h.reason])).toEqual([
      ["champion", 2, null, "retired"],
      ["champion", null, 2, ""],
      ["staging", 1, 2, ""],
      ["staging", null, 1, "first"],
    ]);
    expect(history[0]?.actor.name).toBeTruthy();
    expect((await aliasHistory(fx.ctx(fx.actors.viewer), { project, model: "scorer", alias: "staging" })).length).toBe(2);
  });

  it("answers which version an alias named at a point in time", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createModel(ds, { project, name: "timed" });
    for (let i = 0; i < 3; i++) await registerModelVersion(ds, { project, model: "timed", runId: await w.run() });
    const pause = () => new Promise((r) => setTimeout(r, 15));
    const t0 = new Date();
    await pause();
    await setAlias(ds, { project, model: "timed", alias: "staging", version: 1 });
    await pause();
    const t1 = new Date();
    await pause();
    await setAlias(ds, { project, model: "timed", alias: "staging", version: 3 });
    await pause();
    const t2 = new Date();
    await pause();
    await deleteAlias(ds, { project, model: "timed", alias: "staging" });
    const at = (d?: Date) => versionAtTime(fx.ctx(fx.actors.viewer), { project, model: "timed", alias: "staging", at: d?.toISOString() });
    expect((await at(t0)).version).toBeNull();
    expect((await at(t1)).version).toBe(1);
    expect((await at(t2)).version).toBe(3);
    expect(await at()).toMatchObject({ version: null, versionId: null });
  });

  it("archives a version: it cannot take an alias, an aliased version cannot be archived, twice is a conflict", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createModel(ds, { project, name: "old" });
    await registerModelVersion(ds, { project, model: "old", runId: await w.run() });
    await registerModelVersion(ds, { project, model: "old", runId: await w.run() });
    await setAlias(ds, { project, model: "old", alias: "staging", version: 1 });
    const before = await auditCount(fx.kdb);
    await expectKeel(archiveVersion(ds, { project, model: "old", version: 1 }), "CONFLICT", "version", /aliased as staging/);
    expect(await auditCount(fx.kdb)).toBe(before);
    expect((await archiveVersion(ds, { project, model: "old", version: 2 })).status).toBe("archived");
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    await expectKeel(archiveVersion(ds, { project, model: "old", version: 2 }), "CONFLICT", "version", /already archived/);
    await expectKeel(setAlias(ds, { project, model: "old", alias: "staging", version: 2 }), "CONFLICT", "version", /archived/);
    expect((await getModel(ds, { project, model: "old" })).aliases).toEqual({ staging: 1 });
    expect(await auditCount(fx.kdb)).toBe(before + 1);
  });

  it("protected aliases: only owners change the list; moveAlias (the approval flow's hook) moves a protected alias", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    const before = await auditCount(fx.kdb);
    await expect(setProtectedAliases(ds, { project, model: "scorer", aliases: [] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expectZod(setProtectedAliases(fx.ctx(fx.actors.owner), { project, model: "scorer", aliases: ["latest"] }), "aliases.0");
    expect(await auditCount(fx.kdb)).toBe(before);
    const m = await setProtectedAliases(fx.ctx(fx.actors.owner), { project, model: "scorer", aliases: ["Production", "prod-eu", "production"] });
    expect(m.protectedAliases).toEqual(["prod-eu", "production"]);
    expect(await auditCount(fx.kdb)).toBe(before + 1);
    await expectKeel(setAlias(ds, { project, model: "scorer", alias: "prod-eu", version: 1 }), "CONFLICT", "alias");
    // the next slice's approval workflow moves protected aliases through moveAlias, in its own transaction
    const moved = await fx.kdb.db.transaction(async (tx) => {
      const model = await findModel(tx, w.projectId, "scorer", { forUpdate: true });
      return moveAlias(tx, ds, { model, alias: "production", to: await findVersion(tx, model, 2), reason: "approved apr_x" });
    });
    expect(moved).toMatchObject({ alias: "production", version: 2, moved: true });
    expect((await getModel(ds, { project, model: "scorer" })).aliases.production).toBe(2);
    expect(await auditCount(fx.kdb)).toBe(before + 2);
    // unprotected, production is an ordinary alias
    await setProtectedAliases(fx.ctx(fx.actors.owner), { project, model: "scorer", aliases: [] });
    expect(await setAlias(ds, { project, model: "scorer", alias: "production", version: 1 })).toMatchObject({ moved: true, previousVersion: 2 });
  });

  it("10 parallel setAlias calls on one alias end consistent: one current version, one history row per move", async () => {
    const ds = fx.ctx(fx.actors.data_scientist);
    await createModel(ds, { project, name: "race" });
    for (let i = 0; i < 4; i++) await registerModelVersion(ds, { project, model: "race", runId: await w.run() });
    const model = await findModel(fx.kdb.db, w.projectId, "race");
    const auditBefore = await auditCount(fx.kdb);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => setAlias(fx.ctx(fx.actors.data_scientist), { project, model: "race", alias: "hot", version: (i % 4) + 1 })));
    const moves = results.filter((r) => r.moved).length;
    expect(moves).toBeGreaterThanOrEqual(4);
    const current = await fx.kdb.db.select().from(schema.modelAliases).where(and(eq(schema.modelAliases.modelId, model.id), eq(schema.modelAliases.alias, "hot")));
    expect(current).toHaveLength(1);
    const events = await fx.kdb.db.select().from(schema.modelAliasEvents).where(eq(schema.modelAliasEvents.modelId, model.id)).orderBy(schema.modelAliasEvents.id);
    expect(events).toHaveLength(moves);
    expect(await auditCount(fx.kdb)).toBe(auditBefore + moves);
    // the history is a chain: each move starts where the previous one ended, and ends at the current version
    for (let i = 1; i < events.length; i++) expect(events[i]?.fromVersionId).toBe(events[i - 1]?.toVersionId);
    expect(events[0]?.fromVersionId).toBeNull();
    expect(events.at(-1)?.toVersionId).toBe(current[0]?.versionId);
  });

  it("the database keeps versions immutable (except archiving) and the alias history append-only", async () => {
    const { rows } = await fx.kdb.query<{ id: string }>("select id from model_versions where status = 'ready' limit 1");
    const id = rows[0]?.id ?? "";
    await expect(fx.kdb.query("update model_versions set metrics = '{}'::jsonb where id = $1", [id])).rejects.toThrow(/immutable/);
    await expect(fx.kdb.query("update model_versions set version = version + 100 where id = $1", [id])).rejects.toThrow(/immutable/);
    await expect(fx.kdb.query("update model_versions set run_id = run_id where id = $1", [id])).resolves.toBeDefined();
    const { rows: archived } = await fx.kdb.query<{ id: string }>("select id from model_versions where status = 'archived' limit 1");
    await expect(fx.kdb.query("update model_versions set status = 'ready' where id = $1", [archived[0]?.id ?? ""])).rejects.toThrow(/immutable/);
    await expect(fx.kdb.query("update model_alias_events set reason = 'edited'")).rejects.toThrow(/append-only/);
    await expect(fx.kdb.query("delete from model_alias_events")).rejects.toThrow(/append-only/);
    // deleting a whole model (a cascade) takes its history with it
    const { rows: race } = await fx.kdb.query<{ id: string }>("select id from registered_models where name = 'race'");
    await fx.kdb.query("delete from registered_models where id = $1", [race[0]?.id ?? ""]);
    const { rows: left } = await fx.kdb.query<{ n: number }>("select count(*)::int as n from model_alias_events where model_id = $1", [race[0]?.id ?? ""]);
    expect(left[0]?.n).toBe(0);
  });
});
