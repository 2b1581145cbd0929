/**
 * The admin commands, in one place: the admin socket server and the CLI's direct mode both call
 * `runAdminCommand`, so a command behaves the same whichever way it arrives. Every command acts
 * as the system actor `system:cli` through the services, which check permissions and audit.
 */
import { randomUUID } from "node:crypto";
import type { KeelDatabase } from "@keel/db";
import { systemActor, type ServiceContext } from "../context";
import { verifyAuditChain } from "../services/audit";
import { createToken, revokeTokenByIdOrSecret } from "../services/tokens";
import { createUser } from "../services/users";
import { ZAdminCommand, type AdminArgs, type AdminCommandInput, type AdminCommandName, type AdminResults } from "./protocol";

export interface RunAdminCommandOptions {
  /** Written to the audit trail with every change; a fresh `cli-…` id when omitted. */
  requestId?: string;
}

type Handlers = { [C in AdminCommandName]: (ctx: ServiceContext, args: AdminArgs[C]) => Promise<AdminResults[C]> };

const handlers: Handlers = {
  "token.create": (ctx, args) => createToken(ctx, args),
  "token.revoke": (ctx, args) => revokeTokenByIdOrSecret(ctx, args.tokenOrId),
  "user.create": (ctx, args) => createUser(ctx, args),
  "audit.verify": (ctx) => verifyAuditChain(ctx.db),
};

function dispatch<C extends AdminCommandName>(ctx: ServiceContext, command: C, args: AdminArgs[C]): Promise<AdminResults[C]> {
  const handler: Handlers[C] = handlers[command];
  return handler(ctx, args);
}

export function newAdminRequestId(): string {
  return `cli-${randomUUID()}`;
}

/**
 * Validates `command` (a ZodError for a malformed one) and runs it as `system:cli`.
 * Service refusals surface as KeelError.
 */
export async function runAdminCommand<C extends AdminCommandName>(
  kdb: Pick<KeelDatabase, "db">,
  command: Extract<AdminCommandInput, { command: C }>,
  opts: RunAdminCommandOptions = {},
): Promise<AdminResults[C]> {
  const parsed = ZAdminCommand.parse(command);
  const ctx: ServiceContext = {
    db: kdb.db,
    actor: systemActor("cli"),
    requestId: opts.requestId ?? newAdminRequestId(),
    accessCache: new Map(),
  };
  // `parsed.command` equals `command.command` (a literal C); zod cannot carry the link itself.
  return dispatch(ctx, parsed.command as C, parsed.args as AdminArgs[C]);
}
