"use client";

import type { ApprovalGate, ApprovalPolicy } from "@keel/api";
import { PROJECT_ROLES, ROLE_LABELS, type ProjectRole } from "@keel/auth/permissions";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, Card, Field, Input, Select } from "~/components/ui";
import { formatDateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { describeGate, gateRowProblem, gateToRow, rowToGate, type GateRow } from "./policy";

/** The model's approval policy: who approves, how many approvals, which gates; owners edit it. */
export function PolicyCard({ project, model, canEdit }: { project: string; model: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const policy = useQuery(trpc.approvals.getPolicy.queryOptions({ project, model }));
  const [editing, setEditing] = useState(false);
  return (
    <Card
      title="Approval policy"
      description="What a promotion to a protected alias needs. The gates are checked automatically when a request is made, and their results are frozen into its evidence."
      actions={
        canEdit && policy.data && !editing ? (
          <Button size="sm" variant="secondary" onClick={() => setEditing(true)} data-testid="policy-edit">
            Edit policy
          </Button>
        ) : null
      }
    >
      {policy.isError ? <Alert tone="error">{policy.error.message}</Alert> : null}
      {policy.isPending ? <p className="text-sm text-zinc-500">Loading the policy…</p> : null}
      {policy.data && !editing ? <PolicySummary policy={policy.data} /> : null}
      {policy.data && editing ? <PolicyForm project={project} model={model} policy={policy.data} onDone={() => setEditing(false)} /> : null}
    </Card>
  );
}

function PolicySummary({ policy }: { policy: ApprovalPolicy }) {
  return (
    <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[12rem_1fr]" data-testid="policy-summary">
      <dt className="font-medium text-zinc-900">Approver role</dt>
      <dd className="text-zinc-700">{ROLE_LABELS[policy.approverRole]}</dd>
      <dt className="font-medium text-zinc-900">Approvals required</dt>
      <dd className="text-zinc-700 tabular-nums">{policy.requiredApprovals} distinct {policy.requiredApprovals === 1 ? "person" : "people"}, never the requester</dd>
      <dt className="font-medium text-zinc-900">Metric gates</dt>
      <dd className="text-zinc-700">
        {policy.gates.length === 0 ? (
          <span className="text-zinc-500">None</span>
        ) : (
          <ul className="space-y-1">
            {policy.gates.map((g, i) => (
              <li key={i} className="font-mono text-xs">
                {describeGate(g)}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt className="font-medium text-zinc-900">Other gates</dt>
      <dd className="flex flex-wrap gap-2">
        <Badge tone={policy.requireQualityPass ? "accent" : "neutral"}>{policy.requireQualityPass ? "Data quality must pass" : "Data quality not required"}</Badge>
        <Badge tone={policy.requireEvaluation ? "accent" : "neutral"}>{policy.requireEvaluation ? "Evaluation must be present" : "Evaluation not required"}</Badge>
      </dd>
      <dt className="font-medium text-zinc-900">Source</dt>
      <dd className="text-zinc-600">{policy.custom ? `Set for this model${policy.updatedAt ? `, ${formatDateTime(policy.updatedAt)}` : ""}` : "Keel's default policy (no custom policy yet)"}</dd>
    </dl>
  );
}

function PolicyForm({ project, model, policy, onDone }: { project: string; model: string; policy: ApprovalPolicy; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [approverRole, setApproverRole] = useState<ProjectRole>(policy.approverRole);
  const [required, setRequired] = useState(String(policy.requiredApprovals));
  const [rows, setRows] = useState<GateRow[]>(policy.gates.map(gateToRow));
  const [quality, setQuality] = useState(policy.requireQualityPass);
  const [evaluation, setEvaluation] = useState(policy.requireEvaluation);
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useMutation(
    trpc.approvals.setPolicy.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.approvals.getPolicy.pathFilter());
        onDone();
      },
    }),
  );
  const update = (i: number, patch: Partial<GateRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const n = Number(required);
    if (!Number.isInteger(n) || n < 1 || n > 10) return setLocalError("Approvals required must be a whole number from 1 to 10.");
    const gates: ApprovalGate[] = [];
    for (const [i, r] of rows.entries()) {
      const problem = gateRowProblem(r);
      if (problem) return setLocalError(`Gate ${i + 1}: ${problem}`);
      gates.push(rowToGate(r));
    }
    setLocalError(null);
    save.mutate({ project, model, approverRole, requiredApprovals: n, gates, requireQualityPass: quality, requireEvaluation: evaluation });
  };
  const error = localError ?? save.error?.message ?? null;
  return (
    <form onSubmit={submit} noValidate className="space-y-4" data-testid="policy-form">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="policy-role" label="Approver role">
          <Select id="policy-role" value={approverRole} onChange={(e) => setApproverRole(e.target.value as ProjectRole)}>
            {PROJECT_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="policy-required" label="Approvals required" hint="Distinct people with the approver role; the requester never counts.">
          <Input id="policy-required" type="number" min={1} max={10} value={required} onChange={(e) => setRequired(e.target.value)} />
        </Field>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800">Metric gates</legend>
        {rows.length === 0 ? <p className="text-sm text-zinc-500">No metric gate.</p> : null}
        {rows.map((r, i) => (
          <div key={i} className="grid grid-cols-2 gap-2 sm:grid-cols-[1fr_5rem_9rem_7rem_7rem_auto] sm:items-center">
            <Input aria-label={`Gate ${i + 1} metric`} placeholder="test_roc_auc" value={r.metric} onChange={(e) => update(i, { metric: e.target.value })} />
            <Select aria-label={`Gate ${i + 1} comparison`} value={r.op} onChange={(e) => update(i, { op: e.target.value as GateRow["op"] })}>
              {([">=", ">", "<=", "<"] as const).map((op) => (
                <option key={op} value={op}>
                  {op}
                </option>
              ))}
            </Select>
            <Select aria-label={`Gate ${i + 1} against`} value={r.against} onChange={(e) => update(i, { against: e.target.value as GateRow["against"] })}>
              <option value="value">a fixed value</option>
              <option value="alias">an alias&apos;s version</option>
            </Select>
            {r.against === "alias" ? (
              <Input aria-label={`Gate ${i + 1} alias`} placeholder="production" value={r.relativeTo} onChange={(e) => update(i, { relativeTo: e.target.value })} />
            ) : (
              <span className="hidden sm:block" />
            )}
            <Input
              aria-label={r.against === "alias" ? `Gate ${i + 1} delta` : `Gate ${i + 1} value`}
              placeholder={r.against === "alias" ? "−0.01" : "0.8"}
              inputMode="decimal"
              value={r.number}
              onChange={(e) => update(i, { number: e.target.value })}
            />
            <Button size="sm" variant="ghost" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))} aria-label={`Remove gate ${i + 1}`}>
              Remove
            </Button>
          </div>
        ))}
        <Button size="sm" variant="secondary" onClick={() => setRows((rs) => [...rs, { metric: "", op: ">=", against: "alias", relativeTo: "production", number: "-0.01" }])}>
          Add gate
        </Button>
        <p className="text-xs text-zinc-500">Against an alias, the number is a delta: test_roc_auc ≥ production − 0.01 is “&gt;=, production, -0.01”.</p>
      </fieldset>
      <div className="space-y-2 text-sm text-zinc-800">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={quality} onChange={(e) => setQuality(e.target.checked)} className="size-4 rounded border-zinc-300" />
          The candidate&apos;s dataset version must have passed its quality checks
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={evaluation} onChange={(e) => setEvaluation(e.target.checked)} className="size-4 rounded border-zinc-300" />
          The candidate must have an evaluation
        </label>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save policy"}
        </Button>
      </div>
    </form>
  );
}
