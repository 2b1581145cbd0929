/** Help texts. `keel --help` and `keel help <cmd>` print them on stdout; usage errors print them on stderr. */

export interface CommandHelp {
  /** `token create` */
  name: string;
  summary: string;
  usage: string;
  details: string;
}

export const COMMAND_HELP: readonly CommandHelp[] = [
  {
    name: "token create",
    summary: "Create a project API token (prints only the token on stdout)",
    usage: "keel token create --project SLUG --role ROLE --name NAME [--expires-days N] [--json]",
    details: `Options:
  --project SLUG      the project the token acts in (e.g. demo)
  --role ROLE         owner, data_scientist, approver, auditor or viewer
  --name NAME         a label to recognise the token by (e.g. ci)
  --expires-days N    expire after N days (1-3650); never by default
  --json              print the created token as JSON (secret included)

The secret is printed once, alone on stdout, so it can be captured:
  TOKEN=$(keel token create --project demo --role owner --name ci)`,
  },
  {
    name: "token revoke",
    summary: "Revoke an API token, given its secret (keel_…) or its id (tok_…)",
    usage: "keel token revoke TOKEN_OR_ID [--json]",
    details: `Arguments:
  TOKEN_OR_ID         the token itself (keel_…), its id (tok_…), or - to read it from stdin
Options:
  --json              print the revoked token as JSON`,
  },
  {
    name: "user create",
    summary: "Create a user account",
    usage: "keel user create --email EMAIL --name NAME [--admin] [--password PASSWORD] [--json]",
    details: `Options:
  --email EMAIL       the sign-in email
  --name NAME         the person's name
  --admin             make the user a global administrator
  --password PASSWORD the password (visible to other local users in the process list: prefer stdin)
  --json              print the created user as JSON

Without --password the password is read from stdin when it is not a terminal (the first line),
or asked for twice, without echo, on a terminal. At least 12 characters.`,
  },
  {
    name: "audit verify",
    summary: "Check the audit chain from the first event to the last",
    usage: "keel audit verify [--json]",
    details: `Prints "ok: N events, head seq S" and exits 0, or "BROKEN at seq S: reason" and exits 1.
Options:
  --json              print the report as JSON (same exit status)`,
  },
];

export const GROUPS = ["token", "user", "audit"] as const;

export function commandHelp(name: string): CommandHelp | undefined {
  return COMMAND_HELP.find((c) => c.name === name);
}

export function mainHelp(): string {
  const width = Math.max(...COMMAND_HELP.map((c) => c.name.length)) + 2;
  return `keel: administer a Keel installation from the command line

Usage: keel <command> [options]

Commands:
${COMMAND_HELP.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`).join("\n")}
  ${"help [command]".padEnd(width)} Show help for a command

Every command acts as the system actor "system:cli" and is recorded in the audit trail.

Which database:
  DATABASE_URL set      the Postgres database it names, directly.
  otherwise             the embedded database in KEEL_DATA_DIR (default ./.keel). When a running
                        Keel holds that folder, the command is sent to it over its admin socket;
                        when none does, the CLI opens the folder itself and closes it after.

Exit status: 0 done, 1 failed (or a broken audit chain), 2 bad usage.
Run "keel help <command>" for a command's options.`;
}

export function groupHelp(group: string): string {
  const cmds = COMMAND_HELP.filter((c) => c.name.startsWith(`${group} `));
  return `Usage:\n${cmds.map((c) => `  ${c.usage}`).join("\n")}\n\nRun "keel help ${group} <command>" for details.`;
}

export function fullCommandHelp(c: CommandHelp): string {
  return `${c.summary}.\n\nUsage: ${c.usage}\n\n${c.details}`;
}

/** The short text after a usage error: the command's usage line, or the command list. */
export function shortUsage(command: string | undefined): string {
  const c = command ? commandHelp(command) : undefined;
  if (c) return `Usage: ${c.usage}\nRun "keel help ${c.name}" for details.`;
  const group = command && (GROUPS as readonly string[]).includes(command) ? command : undefined;
  if (group) return groupHelp(group);
  return `Usage: keel <command> [options]\n\nCommands:\n${COMMAND_HELP.map((h) => `  ${h.usage}`).join("\n")}\n  keel help [command]\n\nRun "keel --help" for more.`;
}
