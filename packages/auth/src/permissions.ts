/**
 * The permission matrix: the one table that says which role may do what.
 * Every tRPC procedure and REST route names one of these permissions; a test walks every
 * procedure × every role against this table.
 */

export const PROJECT_ROLES = ["owner", "data_scientist", "approver", "auditor", "viewer"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** Human labels for roles, used by the UI and the CLI. */
export const ROLE_LABELS: Record<ProjectRole, string> = {
  owner: "Owner",
  data_scientist: "Data scientist",
  approver: "Approver (manager)",
  auditor: "Auditor (compliance)",
  viewer: "Viewer",
};

/**
 * Scope of a permission:
 * - `public`: anyone, signed in or not;
 * - `user`: any signed-in person (no project involved);
 * - `admin`: global administrators only;
 * - `project`: decided by the caller's role in the project named by the input.
 */
export type PermissionScope = "public" | "user" | "admin" | "project";

interface PermissionDef {
  scope: PermissionScope;
  /** For `project` scope: the roles allowed. Admins are always allowed. */
  roles?: readonly ProjectRole[];
  description: string;
}

const ALL: readonly ProjectRole[] = PROJECT_ROLES;
const NOT_VIEWER: readonly ProjectRole[] = ["owner", "data_scientist", "approver", "auditor"];
const BUILDERS: readonly ProjectRole[] = ["owner", "data_scientist"];
const OWNER: readonly ProjectRole[] = ["owner"];
const GOVERNANCE: readonly ProjectRole[] = ["owner", "approver"];
const AUDIT: readonly ProjectRole[] = ["owner", "auditor"];

export const PERMISSIONS = {
  // system
  "system.health.read": { scope: "public", description: "See whether Keel, its database and worker are up" },
  "system.status.read": { scope: "user", description: "See the system status page (database, worker, versions)" },
  "system.job.create": { scope: "admin", description: "Enqueue a diagnostic job on the worker" },
  "user.create": { scope: "admin", description: "Create a user account" },
  "user.list": { scope: "admin", description: "List all user accounts" },
  "user.me.read": { scope: "user", description: "Read one's own account and memberships" },
  "audit.chain.verify": { scope: "admin", description: "Verify the whole audit chain" },

  // projects
  "project.create": { scope: "user", description: "Create a project (the creator becomes its owner)" },
  "project.list": { scope: "user", description: "List the projects one belongs to" },
  "project.read": { scope: "project", roles: ALL, description: "See a project and its navigation" },
  "project.update": { scope: "project", roles: OWNER, description: "Rename a project or change its description" },
  "project.settings.read": { scope: "project", roles: NOT_VIEWER, description: "Open project settings" },
  "project.member.read": { scope: "project", roles: NOT_VIEWER, description: "See a project's members" },
  "project.member.add": { scope: "project", roles: OWNER, description: "Add a member to a project" },
  "project.member.update": { scope: "project", roles: OWNER, description: "Change a member's role" },
  "project.member.remove": { scope: "project", roles: OWNER, description: "Remove a member" },
  "project.token.read": { scope: "project", roles: NOT_VIEWER, description: "See a project's API tokens (never their secrets)" },
  "project.token.create": {
    scope: "project",
    roles: NOT_VIEWER,
    description: "Create an API token (owners any role; others their own role or viewer)",
  },
  "project.token.revoke": {
    scope: "project",
    roles: NOT_VIEWER,
    description: "Revoke an API token (owners any; others the tokens they created)",
  },

  // domains built by later issues; the matrix is shaped now so navigation and services fit
  "dataset.read": { scope: "project", roles: ALL, description: "Browse datasets, versions and profiles" },
  "dataset.write": { scope: "project", roles: BUILDERS, description: "Create datasets, upload versions and set quality rules" },
  "dataset.quality.override": {
    scope: "project",
    roles: BUILDERS,
    description: "Allow training on a dataset version that failed its quality checks, with a written reason",
  },
  "experiment.read": { scope: "project", roles: ALL, description: "Browse experiments and runs" },
  "experiment.write": { scope: "project", roles: BUILDERS, description: "Launch, cancel and log runs and sweeps" },
  "registry.read": { scope: "project", roles: ALL, description: "Browse registered models and versions" },
  "registry.write": { scope: "project", roles: BUILDERS, description: "Register model versions, edit model cards" },
  "registry.alias.write": {
    scope: "project",
    roles: BUILDERS,
    description: "Point a model's unprotected aliases (staging, champion…) at versions, or remove them",
  },
  "registry.protection.update": {
    scope: "project",
    roles: OWNER,
    description: "Choose which aliases of a model move only through an approved promotion",
  },
  "approval.read": { scope: "project", roles: NOT_VIEWER, description: "See approval requests and their evidence" },
  "approval.request": { scope: "project", roles: BUILDERS, description: "Request promotion of a model version" },
  "approval.decide": { scope: "project", roles: GOVERNANCE, description: "Approve or reject a promotion request" },
  "approval.policy.update": {
    scope: "project",
    roles: OWNER,
    description: "Set a model's approval policy (approver role, approvals required, gates)",
  },
  "approval.inbox.read": { scope: "user", description: "See the promotion requests waiting on one's decision" },
  "notification.read": { scope: "user", description: "Read one's in-app notifications" },
  "notification.update": { scope: "user", description: "Mark one's in-app notifications as read" },
  "deployment.read": { scope: "project", roles: ALL, description: "See deployments and their traffic" },
  "deployment.write": { scope: "project", roles: BUILDERS, description: "Change deployments, traffic and roll back" },
  "deployment.predict": { scope: "project", roles: ALL, description: "Send prediction requests to a deployment" },
  "deployment.feedback": { scope: "project", roles: NOT_VIEWER, description: "Report ground-truth labels for served predictions" },
  "registry.score": {
    scope: "project",
    roles: BUILDERS,
    description: "Score a dataset version with a model version (batch scoring), writing a new dataset version",
  },
  "monitoring.read": { scope: "project", roles: ALL, description: "See drift, performance and alerts" },
  "audit.read": { scope: "project", roles: AUDIT, description: "Read and export the project's audit trail" },
} as const satisfies Record<string, PermissionDef>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export function permissionScope(permission: Permission): PermissionScope {
  return PERMISSIONS[permission].scope;
}

/** The subject of a permission check. */
export interface Principal {
  /** Signed in at all (a user session or an API token). */
  authenticated: boolean;
  /** Global administrator (users only; tokens are never admins). */
  isAdmin: boolean;
  /** The caller's role in the project being accessed, if any. */
  projectRole?: ProjectRole;
}

/** The one decision function every procedure and route goes through. */
export function can(principal: Principal, permission: Permission): boolean {
  const def: PermissionDef = PERMISSIONS[permission];
  switch (def.scope) {
    case "public":
      return true;
    case "user":
      return principal.authenticated;
    case "admin":
      return principal.authenticated && principal.isAdmin;
    case "project":
      if (!principal.authenticated) return false;
      if (principal.isAdmin) return true;
      return principal.projectRole !== undefined && (def.roles ?? []).includes(principal.projectRole);
  }
}

/** The roles a caller may hand to an API token they create. */
export function grantableTokenRoles(principal: Principal): ProjectRole[] {
  if (principal.isAdmin || principal.projectRole === "owner") return [...PROJECT_ROLES];
  if (!principal.projectRole) return [];
  return principal.projectRole === "viewer" ? ["viewer"] : [principal.projectRole, "viewer"];
}

/** Sections of the project navigation and the permission that shows each. */
export const NAV_SECTIONS = [
  { key: "datasets", label: "Datasets", permission: "dataset.read" },
  { key: "experiments", label: "Experiments", permission: "experiment.read" },
  { key: "models", label: "Models", permission: "registry.read" },
  { key: "approvals", label: "Approvals", permission: "approval.read" },
  { key: "deployments", label: "Deployments", permission: "deployment.read" },
  { key: "monitoring", label: "Monitoring", permission: "monitoring.read" },
  { key: "audit", label: "Audit", permission: "audit.read" },
  { key: "settings", label: "Settings", permission: "project.settings.read" },
] as const satisfies readonly { key: string; label: string; permission: Permission }[];
