import type { DatasetVersion } from "@keel/api";
import { Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { formatCount } from "~/lib/format-data";
import { kindLabel } from "~/lib/quality-rules";
import { CheckStatusBadge, QualityBadge } from "./badges";
import { actorName } from "./labels";
import { OverrideForm } from "./override-form";

/** The checks this version was uploaded with, the overrides recorded for it and (when it failed) the override form. */
export function QualityReportCard({ project, version, canOverride }: { project: string; version: DatasetVersion; canOverride: boolean }) {
  const { quality, overrides } = version;
  return (
    <Card
      id="quality"
      title="Quality report"
      description="The dataset's rules as they stood when this version was uploaded. Reports never change; new rules apply to later uploads."
      actions={<QualityBadge status={quality.status} overridden={version.qualityOverridden} />}
    >
      {quality.checks.length === 0 ? (
        <p className="text-sm text-zinc-600" data-testid="quality-empty">
          No quality rules were set when this version was uploaded, so nothing was checked beyond reading the file. Add rules on the dataset page; they
          apply to the next upload.
        </p>
      ) : (
        <div className="-mx-5 -my-4">
          <Table aria-label="Quality checks" data-testid="quality-table">
            <THead>
              <TR>
                <TH>Rule</TH>
                <TH>Column</TH>
                <TH>Status</TH>
                <TH className="text-right">Failing</TH>
                <TH>Example rows</TH>
                <TH>Message</TH>
              </TR>
            </THead>
            <TBody>
              {quality.checks.map((c) => (
                <TR key={c.ruleId} data-rule={c.ruleId}>
                  <TD>
                    <code className="text-sm font-medium text-zinc-900">{c.ruleId}</code>
                    <span className="block text-xs text-zinc-500">
                      {kindLabel(c.kind)} · {c.severity}
                    </span>
                  </TD>
                  <TD className="font-mono text-xs">{c.column ?? "—"}</TD>
                  <TD>
                    <CheckStatusBadge status={c.status} />
                  </TD>
                  <TD className="text-right tabular-nums">{formatCount(c.failing)}</TD>
                  <TD className="text-xs text-zinc-600 tabular-nums">{c.exampleRows.length ? c.exampleRows.join(", ") : "—"}</TD>
                  <TD className="min-w-64 text-zinc-700">{c.message}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
      {overrides.length > 0 ? (
        <div className="mt-8 border-t border-zinc-200 pt-4" data-testid="overrides">
          <h3 className="text-sm font-semibold text-zinc-900">Overrides</h3>
          <ul className="mt-2 space-y-3">
            {overrides.map((o) => (
              <li key={o.id} className="rounded-md border border-accent-200 bg-accent-50 px-4 py-3 text-sm">
                <p className="whitespace-pre-line text-zinc-900">{o.reason}</p>
                <p className="mt-1 text-xs text-zinc-600">
                  {actorName(o.createdBy)} · {formatDateTime(o.createdAt)}
                </p>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {quality.status === "fail" && canOverride ? (
        <OverrideForm project={project} dataset={version.dataset} version={version.version} again={overrides.length > 0} />
      ) : null}
    </Card>
  );
}
