import { Badge, type BadgeTone } from "~/components/ui";
import { STATUS_LABELS, type RequestStatus } from "./logic";

const TONES: Record<RequestStatus, BadgeTone> = {
  pending: "accent",
  approved: "green",
  rejected: "red",
  withdrawn: "neutral",
  stale: "amber",
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return (
    <Badge tone={TONES[status]} data-testid="request-status" data-status={status}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
