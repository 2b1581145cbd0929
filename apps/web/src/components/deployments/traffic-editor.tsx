"use client";

import type { DeploymentDetail } from "@keel/api";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Alert, Button, Card, Input, Select } from "~/components/ui";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { errorDetails } from "./errors";
import { liveTotal, MAX_ROUTES, rowProblems, splitWideProblems, toEditorRows, validateSplit, type EditorRow, type SplitProblem } from "./traffic";
import { useApplyDeployment } from "./use-deployment";

interface KeyedRow extends EditorRow {
  key: number;
}

/**
 * The traffic split editor: add and remove routes, live or shadow, whole-percent live weights that
 * must sum to 100. Checked here first (same rules and field paths as the server); the server's
 * refusals (e.g. an unapproved version in production) land on the row they name.
 * A new revision (saved here, or a promote or rollback) resets it to the routes now in force.
 */
export function TrafficEditor({ project, deployment }: { project: string; deployment: DeploymentDetail }) {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const apply = useApplyDeployment(project);
  const baseId = useId();
  const [rows, setRows] = useState<KeyedRow[]>(() => toEditorRows(deployment.traffic).map((r, i) => ({ ...r, key: i })));
  const [nextKey, setNextKey] = useState(deployment.traffic.length);
  const [problems, setProblems] = useState<SplitProblem[]>([]);
  const [baseRevision, setBaseRevision] = useState(deployment.currentRevision);
  if (baseRevision !== deployment.currentRevision) {
    // Derived state: the deployment changed under the editor, start again from what serves now.
    setBaseRevision(deployment.currentRevision);
    setRows(toEditorRows(deployment.traffic).map((r, i) => ({ ...r, key: nextKey + i })));
    setNextKey((k) => k + deployment.traffic.length);
    setProblems([]);
  }
  const versions = useQuery(trpc.deployments.deployableVersions.queryOptions({ project, model: deployment.model, environment: deployment.environment }));
  const save = useMutation(
    trpc.deployments.setTraffic.mutationOptions({
      onSuccess: async (d) => {
        await apply(d);
      },
      onError: (err) => {
        const details = errorDetails(err);
        setProblems(details.length > 0 ? details : [{ path: "traffic", message: err.message }]);
      },
    }),
  );

  const liveAllowed = new Map((versions.data?.items ?? []).map((v) => [v.version, v.liveAllowed]));
  const options = [...new Set([...(versions.data?.items ?? []).map((v) => v.version), ...deployment.traffic.map((r) => r.version)])].sort((a, b) => b - a);
  const aliasesOf = new Map((versions.data?.items ?? []).map((v) => [v.version, v.aliases]));

  const update = (key: number, patch: Partial<EditorRow>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setProblems([]);
    save.reset();
  };
  const add = () => {
    const used = new Set(rows.map((r) => r.version));
    const free = options.find((v) => !used.has(v)) ?? null;
    // In production an unapproved version can only be a shadow: start it as one.
    const mode = deployment.environment === "production" && free !== null && liveAllowed.get(free) === false ? "shadow" : "live";
    setRows((rs) => [...rs, { key: nextKey, version: free, mode, percent: "" }]);
    setNextKey((k) => k + 1);
    setProblems([]);
    save.reset();
  };
  const remove = (key: number) => {
    setRows((rs) => rs.filter((r) => r.key !== key));
    setProblems([]);
    save.reset();
  };
  const reset = () => {
    setRows(toEditorRows(deployment.traffic).map((r, i) => ({ ...r, key: nextKey + i })));
    setNextKey((k) => k + deployment.traffic.length);
    setProblems([]);
    save.reset();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const check = validateSplit(rows);
    if (!check.ok) {
      setProblems(check.problems);
      return;
    }
    setProblems([]);
    save.mutate({ project, deployment: deployment.name, traffic: check.traffic.map((r) => ({ version: r.version, mode: r.mode, percent: r.mode === "live" ? r.percent : null })) });
  };

  const total = liveTotal(rows);
  const strip = (rs: readonly EditorRow[]) => JSON.stringify(rs.map((r) => [r.version, r.mode, r.mode === "live" ? r.percent.trim() : ""]));
  const dirty = strip(rows) !== strip(toEditorRows(deployment.traffic));
  const hasLive = rows.some((r) => r.mode === "live");
  const wide = splitWideProblems(problems);
  const errorId = `${baseId}-error`;

  return (
    <Card
      title="Traffic split"
      id="traffic-editor"
      description={
        deployment.environment === "production"
          ? "Live weights are whole percents summing to 100. In production only versions approved for it may be live; any ready version may be a shadow."
          : "Live weights are whole percents summing to 100. A shadow route gets a copy of every request; its answers are logged, never returned."
      }
    >
      <form onSubmit={submit} noValidate data-testid="traffic-editor" aria-describedby={wide.length > 0 ? errorId : undefined}>
        <div className="space-y-3">
          {rows.map((r, i) => {
            const mine = rowProblems(problems, i);
            const versionProblem = mine.find((p) => p.path.endsWith(".version") || p.path === `traffic.${i}`);
            const weightProblem = mine.find((p) => p.path.endsWith(".percent"));
            const notApproved = deployment.environment === "production" && r.mode === "live" && r.version !== null && liveAllowed.get(r.version) === false;
            const id = `${baseId}-${r.key}`;
            return (
              <div key={r.key} data-testid="traffic-editor-row" data-index={i} className="rounded-md border border-zinc-200 p-3">
                <div className="flex flex-wrap items-end gap-3">
                  <div className="space-y-1.5">
                    <label htmlFor={`${id}-version`} className="block text-xs font-medium text-zinc-700">
                      Version
                    </label>
                    <Select
                      id={`${id}-version`}
                      data-testid="route-version"
                      className="w-44"
                      value={r.version === null ? "" : String(r.version)}
                      onChange={(e) => update(r.key, { version: e.target.value === "" ? null : Number(e.target.value) })}
                      aria-invalid={versionProblem ? true : undefined}
                      aria-describedby={versionProblem ? `${id}-problems` : undefined}
                    >
                      <option value="">Choose…</option>
                      {options.map((v) => {
                        const aliases = aliasesOf.get(v) ?? [];
                        const unapproved = deployment.environment === "production" && liveAllowed.get(v) === false;
                        return (
                          <option key={v} value={String(v)}>
                            v{v}
                            {aliases.length > 0 ? ` (${aliases.join(", ")})` : ""}
                            {unapproved ? " · shadow only" : ""}
                          </option>
                        );
                      })}
                    </Select>
                  </div>
                  <div className="space-y-1.5">
                    <label htmlFor={`${id}-mode`} className="block text-xs font-medium text-zinc-700">
                      Mode
                    </label>
                    <Select id={`${id}-mode`} data-testid="route-mode" className="w-28" value={r.mode} onChange={(e) => update(r.key, { mode: e.target.value === "shadow" ? "shadow" : "live" })}>
                      <option value="live">live</option>
                      <option value="shadow">shadow</option>
                    </Select>
                  </div>
                  <div className="space-y-1.5">
                    <label htmlFor={`${id}-percent`} className="block text-xs font-medium text-zinc-700">
                      Weight (%)
                    </label>
                    <Input
                      id={`${id}-percent`}
                      data-testid="route-percent"
                      className="w-24 tabular-nums"
                      inputMode="numeric"
                      autoComplete="off"
                      disabled={r.mode === "shadow"}
                      placeholder={r.mode === "shadow" ? "copy" : rows.filter((x) => x.mode === "live").length === 1 ? "100" : ""}
                      value={r.mode === "shadow" ? "" : r.percent}
                      onChange={(e) => update(r.key, { percent: e.target.value })}
                      aria-invalid={weightProblem ? true : undefined}
                      aria-describedby={weightProblem ? `${id}-problems` : undefined}
                    />
                  </div>
                  <Button variant="ghost" size="sm" data-testid="route-remove" aria-label={`Remove route ${i + 1}${r.version !== null ? ` (v${r.version})` : ""}`} onClick={() => remove(r.key)}>
                    Remove
                  </Button>
                </div>
                {mine.length > 0 ? (
                  <ul id={`${id}-problems`} className="mt-2 space-y-0.5 text-sm text-red-700" data-testid="route-error">
                    {mine.map((p, j) => (
                      <li key={j}>
                        <code className="text-xs">{p.path}</code> {p.message}
                      </li>
                    ))}
                  </ul>
                ) : notApproved ? (
                  <p className="mt-2 text-sm text-amber-800">v{r.version} is not approved for production: the server will refuse it as a live route. Make it a shadow, or request approval first.</p>
                ) : null}
              </div>
            );
          })}
          {rows.length === 0 ? <p className="text-sm text-zinc-500">No traffic: add at least one live route.</p> : null}
        </div>

        <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
          <div className="flex items-center gap-3">
            <Button variant="secondary" size="sm" data-testid="traffic-add" onClick={add} disabled={rows.length >= MAX_ROUTES}>
              Add route
            </Button>
            <span data-testid="traffic-total" data-total={total} className={hasLive && total !== 100 ? "text-sm font-medium text-red-700" : "text-sm text-zinc-600"}>
              Live total: <span className="tabular-nums">{total}%</span>
              {hasLive && total !== 100 ? " (must be 100%)" : ""}
            </span>
          </div>
          <div className="flex items-center gap-2">
            <Button variant="ghost" size="sm" onClick={reset} disabled={save.isPending || !dirty}>
              Reset
            </Button>
            <Button type="submit" data-testid="traffic-save" disabled={save.isPending || !dirty || !hydrated} title={dirty ? undefined : "Nothing changed yet"}>
              {save.isPending ? "Saving…" : "Save traffic"}
            </Button>
          </div>
        </div>
        {wide.length > 0 ? (
          <div className="mt-4" id={errorId} data-testid="traffic-error">
            <Alert tone="error" title={save.isError ? "The server refused this split" : "Fix the split before saving"}>
              <ul className="list-disc space-y-0.5 pl-5">
                {wide.map((p, j) => (
                  <li key={j}>
                    {p.path ? <code className="text-xs">{p.path}</code> : null} {p.message}
                  </li>
                ))}
              </ul>
            </Alert>
          </div>
        ) : problems.length > 0 ? (
          <div className="mt-4" id={errorId} data-testid="traffic-error">
            <Alert tone="error" title={save.isError ? save.error.message : "Fix the highlighted routes before saving"} />
          </div>
        ) : null}
        {save.isSuccess && save.data.currentRevision === deployment.currentRevision ? (
          <div className="mt-4" data-testid="traffic-saved">
            <Alert tone="success">Saved as revision {save.data.currentRevision}.</Alert>
          </div>
        ) : null}
      </form>
    </Card>
  );
}
