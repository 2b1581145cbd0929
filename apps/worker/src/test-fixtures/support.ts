/** Helpers shared by the worker's tests (not part of the worker). */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Actor, ServiceContext } from "@keel/api";
import type { KeelDatabase } from "@keel/db";

export const adminActor: Actor = { type: "user", id: "usr_admin", name: "Ada Admin", email: "ada@keel.local", isAdmin: true };

let seq = 0;
export function serviceContext(kdb: KeelDatabase, actor: Actor | null = adminActor): ServiceContext {
  return { db: kdb.db, actor, requestId: `req-worker-${++seq}`, ip: "127.0.0.1" };
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function auditRowsFor(kdb: KeelDatabase, entityId: string): Promise<{ action: string; actor_id: string }[]> {
  const { rows } = await kdb.query<{ action: string; actor_id: string }>(
    "select action, actor_id from audit_events where entity_id = $1 order by seq",
    [entityId],
  );
  return rows;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const DIE_WORKER = path.join(here, "die-worker.ts");

/**
 * Starts die-worker.ts (a worker in a child process, printing one JSON line per event) with
 * `args`; `waitLine` resolves with the first line that matches, or rejects if the child exits.
 */
export type Child = ChildProcessByStdio<null, Readable, Readable>;
export interface ChildLine {
  type: string;
  jobId?: string;
  runId?: string;
  n?: number;
  workerId?: string;
  message?: string;
}

export function spawnDieWorker(args: string[]): { child: Child; lines: ChildLine[]; log: string[]; waitLine: (pred: (l: ChildLine) => boolean) => Promise<ChildLine> } {
  const child = spawn(process.execPath, ["--import", "tsx", DIE_WORKER, ...args], { cwd: path.resolve(here, "../.."), stdio: ["ignore", "pipe", "pipe"] });
  const lines: ChildLine[] = [];
  const log: string[] = [];
  const waiters: { pred: (l: ChildLine) => boolean; resolve: (l: ChildLine) => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (text) => {
    log.push(text);
    try {
      const line = JSON.parse(text) as ChildLine;
      lines.push(line);
      for (const w of [...waiters]) if (w.pred(line)) w.resolve(line);
    } catch {
      // not one of ours
    }
  });
  createInterface({ input: child.stderr }).on("line", (text) => log.push(`stderr: ${text}`));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code, signal) => reject(new Error(`the child worker exited (${code ?? signal}):\n${log.join("\n")}`))));
  exited.catch(() => undefined);
  const waitLine = (pred: (l: ChildLine) => boolean): Promise<ChildLine> => {
    const found = lines.find(pred);
    if (found) return Promise.resolve(found);
    return Promise.race([new Promise<ChildLine>((resolve) => waiters.push({ pred, resolve })), exited]);
  };
  return { child, lines, log, waitLine };
}

export function killed(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

