/**
 * Process-level tests: they spawn the real `keel` (bin/keel.mjs under tsx) against a temporary
 * KEEL_DATA_DIR, with no Keel running (the CLI opens the folder itself) and with a live holder
 * in this test process (the CLI must go through its admin socket), and against DATABASE_URL when
 * KEEL_TEST_DATABASE_URL names a Postgres server.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiToken, DEMO_PASSWORD, seedDemo } from "@keel/api";
import { defaultAdminSocketPath, startAdminServer, type AdminServer } from "@keel/api/admin";
import { lockPath, openEmbeddedDb, readEmbeddedLock, type KeelDatabase } from "@keel/db";
import { migrate } from "@keel/db/migrate";
import { createTestDb, testDriver, type TestDatabase } from "@keel/db/testing";

const BIN = fileURLToPath(new URL("../bin/keel.mjs", import.meta.url));
const TAMPER = "ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET action='x' WHERE seq=2; ALTER TABLE audit_events ENABLE TRIGGER USER;";
const PASSWORD = "a-long-enough-password";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI with only the database settings given here (none inherited). */
function keel(args: string[], opts: { dataDir?: string; databaseUrl?: string; input?: string } = {}): Promise<Run> {
  const { DATABASE_URL: _url, KEEL_DATA_DIR: _dir, INIT_CWD: _cwd, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited };
  if (opts.dataDir !== undefined) env.KEEL_DATA_DIR = opts.dataDir;
  if (opts.databaseUrl !== undefined) env.DATABASE_URL = opts.databaseUrl;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: tmpdir(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

async function auditRows(kdb: Pick<KeelDatabase, "query">): Promise<{ seq: number; action: string; actor_id: string }[]> {
  const { rows } = await kdb.query<{ seq: number; action: string; actor_id: string }>("select seq, action, actor_id from audit_events order by seq");
  return rows;
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe("keel with no running Keel: it opens the folder itself", () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir("keel-cli-direct-");
    const kdb = await openEmbeddedDb(dir);
    await migrate(kdb);
    await seedDemo(kdb, { password: DEMO_PASSWORD });
    await kdb.close();
  });

  it("token create prints exactly one line, the token; revoke, user create and audit verify work and are audited as system:cli", async () => {
    const created = await keel(["token", "create", "--project", "demo", "--role", "owner", "--name", "ci"], { dataDir: dir });
    expect(created.stderr).toContain("created token 'ci'");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^keel_[\w-]{40,}\n$/);
    const token = created.stdout.trim();
    expect(existsSync(lockPath(dir))).toBe(false); // released after the command

    const revoked = await keel(["token", "revoke", "-"], { dataDir: dir, input: `${token}\n` });
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^revoked tok_\w+ \('ci', keel_.*project demo\)\n$/) as unknown });

    const user = await keel(["user", "create", "--email", "cli@example.com", "--name", "Cli User", "--admin"], { dataDir: dir, input: `${PASSWORD}\n` });
    expect(user).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created user usr_\w+ <cli@example.com> \(administrator\)\n$/) as unknown });

    const verified = await keel(["audit", "verify"], { dataDir: dir });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^ok: (\d+) events, head seq \1\n$/);

    const kdb = await openEmbeddedDb(dir);
    try {
      const rows = await auditRows(kdb);
      expect(verified.stdout).toBe(`ok: ${rows.length} events, head seq ${rows.length}\n`);
      expect(rows.filter((r) => r.actor_id === "system:cli").map((r) => r.action)).toEqual(["project.token.create", "project.token.revoke", "user.create"]);
      expect(await authenticateApiToken(kdb.db, token)).toEqual({ ok: false, reason: "The API token was revoked." });
      await kdb.exec(TAMPER);
    } finally {
      await kdb.close();
    }

    const broken = await keel(["audit", "verify"], { dataDir: dir });
    expect(broken).toMatchObject({ code: 1, stdout: expect.stringMatching(/^BROKEN at seq 2: .+\n$/) as unknown });
  });

  it("refuses a folder without a database, without creating it", async () => {
    const missing = path.join(tempDir("keel-cli-missing-"), "nothing-here");
    const r = await keel(["audit", "verify"], { dataDir: missing });
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toContain(`No Keel database in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});

describe("keel with a running Keel: it goes through the admin socket", () => {
  let dir: string;
  let holder: KeelDatabase & { lock: { setAdminSocket(p: string): void } };
  let server: AdminServer;
  beforeAll(async () => {
    dir = tempDir("keel-cli-live-");
    holder = await openEmbeddedDb(dir);
    await migrate(holder);
    await seedDemo(holder, { password: DEMO_PASSWORD });
    server = await startAdminServer({ kdb: holder, socketPath: defaultAdminSocketPath(dir) });
    holder.lock.setAdminSocket(server.socketPath);
  });
  afterAll(async () => {
    await server.close();
    await holder.close();
  });

  it("token create, revoke, user create and audit verify act on the holder's database", async () => {
    expect(readEmbeddedLock(dir)).toMatchObject({ pid: process.pid, adminSocket: server.socketPath });

    const created = await keel(["token", "create", "--project", "demo", "--role", "data_scientist", "--name", "live", "--expires-days", "30"], { dataDir: dir });
    expect(created.stderr).toContain("created token 'live'");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^keel_[\w-]{40,}\n$/);
    // The holder's own PGlite sees the row: the CLI wrote it through the socket, not through a second opener.
    const auth = await authenticateApiToken(holder.db, created.stdout.trim());
    if (!auth.ok) throw new Error(auth.reason);
    expect(auth).toMatchObject({ projectSlug: "demo", actor: { name: "live", role: "data_scientist" } });
    const tokenId = auth.actor.id;
    const { rows: expiry } = await holder.query<{ expires_at: Date | null }>("select expires_at from api_tokens where id = $1", [tokenId]);
    expect(expiry[0]?.expires_at).toBeInstanceOf(Date);

    const revoked = await keel(["token", "revoke", tokenId, "--json"], { dataDir: dir });
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: tokenId, status: "revoked", project: "demo" });

    const user = await keel(["user", "create", "--email", "live@example.com", "--name", "Live", "--password", PASSWORD], { dataDir: dir });
    expect(user.code).toBe(0);
    expect(user.stderr).toContain("--password is visible");

    const refused = await keel(["token", "create", "--project", "nope", "--role", "owner", "--name", "x"], { dataDir: dir });
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toContain("No project 'nope'");

    const rows = await auditRows(holder);
    expect(rows.filter((r) => r.actor_id === "system:cli").map((r) => r.action)).toEqual(["project.token.create", "project.token.revoke", "user.create"]);
    const verified = await keel(["audit", "verify"], { dataDir: dir });
    expect(verified).toMatchObject({ code: 0, stdout: `ok: ${rows.length} events, head seq ${rows.length}\n` });
  });

  it("audit verify exits 1 naming the broken seq after a tamper", async () => {
    await holder.exec(TAMPER);
    const [broken, json] = await Promise.all([keel(["audit", "verify"], { dataDir: dir }), keel(["audit", "verify", "--json"], { dataDir: dir })]);
    expect(broken).toMatchObject({ code: 1, stdout: expect.stringMatching(/^BROKEN at seq 2: the event's content does not match its hash\n$/) as unknown });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBrokenSeq: 2, reason: "the event's content does not match its hash" });
  });
});

describe("bad arguments: usage on stderr, exit 2, database untouched (more cases in args.test.ts)", () => {
  const cases: string[][] = [
    [],
    ["frobnicate"],
    ["token", "create", "--bogus"],
    ["token", "create", "--project", "demo", "--role", "owner"],
    ["token", "create", "--project", "demo", "--role", "god", "--name", "x"],
    ["user", "create", "--email", "a@example.com", "--name", "X", "--password", "short"],
  ];
  it.concurrent.each(cases.map((argv) => [argv.join(" ") || "(nothing)", argv] as const))("keel %s", async (_label, argv) => {
    const dataDir = path.join(tmpdir(), `keel-cli-never-${process.pid}`);
    const r = await keel(argv, { dataDir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/(^|\n)keel: .+\n\nUsage/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it.concurrent("keel --help and keel help <cmd> print help on stdout and exit 0", async () => {
    const [main, cmd] = await Promise.all([keel(["--help"]), keel(["help", "token", "create"])]);
    expect(main).toMatchObject({ code: 0, stderr: "" });
    expect(main.stdout).toContain("Usage: keel <command> [options]");
    expect(cmd).toMatchObject({ code: 0, stderr: "" });
    expect(cmd.stdout).toContain("Usage: keel token create --project SLUG --role ROLE --name NAME");
  });
});

describe.skipIf(testDriver() !== "postgres")("keel on DATABASE_URL (Postgres, directly)", () => {
  let kdb: TestDatabase;
  beforeAll(async () => {
    kdb = await createTestDb();
    await seedDemo(kdb, { password: DEMO_PASSWORD });
  });
  afterAll(async () => {
    await kdb.destroy();
  });

  it("token create prints the token; audit verify passes, then fails after a tamper", async () => {
    const url = kdb.url ?? "";
    const created = await keel(["token", "create", "--project", "demo", "--role", "owner", "--name", "ci"], { databaseUrl: url });
    expect(created.stderr).toContain("created token 'ci'");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^keel_[\w-]{40,}\n$/);
    expect(await authenticateApiToken(kdb.db, created.stdout.trim())).toMatchObject({ ok: true, projectSlug: "demo", actor: { name: "ci", role: "owner" } });

    const user = await keel(["user", "create", "--email", "pg@example.com", "--name", "Pg"], { databaseUrl: url, input: `${PASSWORD}\n` });
    expect(user.code).toBe(0);
    const events = await auditRows(kdb);
    expect(events.filter((r) => r.actor_id === "system:cli")).toHaveLength(2);
    expect(await keel(["audit", "verify"], { databaseUrl: url })).toMatchObject({ code: 0, stdout: `ok: ${events.length} events, head seq ${events.length}\n` });

    await kdb.exec(TAMPER);
    expect(await keel(["audit", "verify"], { databaseUrl: url })).toMatchObject({ code: 1, stdout: expect.stringMatching(/^BROKEN at seq 2: /) as unknown });
  });
});
