import { PROJECT_ROLES, type ProjectRole } from "@keel/auth/permissions";

/** The message a person can act on (the KeelError's), from whatever a mutation or query threw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong. Try again.";
}

export function isProjectRole(value: string): value is ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(value);
}
