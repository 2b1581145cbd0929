"use client";

import { useState, type FormEvent } from "react";
import { Button, Field, Input, Select } from "~/components/ui";
import {
  isRuleKind,
  isRuleSeverity,
  kindNeedsColumn,
  RULE_KINDS,
  ruleFromDraft,
  suggestRuleId,
  type QualityRule,
  type RuleDraft,
} from "~/lib/quality-rules";

export interface ColumnOption {
  name: string;
  type: string;
}

const EMPTY: Omit<RuleDraft, "id" | "column"> = { kind: "not_null", severity: "fail", min: "", max: "", values: "", pattern: "" };

/** The "add a rule" form: kind, column, parameters, severity and an id that follows them until edited. */
export function RuleForm({ columns, taken, onAdd }: { columns: ColumnOption[]; taken: string[]; onAdd: (rule: QualityRule) => void }) {
  const firstColumn = columns[0]?.name ?? "";
  const [draft, setDraft] = useState<RuleDraft>({ ...EMPTY, column: firstColumn, id: suggestRuleId("not_null", firstColumn || null, taken) });
  const [idEdited, setIdEdited] = useState(false);
  const [error, setError] = useState<{ field: keyof RuleDraft; message: string } | null>(null);

  const update = (patch: Partial<RuleDraft>) => {
    setError(null);
    setDraft((d) => {
      const next = { ...d, ...patch };
      if (!idEdited && (patch.kind !== undefined || patch.column !== undefined)) {
        next.id = suggestRuleId(next.kind, next.column || null, taken);
      }
      return next;
    });
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const result = ruleFromDraft(draft, taken);
    if (!result.ok) {
      setError({ field: result.field, message: result.message });
      return;
    }
    onAdd(result.rule);
    const nextTaken = [...taken, result.rule.id];
    setDraft((d) => ({ ...EMPTY, kind: d.kind, severity: d.severity, column: d.column, id: suggestRuleId(d.kind, d.column || null, nextTaken) }));
    setIdEdited(false);
  };
  const errorFor = (f: keyof RuleDraft) => (error?.field === f ? error.message : null);
  const needsColumn = kindNeedsColumn(draft.kind);
  const kindInfo = RULE_KINDS.find((k) => k.kind === draft.kind);

  return (
    <form onSubmit={submit} noValidate className="mt-5 border-t border-zinc-200 pt-5" aria-labelledby="add-rule-title" data-testid="add-rule-form">
      <h3 id="add-rule-title" className="text-sm font-semibold text-zinc-900">
        Add a rule
      </h3>
      <div className="mt-3 grid items-start gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field id="rule-kind" label="Check" hint={kindInfo?.hint}>
          <Select id="rule-kind" value={draft.kind} onChange={(e) => isRuleKind(e.target.value) && update({ kind: e.target.value })}>
            {RULE_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </Select>
        </Field>
        {needsColumn ? (
          <Field id="rule-column" label="Column" error={errorFor("column")} hint={columns.length === 0 ? "No version yet: type the column name." : undefined}>
            {columns.length > 0 ? (
              <Select id="rule-column" value={draft.column} onChange={(e) => update({ column: e.target.value })}>
                {columns.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name} ({c.type})
                  </option>
                ))}
              </Select>
            ) : (
              <Input id="rule-column" value={draft.column} onChange={(e) => update({ column: e.target.value })} aria-invalid={errorFor("column") ? true : undefined} />
            )}
          </Field>
        ) : null}
        {draft.kind === "range" ? (
          <>
            <Field id="rule-min" label="Min (inclusive)" error={errorFor("min")}>
              <Input id="rule-min" inputMode="decimal" value={draft.min} placeholder="none" onChange={(e) => update({ min: e.target.value })} aria-invalid={errorFor("min") ? true : undefined} />
            </Field>
            <Field id="rule-max" label="Max (inclusive)" error={errorFor("max")}>
              <Input id="rule-max" inputMode="decimal" value={draft.max} placeholder="none" onChange={(e) => update({ max: e.target.value })} aria-invalid={errorFor("max") ? true : undefined} />
            </Field>
          </>
        ) : null}
        {draft.kind === "min_rows" ? (
          <Field id="rule-min-rows" label="Minimum rows" error={errorFor("min")}>
            <Input id="rule-min-rows" inputMode="numeric" value={draft.min} placeholder="1000" onChange={(e) => update({ min: e.target.value })} aria-invalid={errorFor("min") ? true : undefined} />
          </Field>
        ) : null}
        {draft.kind === "allowed_values" ? (
          <Field id="rule-values" label="Allowed values" error={errorFor("values")} hint="Separated by commas." className="sm:col-span-2">
            <Input id="rule-values" value={draft.values} placeholder="M, B" onChange={(e) => update({ values: e.target.value })} aria-invalid={errorFor("values") ? true : undefined} />
          </Field>
        ) : null}
        {draft.kind === "regex" ? (
          <Field id="rule-pattern" label="Pattern" error={errorFor("pattern")} hint="JavaScript syntax, Unicode mode." className="sm:col-span-2">
            <Input id="rule-pattern" className="font-mono" value={draft.pattern} placeholder="^[A-Z]{2}\d{4}$" onChange={(e) => update({ pattern: e.target.value })} aria-invalid={errorFor("pattern") ? true : undefined} />
          </Field>
        ) : null}
        <Field id="rule-severity" label="When it fails" hint={draft.severity === "fail" ? "The version fails: training is refused until overridden." : "The version passes with a warning."}>
          <Select id="rule-severity" value={draft.severity} onChange={(e) => isRuleSeverity(e.target.value) && update({ severity: e.target.value })}>
            <option value="fail">fail</option>
            <option value="warn">warn</option>
          </Select>
        </Field>
        <Field id="rule-id" label="Rule id" error={errorFor("id")}>
          <Input
            id="rule-id"
            className="font-mono"
            value={draft.id}
            maxLength={64}
            onChange={(e) => {
              setIdEdited(true);
              update({ id: e.target.value });
            }}
            aria-invalid={errorFor("id") ? true : undefined}
          />
        </Field>
      </div>
      <div className="mt-4">
        <Button type="submit" variant="secondary">
          Add rule
        </Button>
      </div>
    </form>
  );
}
