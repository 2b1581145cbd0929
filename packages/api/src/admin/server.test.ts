import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDatabase } from "@keel/db/testing";
import { DEMO_PASSWORD, seedDemo } from "../seed";
import { AdminCommandError, AdminUnreachableError, callAdmin } from "./client";
import { startAdminServer, type AdminServer } from "./server";
import { defaultAdminSocketPath, MAX_SOCKET_PATH_BYTES } from "./socket-path";

let kdb: TestDatabase;
let dir: string;
let server: AdminServer;

beforeAll(async () => {
  kdb = await createTestDb();
  await seedDemo(kdb, { password: DEMO_PASSWORD });
  dir = mkdtempSync(path.join(tmpdir(), "keel-admin-"));
  server = await startAdminServer({ kdb, socketPath: defaultAdminSocketPath(dir), onError: () => undefined });
});
afterAll(async () => {
  await server.close();
  await kdb.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request, to see what the server does with bodies the client would never send. */
function raw(socketPath: string, method: string, urlPath: string, body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path: urlPath, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("admin server", () => {
  it("listens on <dir>/admin.sock, mode 0600", () => {
    expect(server.socketPath).toBe(path.join(dir, "admin.sock"));
    const st = statSync(server.socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it("runs commands for callAdmin, audited as system:cli with the caller's request id", async () => {
    const t = await callAdmin(server.socketPath, { command: "token.create", args: { project: "demo", role: "owner", name: "ci" } }, { requestId: "cli-request-0001" });
    expect(t.token).toMatch(/^keel_/);
    const { rows } = await kdb.query<{ actor_id: string; request_id: string }>("select actor_id, request_id from audit_events where entity_id = $1", [t.id]);
    expect(rows).toEqual([{ actor_id: "system:cli", request_id: "cli-request-0001" }]);
    const revoked = await callAdmin(server.socketPath, { command: "token.revoke", args: { tokenOrId: t.token } });
    expect(revoked).toMatchObject({ id: t.id, status: "revoked", project: "demo" });
    const user = await callAdmin(server.socketPath, { command: "user.create", args: { email: "sock@example.com", name: "Sock", password: "a-long-enough-password" } });
    expect(user).toMatchObject({ email: "sock@example.com", isAdmin: false });
    const report = await callAdmin(server.socketPath, { command: "audit.verify", args: {} });
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(3);
  });

  it("answers refusals as {ok:false, error} and callAdmin throws them as AdminCommandError", async () => {
    const err = await callAdmin(server.socketPath, { command: "token.create", args: { project: "nope", role: "owner", name: "x" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminCommandError);
    expect(err).toMatchObject({ code: "NOT_FOUND" });
    const res = await raw(server.socketPath, "POST", "/admin", JSON.stringify({ command: "token.create", args: { project: "nope", role: "owner", name: "x" } }));
    expect(res).toMatchObject({ status: 404, json: { ok: false, error: { code: "NOT_FOUND" } } });
  });

  it("refuses malformed requests", async () => {
    expect(await raw(server.socketPath, "POST", "/admin", "{not json")).toMatchObject({ status: 400, json: { ok: false, error: { code: "BAD_REQUEST" } } });
    const badRole = await raw(server.socketPath, "POST", "/admin", JSON.stringify({ command: "token.create", args: { project: "demo", role: "god", name: "x" } }));
    expect(badRole).toMatchObject({ status: 400, json: { ok: false, error: { code: "BAD_REQUEST", details: [{ path: "args.role" }] } } });
    expect(await raw(server.socketPath, "POST", "/admin", JSON.stringify({ command: "db.drop", args: {} }))).toMatchObject({ status: 400 });
    expect(await raw(server.socketPath, "POST", "/admin", JSON.stringify({ command: "audit.verify", requestId: "x" }))).toMatchObject({ status: 400 });
    expect(await raw(server.socketPath, "GET", "/admin")).toMatchObject({ status: 405, json: { ok: false } });
    expect(await raw(server.socketPath, "POST", "/other", "{}")).toMatchObject({ status: 404, json: { ok: false, error: { code: "NOT_FOUND" } } });
    const big = JSON.stringify({ command: "audit.verify", args: {}, pad: "x".repeat(70_000) });
    expect(await raw(server.socketPath, "POST", "/admin", big)).toMatchObject({ status: 413, json: { ok: false, error: { code: "PAYLOAD_TOO_LARGE" } } });
  });

  it("falls back to a private folder under tmpdir when the path is too long, and cleans up on close", async () => {
    const deep = path.join(dir, "x".repeat(MAX_SOCKET_PATH_BYTES));
    mkdirSync(deep, { recursive: true });
    const s = await startAdminServer({ kdb, socketPath: path.join(deep, "admin.sock") });
    try {
      expect(s.socketPath.startsWith(path.join(tmpdir(), "keel-"))).toBe(true);
      expect(Buffer.byteLength(s.socketPath)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
      expect(statSync(path.dirname(s.socketPath)).mode & 0o777).toBe(0o700);
      expect(defaultAdminSocketPath(deep)).toBe(s.socketPath);
      expect((await callAdmin(s.socketPath, { command: "audit.verify", args: {} })).ok).toBe(true);
    } finally {
      await s.close();
    }
    expect(() => statSync(s.socketPath)).toThrow();
    expect(() => statSync(path.dirname(s.socketPath))).toThrow();
    const gone = await callAdmin(s.socketPath, { command: "audit.verify", args: {} }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(AdminUnreachableError);
  });

  it("replaces a stale socket file, refuses a live one or a regular file", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "keel-admin-stale-"));
    try {
      const sock = path.join(d, "admin.sock");
      const live = createServer();
      await new Promise<void>((resolve) => live.listen(sock, resolve));
      await expect(startAdminServer({ kdb, socketPath: sock })).rejects.toThrow(/already answers/);
      await new Promise<void>((resolve) => live.close(() => resolve()));
      writeFileSync(sock, "not a socket");
      await expect(startAdminServer({ kdb, socketPath: sock })).rejects.toThrow(/not a socket/);
      rmSync(sock);
      // A stale socket: its process was killed before it could unlink it.
      const killed = spawnSync(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, "SIGKILL"))`]);
      expect(killed.signal).toBe("SIGKILL");
      expect(statSync(sock).isSocket()).toBe(true);
      const s = await startAdminServer({ kdb, socketPath: sock });
      expect((await callAdmin(s.socketPath, { command: "audit.verify", args: {} })).checked).toBeGreaterThan(0);
      await s.close();
      expect(() => statSync(sock)).toThrow();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("reports a tampered chain at the broken seq", async () => {
    await kdb.exec("ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET action='x' WHERE seq=2; ALTER TABLE audit_events ENABLE TRIGGER USER;");
    const report = await callAdmin(server.socketPath, { command: "audit.verify", args: {} });
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
