/**
 * Runs one parsed command: builds and validates the admin command, reads secrets, runs it where
 * the database is, prints the result. Loaded lazily by cli.ts, so help and usage errors stay fast.
 */
import {
  AdminCommandError,
  isKeelError,
  newAdminRequestId,
  passwordProblem,
  ZAdminCommand,
  type AdminCommand,
  type AdminCommandName,
  type AdminResults,
} from "@keel/api/admin";
import { ZodError } from "zod";
import { UsageError, type CliRequest } from "./args";
import { CliError, execute } from "./database";
import { cliEnv, type CliEnv } from "./env";
import { promptHidden, readFirstLine, stdinIsTerminal, type SecretIo } from "./secret-input";

export interface CliIo extends SecretIo {
  stdout: NodeJS.WritableStream;
}

export interface RunCommandOptions {
  /** Where to find the database; the environment by default. */
  env?: () => CliEnv;
}

/** Exit status of a command that ran: 0 done, 1 failed. Usage errors and interruptions are thrown. */
export async function runCommand(request: Exclude<CliRequest, { kind: "help" }>, io: CliIo, opts: RunCommandOptions = {}): Promise<number> {
  const out = (text: string): void => void io.stdout.write(`${text}\n`);
  const err = (text: string): void => void io.stderr.write(`${text}\n`);
  try {
    const env = (opts.env ?? cliEnv)();
    const command = await buildCommand(request, io);
    const requestId = newAdminRequestId();
    const run = <C extends AdminCommandName>(cmd: Extract<AdminCommand, { command: C }>): Promise<AdminResults[C]> =>
      execute(cmd, { env, requestId, log: err });

    switch (command.command) {
      case "token.create": {
        const t = await run(command);
        if (request.json) out(JSON.stringify(t, null, 2));
        else out(t.token);
        err(
          `keel: created token '${t.name}' (${t.id}, role ${t.role} in project ${command.args.project}, ` +
            `${t.expiresAt ? `expires ${t.expiresAt}` : "does not expire"}). It is shown only once: store it now.`,
        );
        return 0;
      }
      case "token.revoke": {
        const t = await run(command);
        out(request.json ? JSON.stringify(t, null, 2) : `revoked ${t.id} ('${t.name}', ${t.prefix}…, project ${t.project})`);
        return 0;
      }
      case "user.create": {
        const u = await run(command);
        out(request.json ? JSON.stringify(u, null, 2) : `created user ${u.id} <${u.email}>${u.isAdmin ? " (administrator)" : ""}`);
        return 0;
      }
      case "audit.verify": {
        const r = await run(command);
        if (request.json) out(JSON.stringify(r, null, 2));
        else if (r.ok) out(`ok: ${r.checked} events, head seq ${r.headSeq ?? 0}`);
        else out(`BROKEN at seq ${r.firstBrokenSeq ?? "?"}: ${r.reason ?? "unknown reason"}`);
        return r.ok ? 0 : 1;
      }
    }
  } catch (e) {
    if (e instanceof ZodError && e.issues.some((i) => i.path[0] === "DATABASE_URL" || i.path[0] === "KEEL_DATA_DIR")) {
      err(`keel: bad environment: ${e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      return 1;
    }
    if (e instanceof AdminCommandError || isKeelError(e) || e instanceof CliError) {
      err(`keel: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function commandName(request: CliRequest | undefined): string | undefined {
  return request && request.kind !== "help" ? request.kind.replace(".", " ") : undefined;
}

/** Flag names for the fields of the admin commands, for usage messages. */
const FLAG: Record<string, string> = {
  project: "--project",
  role: "--role",
  name: "--name",
  expiresInDays: "--expires-days",
  email: "--email",
  password: "password",
  isAdmin: "--admin",
  tokenOrId: "TOKEN_OR_ID",
};

/** Validates the command as the server will; a bad value is a usage error (exit 2). */
function validate<C extends AdminCommandName>(request: CliRequest, input: { command: C; args: unknown }): Extract<AdminCommand, { command: C }> {
  const parsed = ZAdminCommand.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const field = String(i.path[i.path.length - 1] ?? "");
      return `${FLAG[field] ?? field}: ${i.message}`;
    });
    throw new UsageError(problems.join("; "), commandName(request));
  }
  const command = parsed.data;
  if (!isCommand(command, input.command)) throw new Error(`validated ${command.command} as ${input.command}`);
  return command;
}

function isCommand<C extends AdminCommandName>(command: AdminCommand, name: C): command is Extract<AdminCommand, { command: C }> {
  return command.command === name;
}

async function buildCommand(request: Exclude<CliRequest, { kind: "help" }>, io: CliIo): Promise<AdminCommand> {
  switch (request.kind) {
    case "token.create": {
      const { project, role, name, expiresInDays } = request;
      return validate(request, { command: "token.create", args: { project, role, name, expiresInDays } });
    }
    case "token.revoke": {
      let tokenOrId = request.tokenOrId;
      if (tokenOrId === "-") tokenOrId = stdinIsTerminal(io) ? await promptHidden(io, "Token or id: ") : await readFirstLine(io.stdin);
      return validate(request, { command: "token.revoke", args: { tokenOrId } });
    }
    case "user.create": {
      // Check everything but the password before asking for it.
      const base = validate(request, { command: "user.create", args: { email: request.email, name: request.name, isAdmin: request.isAdmin, password: "" } });
      const password = await obtainPassword(request, base.args.email, io);
      return { ...base, args: { ...base.args, password } };
    }
    case "audit.verify":
      return validate(request, { command: "audit.verify", args: {} });
  }
}

async function obtainPassword(request: Extract<CliRequest, { kind: "user.create" }>, email: string, io: CliIo): Promise<string> {
  const check = (password: string): string => {
    const problem = password.length === 0 ? "is required" : passwordProblem(password, email);
    if (problem) throw new UsageError(`password: ${problem}`, "user create");
    return password;
  };
  if (request.password !== undefined) {
    io.stderr.write("keel: note: --password is visible to other local users (process list, shell history); prefer stdin.\n");
    return check(request.password);
  }
  if (!stdinIsTerminal(io)) return check(await readFirstLine(io.stdin));
  for (let attempt = 1; ; attempt++) {
    const first = await promptHidden(io, `Password for ${email}: `);
    try {
      check(first);
    } catch (e) {
      if (!(e instanceof UsageError) || attempt >= 3) throw e;
      io.stderr.write(`keel: ${e.message.replace(/\.$/, "")}. Try again.\n`);
      continue;
    }
    const again = await promptHidden(io, "Repeat the password: ");
    if (again === first) return first;
    if (attempt >= 3) throw new UsageError("the passwords did not match", "user create");
    io.stderr.write("keel: the passwords do not match. Try again.\n");
  }
}
