/**
 * The `keel` CLI: parse, read secrets, run the command where the database is, print.
 * stdout carries only the result (for `token create`, only the token); everything else goes to stderr.
 * Exit status: 0 done, 1 failed, 2 bad usage, 130 interrupted.
 */
import { parseCommandLine, UsageError, type CliRequest } from "./args";
import type { CliIo, RunCommandOptions } from "./run-command";
import { InterruptedError } from "./secret-input";
import { shortUsage } from "./usage";

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export type { CliIo, RunCommandOptions };

export async function runCli(argv: readonly string[], io: CliIo, opts: RunCommandOptions = {}): Promise<number> {
  const err = (text: string): void => void io.stderr.write(`${text}\n`);
  let request: CliRequest | undefined;
  try {
    request = parseCommandLine(argv);
    if (request.kind === "help") {
      io.stdout.write(`${request.text}\n`);
      return EXIT.ok;
    }
    // The services, drivers and PGlite load only for a command that runs.
    const { runCommand } = await import("./run-command");
    return await runCommand(request, io, opts);
  } catch (e) {
    if (e instanceof UsageError) {
      const about = e.command ?? (request && request.kind !== "help" ? request.kind.replace(".", " ") : undefined);
      err(`keel: ${e.message}\n\n${shortUsage(about)}`);
      return EXIT.usage;
    }
    if (e instanceof InterruptedError) {
      err("keel: interrupted");
      return EXIT.interrupted;
    }
    err(`keel: ${describeFailure(e)}`);
    return EXIT.failed;
  }
}

/** The most telling message of an unexpected failure: drivers wrap the cause (e.g. "Failed query: …" around ECONNREFUSED). */
export function describeFailure(e: unknown): string {
  const messages: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    messages.push(cur.message.split("\n")[0] ?? cur.message);
    cur = cur.cause;
  }
  if (messages.length === 0) return String(e);
  const root = messages[messages.length - 1] ?? "";
  return messages.length > 1 && root !== messages[0] ? `${root} (${messages[0]})` : root;
}
