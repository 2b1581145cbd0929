/** Turns argv into a request, with `node:util` parseArgs (strict). Bad usage throws UsageError (exit 2). */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { commandHelp, fullCommandHelp, groupHelp, GROUPS, mainHelp } from "./usage";

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command the usage is about (`token create`), for the usage text. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export type CliRequest =
  | { kind: "help"; text: string }
  | { kind: "token.create"; json: boolean; project: string; role: string; name: string; expiresInDays: number | undefined }
  | { kind: "token.revoke"; json: boolean; /** "-": read it from stdin */ tokenOrId: string }
  | { kind: "user.create"; json: boolean; email: string; name: string; isAdmin: boolean; password: string | undefined }
  | { kind: "audit.verify"; json: boolean };

const COMMON = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

type Options = NonNullable<ParseArgsConfig["options"]>;

function parse<O extends Options>(command: string, args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError(describeParseError(err), command);
  }
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const option = /'(-[^']*)'/.exec(e.message ?? "")?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ?? ""}`.trim();
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return option ? `option ${option.split(" ")[0] ?? option} needs a value` : (e.message ?? "invalid option value");
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${/'([^']*)'/.exec(e.message ?? "")?.[1] ?? ""}`.trim();
    default:
      return e.message ?? String(err);
  }
}

function required(command: string, value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`missing required option --${flag}`, command);
  return value;
}

function helpFor(command: string): CliRequest {
  const c = commandHelp(command);
  return { kind: "help", text: c ? fullCommandHelp(c) : mainHelp() };
}

export function parseCommandLine(argv: readonly string[]): CliRequest {
  const [first, second, ...rest] = argv;
  if (first === undefined) throw new UsageError("no command given");
  if (first === "--help" || first === "-h") {
    if (argv.length > 1) throw new UsageError(`unexpected argument ${second ?? ""}`.trim());
    return { kind: "help", text: mainHelp() };
  }
  if (first === "help") return parseHelp(argv.slice(1));
  if (first.startsWith("-")) throw new UsageError(`unknown option ${first}: options come after the command`);
  if (!(GROUPS as readonly string[]).includes(first)) throw new UsageError(`unknown command '${first}'`);
  if (second === undefined) throw new UsageError(`'${first}' needs a subcommand`, first);
  if (second === "--help" || second === "-h") return { kind: "help", text: groupHelp(first) };
  const name = `${first} ${second}`;
  if (!commandHelp(name)) throw new UsageError(`unknown command '${name}'`, first);

  switch (name) {
    case "token create": {
      const { values } = parse(name, rest, {
        ...COMMON,
        project: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        "expires-days": { type: "string" },
      });
      if (values.help) return helpFor(name);
      const days = values["expires-days"];
      if (days !== undefined && !/^\d+$/.test(days.trim())) throw new UsageError(`--expires-days must be a whole number of days, not '${days}'`, name);
      return {
        kind: "token.create",
        json: values.json ?? false,
        project: required(name, values.project, "project"),
        role: required(name, values.role, "role"),
        name: required(name, values.name, "name"),
        expiresInDays: days === undefined ? undefined : Number(days.trim()),
      };
    }
    case "token revoke": {
      const { values, positionals } = parse(name, rest, COMMON, true);
      if (values.help) return helpFor(name);
      if (positionals.length === 0) throw new UsageError("missing TOKEN_OR_ID (the token, its id, or - for stdin)", name);
      if (positionals.length > 1) throw new UsageError(`expected one TOKEN_OR_ID, got ${positionals.length}`, name);
      return { kind: "token.revoke", json: values.json ?? false, tokenOrId: positionals[0] ?? "" };
    }
    case "user create": {
      const { values } = parse(name, rest, {
        ...COMMON,
        email: { type: "string" },
        name: { type: "string" },
        admin: { type: "boolean" },
        password: { type: "string" },
      });
      if (values.help) return helpFor(name);
      return {
        kind: "user.create",
        json: values.json ?? false,
        email: required(name, values.email, "email"),
        name: required(name, values.name, "name"),
        isAdmin: values.admin ?? false,
        password: values.password,
      };
    }
    case "audit verify": {
      const { values } = parse(name, rest, COMMON);
      if (values.help) return helpFor(name);
      return { kind: "audit.verify", json: values.json ?? false };
    }
    default:
      throw new UsageError(`unknown command '${name}'`, first);
  }
}

function parseHelp(topic: string[]): CliRequest {
  if (topic.length === 0) return { kind: "help", text: mainHelp() };
  const [group, verb, ...extra] = topic;
  if (group === undefined || !(GROUPS as readonly string[]).includes(group)) throw new UsageError(`no help for '${topic.join(" ")}': unknown command`);
  if (extra.length > 0) throw new UsageError(`no help for '${topic.join(" ")}': unknown command`);
  if (verb === undefined) return { kind: "help", text: groupHelp(group) };
  const c = commandHelp(`${group} ${verb}`);
  if (!c) throw new UsageError(`no help for '${group} ${verb}': unknown command`, group);
  return { kind: "help", text: fullCommandHelp(c) };
}
