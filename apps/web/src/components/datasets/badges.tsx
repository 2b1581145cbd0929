import type { DatasetVersionSummary, VersionComparison } from "@keel/api";
import { Badge, type BadgeTone } from "~/components/ui";

type QualityStatus = DatasetVersionSummary["qualityStatus"];
type DriftLevel = NonNullable<VersionComparison["columns"][number]["level"]>;

const QUALITY_TONE: Record<QualityStatus, BadgeTone> = { pass: "green", warn: "amber", fail: "red" };
const QUALITY_LABEL: Record<QualityStatus, string> = { pass: "Quality: pass", warn: "Quality: warn", fail: "Quality: fail" };

/** A version's quality status, with an "overridden" marker when a failing version was cleared for training. */
export function QualityBadge({ status, overridden = false, short = false }: { status: QualityStatus; overridden?: boolean; short?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="quality-badge" data-status={status}>
      <Badge tone={QUALITY_TONE[status]}>{short ? status : QUALITY_LABEL[status]}</Badge>
      {overridden ? (
        <Badge tone="accent" title="A data scientist recorded a reason to train on this version despite the failed checks.">
          overridden
        </Badge>
      ) : null}
    </span>
  );
}

/** One check's status in a quality report. */
export function CheckStatusBadge({ status }: { status: QualityStatus }) {
  return <Badge tone={QUALITY_TONE[status]}>{status}</Badge>;
}

const LEVEL_TONE: Record<DriftLevel, BadgeTone> = { stable: "green", moderate: "amber", major: "red" };

/** PSI level: stable (< 0.1), moderate (0.1–0.25), major (≥ 0.25). */
export function DriftBadge({ level }: { level: DriftLevel | null }) {
  if (!level) return <Badge>n/a</Badge>;
  return <Badge tone={LEVEL_TONE[level]}>{level}</Badge>;
}

/** Column type, as a small monospace tag. */
export function TypeTag({ type }: { type: string }) {
  return <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">{type}</code>;
}
