import { ROLE_LABELS, type ProjectRole } from "@keel/auth/permissions";
import { Badge } from "./ui";

/** The caller's role in the current project (an administrator who is not a member sees "Administrator"). */
export function RoleBadge({ role, isAdmin }: { role: ProjectRole | null; isAdmin: boolean }) {
  if (role) {
    return (
      <Badge tone="accent" data-testid="role-badge" data-role={role} title={`Your role in this project: ${ROLE_LABELS[role]}`}>
        {ROLE_LABELS[role]}
      </Badge>
    );
  }
  if (isAdmin) {
    return (
      <Badge tone="amber" data-testid="role-badge" data-role="admin" title="Administrator (not a member of this project)">
        Administrator
      </Badge>
    );
  }
  return null;
}
