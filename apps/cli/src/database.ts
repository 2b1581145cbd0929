/**
 * Where a command runs, found the way the server finds its database: DATABASE_URL (Postgres,
 * directly), or else the embedded folder. A running Keel that holds the folder gets the command
 * over its admin socket; when none does, the CLI opens the folder itself (taking its lock) and
 * closes it after. Either way the command runs through `runAdminCommand`.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import {
  AdminUnreachableError,
  callAdmin,
  runAdminCommand,
  type AdminCommandInput,
  type AdminCommandName,
  type AdminResults,
} from "@keel/api/admin";
import { createPostgresDb, EmbeddedLockedError, openEmbeddedDb, pgdataPath, readEmbeddedLock, type KeelDatabase } from "@keel/db";
import { migrate } from "@keel/db/migrate";
import type { CliEnv } from "./env";

/** A failure to report as `keel: <message>` (exit 1). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export interface ExecuteOptions {
  env: CliEnv;
  requestId: string;
  /** Notes for the person (stderr). */
  log: (line: string) => void;
  /** How long to wait for a Keel that holds the folder to open its admin socket (or let go). */
  waitMs?: number;
}

/** Runs one admin command where the database is. */
export async function execute<C extends AdminCommandName>(
  command: Extract<AdminCommandInput, { command: C }>,
  opts: ExecuteOptions,
): Promise<AdminResults[C]> {
  const { env, requestId } = opts;
  if (env.databaseUrl) {
    return direct(createPostgresDb({ url: env.databaseUrl, max: 2 }), (kdb) => runAdminCommand(kdb, command, { requestId }));
  }

  const dataDir = env.dataDir;
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  let announced = false;
  for (;;) {
    const holder = readEmbeddedLock(dataDir);
    if (holder) {
      if (holder.hostname !== hostname()) {
        throw new CliError(`${dataDir} is held by Keel pid ${holder.pid} on another host (${holder.hostname}): run keel there.`);
      }
      if (holder.adminSocket) {
        try {
          return await callAdmin(holder.adminSocket, command, { requestId });
        } catch (err) {
          // Nothing was sent: the holder is stopping (or its socket is gone). Try again below.
          if (!(err instanceof AdminUnreachableError)) throw err;
        }
      }
      if (Date.now() > deadline) {
        throw new CliError(
          `Keel (pid ${holder.pid}) holds ${dataDir} but does not answer on an admin socket. ` +
            `If it is still starting, try again in a moment; otherwise stop it and run this command again.`,
        );
      }
      if (!announced) {
        opts.log(`keel: ${dataDir} is in use by pid ${holder.pid} (another keel command, or a Keel still starting): waiting…`);
        announced = true;
      }
      await sleep(200);
      continue;
    }

    if (!existsSync(pgdataPath(dataDir))) {
      if (command.command !== "user.create") {
        throw new CliError(
          `No Keel database in ${dataDir}. Start Keel once (npm start), or point KEEL_DATA_DIR at its data folder, or set DATABASE_URL.`,
        );
      }
      opts.log(`keel: no database in ${dataDir} yet: creating one.`);
    }
    let kdb: KeelDatabase;
    try {
      kdb = await openEmbeddedDb(dataDir);
    } catch (err) {
      if (err instanceof EmbeddedLockedError) continue; // a Keel started just now: go through it
      throw err;
    }
    return direct(kdb, (db) => runAdminCommand(db, command, { requestId }));
  }
}

/** Migrates, runs `fn`, and closes the database, also when interrupted (the folder's lock is released). */
async function direct<T>(kdb: KeelDatabase, fn: (kdb: KeelDatabase) => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`keel: ${signal}: closing the database\n`);
    void kdb.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await migrate(kdb);
    return await fn(kdb);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await kdb.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
