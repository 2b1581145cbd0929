/** Pure helpers of the approvals pages (unit-tested beside this file). */

export const REQUEST_STATUSES = ["pending", "approved", "rejected", "withdrawn", "stale"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const STATUS_LABELS: Record<RequestStatus, string> = {
  pending: "Pending",
  approved: "Approved",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
  stale: "Stale",
};

/** How many requests have each status (every status present, zero when none). */
export function countByStatus(requests: readonly { status: RequestStatus }[]): Record<RequestStatus, number> {
  const out: Record<RequestStatus, number> = { pending: 0, approved: 0, rejected: 0, withdrawn: 0, stale: 0 };
  for (const r of requests) out[r.status] += 1;
  return out;
}

/** Reads a status from the address bar (`?status=approved`); anything else is "pending". */
export function parseStatus(raw: string | null | undefined): RequestStatus {
  return (REQUEST_STATUSES as readonly string[]).includes(raw ?? "") ? (raw as RequestStatus) : "pending";
}

export interface DecisionViewerInput {
  viewerId: string | null;
  viewerRole: string | null;
  canDecide: boolean;
  request: { status: RequestStatus; requestedBy: { id: string } | null; approverRole: string; decisions: readonly { decidedBy: { id: string } | null }[] };
}

/**
 * What the evidence page offers the viewer: the decision form, the "not your own request" notice,
 * or a reason why there is nothing to decide. The server decides again (it is the authority).
 */
export type DecisionMode =
  | { kind: "form" }
  | { kind: "own-request" }
  | { kind: "closed" }
  | { kind: "already-decided" }
  | { kind: "wrong-role"; approverRole: string }
  | { kind: "no-permission" };

export function decisionMode({ viewerId, viewerRole, canDecide, request }: DecisionViewerInput): DecisionMode {
  if (viewerId !== null && request.requestedBy?.id === viewerId) return { kind: "own-request" };
  if (request.status !== "pending") return { kind: "closed" };
  if (!canDecide) return { kind: "no-permission" };
  if (viewerId !== null && request.decisions.some((d) => d.decidedBy?.id === viewerId)) return { kind: "already-decided" };
  if (viewerRole !== request.approverRole) return { kind: "wrong-role", approverRole: request.approverRole };
  return { kind: "form" };
}

/** A decision comment is required (the server requires it too): null when fine, else the problem. */
export function commentProblem(comment: string): string | null {
  const c = comment.trim();
  if (!c) return "A comment is required: say why you approve or reject, for the requester and the audit trail.";
  if (c.length > 5000) return "The comment must be at most 5,000 characters.";
  return null;
}
