"use client";

import type { DeploymentDetail } from "@keel/api";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { CopyButton } from "~/components/ui/copy-button";
import { Textarea } from "~/components/ui/textarea";
import { useHydrated } from "~/components/datasets/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { predictUrl } from "./paths";
import { primaryRoute } from "./traffic";
import { checkRequestBody, examplePayload, formatPrediction, readPredictResponse, type PredictFailure, type PredictResult } from "./try-it";

type Outcome = PredictResult | PredictFailure | { kind: "invalid"; message: string };

/**
 * "Try it": a JSON request pre-filled from the primary version's signature, sent to the prediction
 * endpoint (same origin; the session cookie authenticates), with the answer or each problem shown.
 */
export function TryItCard({ project, deployment }: { project: string; deployment: DeploymentDetail }) {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const primary = primaryRoute(deployment.traffic);
  // While a new primary version's signature loads (after a traffic change), keep the previous
  // example instead of flashing an empty one that the server would refuse.
  const version = useQuery(
    trpc.registry.getVersion.queryOptions({ project, model: deployment.model, version: primary?.version ?? 1 }, { enabled: primary !== undefined, placeholderData: keepPreviousData }),
  );
  const signature = version.data?.signature;
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const value = text ?? examplePayload(signature);
  const url = predictUrl(project, deployment.name);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const check = checkRequestBody(value);
    if (!check.ok) {
      setOutcome({ kind: "invalid", message: check.message });
      return;
    }
    setBusy(true);
    try {
      const res = await fetch(url, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json", accept: "application/json" }, body: check.body });
      setOutcome(readPredictResponse(res.status, await res.text(), res.headers.get("x-request-id")));
    } catch {
      setOutcome(readPredictResponse(0, ""));
    } finally {
      setBusy(false);
    }
  };

  const labels = signature?.output.labels;
  return (
    <Card
      title="Try it"
      description={
        <>
          Sends a prediction request to <code className="text-xs">POST {url}</code> as you. The example follows the signature of v{primary?.version ?? "?"} (the primary live version); shadow versions
          get a copy but never answer.
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-3">
        <div className="space-y-1.5">
          <div className="flex items-center justify-between">
            <label htmlFor="try-it-input" className="block text-sm font-medium text-zinc-800">
              Request body (JSON)
            </label>
            <Button variant="ghost" size="sm" onClick={() => setText(null)} disabled={text === null}>
              Reset example
            </Button>
          </div>
          <Textarea
            id="try-it-input"
            data-testid="try-it-input"
            rows={Math.min(18, Math.max(6, value.split("\n").length))}
            className="font-mono text-xs"
            spellCheck={false}
            value={value}
            onChange={(e) => setText(e.target.value)}
            aria-describedby="try-it-hint"
          />
          <p id="try-it-hint" className="text-xs text-zinc-500">
            {version.isError
              ? `The version's signature could not be loaded (${version.error.message}); write the rows yourself.`
              : signature
                ? `Inputs: ${signature.inputs.map((i) => `${i.name} (${i.type})`).join(", ")}. Also accepted: {"dataframe_split": {"columns": [...], "data": [[...]]}}.`
                : "Loading the signature…"}
          </p>
        </div>
        <Button type="submit" data-testid="try-it-submit" disabled={busy || !hydrated || (text === null && signature === undefined)}>
          {busy ? "Sending…" : "Send request"}
        </Button>
      </form>
      <div className="mt-4" aria-live="polite">
        {outcome?.kind === "result" ? <ResultView result={outcome} labels={labels} /> : null}
        {outcome?.kind === "error" ? (
          <div data-testid="try-it-error" data-status={outcome.status}>
            <Alert tone="error" title={`${outcome.status === 0 ? "No answer" : `${outcome.status} ${outcome.code}`}: ${outcome.message}`}>
              {outcome.details.length > 0 ? (
                <ul className="list-disc space-y-0.5 pl-5">
                  {outcome.details.map((d, i) => (
                    <li key={i} data-testid="try-it-error-detail" data-path={d.path}>
                      {d.path ? <code className="text-xs">{d.path}</code> : null} {d.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              {outcome.requestId ? <p className="mt-1 text-xs">Request id: {outcome.requestId}</p> : null}
            </Alert>
          </div>
        ) : null}
        {outcome?.kind === "invalid" ? (
          <div data-testid="try-it-error" data-status="">
            <Alert tone="error" title="Not sent">
              {outcome.message}
            </Alert>
          </div>
        ) : null}
      </div>
    </Card>
  );
}

function ResultView({ result, labels }: { result: PredictResult; labels: readonly (string | number | boolean)[] | undefined }) {
  const width = result.probabilities?.[0]?.length ?? 0;
  const heads = Array.from({ length: width }, (_, i) => (labels && labels.length === width ? String(labels[i]) : `class ${i}`));
  return (
    <div data-testid="try-it-result" data-model-version={result.modelVersion ?? ""} data-request-id={result.requestId ?? ""} className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-6 gap-y-1 text-sm">
        <p>
          Answered by <span className="font-medium">version {result.modelVersion ?? "?"}</span>
        </p>
        {result.requestId ? (
          <p className="flex items-center gap-1 text-zinc-600">
            Request id <code className="text-xs">{result.requestId}</code>
            <CopyButton value={result.requestId} label="Copy the request id" />
          </p>
        ) : null}
      </div>
      <Table aria-label="Predictions">
        <THead>
          <TR>
            <TH className="text-right">Row</TH>
            <TH>Prediction</TH>
            {heads.map((h, i) => (
              <TH key={i} className="text-right">
                P({h})
              </TH>
            ))}
          </TR>
        </THead>
        <TBody>
          {result.predictions.map((p, i) => (
            <TR key={i}>
              <TD className="text-right tabular-nums text-zinc-500">{i}</TD>
              <TD className="font-medium tabular-nums">{formatPrediction(p)}</TD>
              {heads.map((_, j) => (
                <TD key={j} className="text-right tabular-nums">
                  {result.probabilities?.[i]?.[j] !== undefined ? formatPrediction(result.probabilities[i]?.[j]) : "—"}
                </TD>
              ))}
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
