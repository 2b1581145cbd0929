/**
 * `@keel/api/admin`: the admin commands behind the `keel` CLI, the admin socket server hosted by
 * the process that owns the embedded database, and its client.
 */
export {
  ADMIN_COMMANDS,
  ADMIN_MAX_BODY_BYTES,
  ADMIN_PATH,
  ADMIN_RESULT_SCHEMAS,
  ZAdminCommand,
  ZAdminError,
  ZAdminRequest,
  ZAdminResponse,
  ZAuditChainReport,
  type AdminArgs,
  type AdminCommand,
  type AdminCommandInput,
  type AdminCommandName,
  type AdminError,
  type AdminRequest,
  type AdminResponse,
  type AdminResult,
  type AdminResults,
} from "./protocol";
export { runAdminCommand, newAdminRequestId, type RunAdminCommandOptions } from "./commands";
export { startAdminServer, type AdminServer, type AdminServerOptions } from "./server";
export { callAdmin, parseAdminResult, AdminCommandError, AdminUnreachableError, type CallAdminOptions } from "./client";
export { defaultAdminSocketPath, fitSocketPath, ADMIN_SOCKET_NAME, MAX_SOCKET_PATH_BYTES } from "./socket-path";
// What the CLI needs to check its arguments before it reaches the database.
export { PROJECT_ROLES, MIN_PASSWORD_LENGTH, passwordProblem, type ProjectRole } from "@keel/auth";
export { KeelError, isKeelError, toKeelError, type KeelErrorCode, type ErrorDetail } from "../errors";
