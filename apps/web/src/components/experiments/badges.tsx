import type { RunStatus } from "@keel/api";
import { Badge, type BadgeTone } from "~/components/ui";

const TONES: Record<RunStatus, BadgeTone> = {
  queued: "neutral",
  running: "accent",
  succeeded: "green",
  failed: "red",
  cancelled: "amber",
};

export function RunStatusBadge({ status, cancelRequested }: { status: RunStatus; cancelRequested?: boolean }) {
  const label = cancelRequested && (status === "queued" || status === "running") ? "cancelling" : status;
  return (
    <Badge tone={TONES[status]} data-testid="run-status" data-status={status}>
      {status === "running" ? <span aria-hidden="true" className="mr-1.5 size-1.5 animate-pulse rounded-full bg-current" /> : null}
      {label}
    </Badge>
  );
}

export function SweepBadge() {
  return (
    <Badge tone="accent" data-testid="sweep-badge">
      sweep
    </Badge>
  );
}

export function BaselineBadge() {
  return (
    <Badge tone="amber" data-testid="baseline-badge" title="The experiment's baseline run: comparisons measure deltas against it">
      baseline
    </Badge>
  );
}

export const isActive = (status: RunStatus) => status === "queued" || status === "running";

/** "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null | undefined, empty = "—"): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return empty;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** A metric value: 4 significant digits, or an em dash. */
export function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}
