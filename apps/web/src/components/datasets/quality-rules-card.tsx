"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Badge, Button, Card } from "~/components/ui";
import { describeRule, kindLabel, type QualityRule } from "~/lib/quality-rules";
import { useTRPC } from "~/trpc/react";
import { RuleForm, type ColumnOption } from "./rule-form";

const same = (a: QualityRule[], b: QualityRule[]) => JSON.stringify(a) === JSON.stringify(b);

/** The dataset's quality rules: an editor for writers, a read-only list for everyone else. */
export function QualityRulesCard({ project, dataset, columns, canWrite }: { project: string; dataset: string; columns: ColumnOption[]; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.datasets.get.queryOptions({ project, dataset }));
  const saved = current.data?.qualityRules ?? [];
  // Edits are kept here until saved; null means "show what is saved".
  const [draft, setDraft] = useState<QualityRule[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const rules = draft ?? saved;
  const dirty = draft !== null && !same(draft, saved);
  const save = useMutation(
    trpc.datasets.setQualityRules.mutationOptions({
      onSuccess: async (d) => {
        queryClient.setQueryData(trpc.datasets.get.queryKey({ project, dataset }), d);
        setDraft(null);
        setNotice(`Saved ${d.qualityRules.length} ${d.qualityRules.length === 1 ? "rule" : "rules"}. They apply to versions uploaded from now on.`);
        await queryClient.invalidateQueries(trpc.datasets.list.pathFilter());
      },
    }),
  );
  const edit = (next: QualityRule[]) => {
    setNotice(null);
    save.reset();
    setDraft(next);
  };

  return (
    <Card
      id="quality-rules"
      title="Quality rules"
      description="Checked on every version uploaded from now on; versions already uploaded keep the report they were checked with. A failing rule of severity “fail” blocks training until a data scientist overrides it with a reason."
    >
      {current.isError ? <Alert tone="error">{current.error.message}</Alert> : null}
      {notice ? (
        <Alert tone="success" className="mb-4">
          {notice}
        </Alert>
      ) : null}
      {save.isError ? (
        <Alert tone="error" className="mb-4" title="The rules were not saved">
          {save.error.message}
        </Alert>
      ) : null}
      {rules.length === 0 ? (
        <p className="text-sm text-zinc-600" data-testid="no-rules">
          No rules yet.{" "}
          {canWrite
            ? "Add one below: e.g. a column that must never be empty, a numeric range, or a minimum row count. Versions are still profiled without rules."
            : "Versions are still profiled; a data scientist can add checks."}
        </p>
      ) : (
        <ul className="-my-2 divide-y divide-zinc-100" data-testid="quality-rules">
          {rules.map((r, i) => (
            <li key={r.id} className="flex flex-wrap items-center justify-between gap-3 py-2.5">
              <div className="min-w-0">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="text-sm font-medium text-zinc-900">{r.id}</code>
                  <Badge>{kindLabel(r.kind)}</Badge>
                  <Badge tone={r.severity === "fail" ? "red" : "amber"}>{r.severity}</Badge>
                </div>
                <p className="mt-0.5 text-sm text-zinc-600">{describeRule(r)}</p>
              </div>
              {canWrite ? (
                <Button variant="ghost" size="sm" aria-label={`Delete rule ${r.id}`} onClick={() => edit(rules.filter((_, j) => j !== i))}>
                  Delete
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canWrite ? (
        <>
          <RuleForm columns={columns} taken={rules.map((r) => r.id)} onAdd={(rule) => edit([...rules, rule])} />
          <div className="mt-5 flex flex-wrap items-center gap-3 border-t border-zinc-200 pt-4">
            <Button onClick={() => save.mutate({ project, dataset, rules })} disabled={!dirty || save.isPending}>
              {save.isPending ? "Saving…" : "Save rules"}
            </Button>
            {dirty ? (
              <>
                <Button variant="ghost" onClick={() => edit(saved)} disabled={save.isPending}>
                  Discard changes
                </Button>
                <span className="text-sm text-amber-800">Unsaved changes</span>
              </>
            ) : null}
          </div>
        </>
      ) : null}
    </Card>
  );
}
