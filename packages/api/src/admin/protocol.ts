/**
 * The admin protocol: what the `keel` CLI asks of Keel, whether it runs the command itself
 * (direct mode) or sends it to the process that owns the embedded database (`POST /admin` on
 * the admin Unix socket). One discriminated union, shared by client and server.
 */
import { z } from "zod";
import { REQUEST_ID_PATTERN } from "../request-id";
import { ERROR_STATUS, type KeelErrorCode } from "../errors";
import { ZCreateTokenInput, ZApiToken, ZCreatedApiToken } from "../schemas/tokens";
import { ZCreateUserInput, ZUser } from "../schemas/users";

/** The one route of the admin server. */
export const ADMIN_PATH = "/admin";
/** Largest request body the admin server reads. */
export const ADMIN_MAX_BODY_BYTES = 64 * 1024;

export const ZAdminRequestId = z.string().regex(REQUEST_ID_PATTERN, "8–128 letters, digits, '_', '.', ':' or '-'");

const ZTokenCreateCommand = z.object({ command: z.literal("token.create"), args: ZCreateTokenInput });
const ZTokenRevokeCommand = z.object({
  command: z.literal("token.revoke"),
  args: z.object({ tokenOrId: z.string().trim().min(1, "give the token (keel_…) or its id (tok_…)") }),
});
const ZUserCreateCommand = z.object({ command: z.literal("user.create"), args: ZCreateUserInput });
const ZAuditVerifyCommand = z.object({ command: z.literal("audit.verify"), args: z.object({}).default({}) });

export const ZAdminCommand = z.discriminatedUnion("command", [ZTokenCreateCommand, ZTokenRevokeCommand, ZUserCreateCommand, ZAuditVerifyCommand]);
/** A command as sent (defaults not yet applied). */
export type AdminCommandInput = z.input<typeof ZAdminCommand>;
/** A command after validation. */
export type AdminCommand = z.output<typeof ZAdminCommand>;
export type AdminCommandName = AdminCommand["command"];
export const ADMIN_COMMANDS = ["token.create", "token.revoke", "user.create", "audit.verify"] as const satisfies readonly AdminCommandName[];

/** The arguments of each command, after validation. */
export type AdminArgs = { [C in AdminCommand as C["command"]]: C["args"] };

/** The body of `POST /admin`. */
export const ZAdminRequest = z.intersection(ZAdminCommand, z.object({ requestId: ZAdminRequestId.optional() }));
export type AdminRequest = z.input<typeof ZAdminRequest>;

export const ZAuditChainReport = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenSeq: z.number().int().optional(),
  reason: z.string().optional(),
  headSeq: z.number().int().optional(),
  headHash: z.string().optional(),
});

/** What each command answers. */
export const ADMIN_RESULT_SCHEMAS = {
  "token.create": ZCreatedApiToken,
  "token.revoke": ZApiToken.extend({ project: z.string() }),
  "user.create": ZUser,
  "audit.verify": ZAuditChainReport,
} as const satisfies Record<AdminCommandName, z.ZodType>;

export type AdminResults = { [C in AdminCommandName]: z.output<(typeof ADMIN_RESULT_SCHEMAS)[C]> };
export type AdminResult<C extends AdminCommandName> = AdminResults[C];

const ZKeelErrorCode = z.enum(Object.keys(ERROR_STATUS) as [KeelErrorCode, ...KeelErrorCode[]]);

export const ZAdminError = z.object({
  code: ZKeelErrorCode,
  message: z.string(),
  details: z.array(z.object({ path: z.string().optional(), message: z.string() })).default([]),
});
export type AdminError = z.output<typeof ZAdminError>;

/** The answer envelope: `{ok:true, result}` or `{ok:false, error:{code,message}}`. */
export const ZAdminResponse = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ZAdminError }),
]);
export type AdminResponse = z.output<typeof ZAdminResponse>;
