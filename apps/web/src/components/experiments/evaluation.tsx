"use client";

import type { Run } from "@keel/api";
import { Card, Table, TBody, TD, TH, THead, TR } from "~/components/ui";
import { formatCount } from "~/lib/format-data";
import { formatMetric } from "./badges";
import { areaUnder, ImportanceChart, PointsChart, XYCurve } from "./run-charts";

type Evaluation = NonNullable<Run["evaluation"]>;

const METRIC_LABELS: Record<string, string> = {
  accuracy: "Accuracy",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  rocAuc: "ROC AUC",
  logLoss: "Log loss",
  mae: "MAE",
  mse: "MSE",
  rmse: "RMSE",
  r2: "R²",
};

/** The test evaluation: metric cards, confusion matrix, curves, residuals, importance, per class, CV. */
export function EvaluationSection({ evaluation }: { evaluation: Evaluation }) {
  const metrics = Object.entries<number | null>(evaluation.metrics);
  const roc = evaluation.rocCurve;
  const pr = evaluation.prCurve;
  return (
    <section aria-labelledby="evaluation-title" className="space-y-4" data-testid="evaluation">
      <div>
        <h2 id="evaluation-title" className="text-base font-semibold text-zinc-900">
          Evaluation
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          On {formatCount(evaluation.split.rows)} test rows never seen in training ({formatCount(evaluation.split.trainRows)} training, {formatCount(evaluation.split.validationRows)} validation; seed {evaluation.split.seed}).
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {metrics.map(([k, v]) => (
          <div key={k} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs" data-testid={`metric-${k}`}>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{METRIC_LABELS[k] ?? k}</dt>
            <dd className="mt-1 text-xl font-semibold text-zinc-900 tabular-nums">{formatMetric(v)}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-4 lg:grid-cols-2">
        {evaluation.confusionMatrix ? (
          <Card title="Confusion matrix" description="Rows: the true label; columns: the predicted one.">
            <ConfusionMatrix labels={evaluation.confusionMatrix.labels.map(String)} matrix={evaluation.confusionMatrix.matrix} />
          </Card>
        ) : null}
        {roc ? (
          <Card title="ROC curve" description={`AUC ${formatMetric(areaUnder(roc.fpr, roc.tpr))} (area under the curve shown).`}>
            <XYCurve x={roc.fpr} y={roc.tpr} xLabel="false positive rate" yLabel="true positive rate" label="ROC curve" diagonal testId="roc-curve" />
          </Card>
        ) : null}
        {pr ? (
          <Card title="Precision–recall curve">
            <XYCurve x={pr.recall} y={pr.precision} xLabel="recall" yLabel="precision" label="Precision-recall curve" testId="pr-curve" />
          </Card>
        ) : null}
        {evaluation.residuals ? (
          <Card title="Residuals" description="Actual − predicted against the prediction, for a sample of test rows.">
            <PointsChart
              points={evaluation.residuals.predicted.map((p, i) => ({ x: p, y: evaluation.residuals?.residual[i] ?? 0 }))}
              xLabel="predicted"
              yLabel="residual"
              label="Residuals"
              zeroLine
              testId="residuals-chart"
            />
          </Card>
        ) : null}
        {evaluation.featureImportance && evaluation.featureImportance.length > 0 ? (
          <Card title="Feature importance" description="Permutation importance on the test rows: how much the score drops when a column is shuffled (± one std).">
            <ImportanceChart items={evaluation.featureImportance} />
          </Card>
        ) : null}
        {evaluation.perClass ? (
          <Card title="Per class">
            <div className="-mx-5 -my-4">
              <Table aria-label="Scores per class">
                <THead>
                  <TR>
                    <TH>Class</TH>
                    <TH className="text-right">Precision</TH>
                    <TH className="text-right">Recall</TH>
                    <TH className="text-right">F1</TH>
                    <TH className="text-right">Support</TH>
                  </TR>
                </THead>
                <TBody>
                  {evaluation.perClass.map((c) => (
                    <TR key={String(c.label)}>
                      <TD className="font-mono text-xs">{String(c.label)}</TD>
                      <TD className="text-right tabular-nums">{formatMetric(c.precision)}</TD>
                      <TD className="text-right tabular-nums">{formatMetric(c.recall)}</TD>
                      <TD className="text-right tabular-nums">{formatMetric(c.f1)}</TD>
                      <TD className="text-right tabular-nums">{formatCount(c.support)}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </div>
          </Card>
        ) : null}
        {evaluation.cv ? (
          <Card title={`${evaluation.cv.folds}-fold cross-validation`} description={`${evaluation.cv.metric.name} on the training and validation rows.`}>
            <p className="text-2xl font-semibold text-zinc-900 tabular-nums" data-testid="cv-mean">
              {formatMetric(evaluation.cv.metric.mean)} <span className="text-base font-normal text-zinc-500">± {formatMetric(evaluation.cv.metric.std)}</span>
            </p>
            <p className="mt-2 font-mono text-xs text-zinc-600">{evaluation.cv.metric.values.map((v) => formatMetric(v)).join(" · ")}</p>
          </Card>
        ) : null}
      </div>
    </section>
  );
}

/** A table heatmap: the darker a cell, the more rows (share of its true-label row). */
function ConfusionMatrix({ labels, matrix }: { labels: string[]; matrix: number[][] }) {
  return (
    <div className="overflow-x-auto">
      <table className="border-collapse text-sm" data-testid="confusion-matrix" aria-label="Confusion matrix">
        <thead>
          <tr>
            <th scope="col" className="px-2 py-1 text-left text-xs font-medium text-zinc-500">
              true ╲ predicted
            </th>
            {labels.map((l) => (
              <th key={l} scope="col" className="px-3 py-1 font-mono text-xs font-medium text-zinc-700">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={labels[i] ?? i}>
                <th scope="row" className="px-2 py-1 text-left font-mono text-xs font-medium text-zinc-700">
                  {labels[i]}
                </th>
                {row.map((n, j) => {
                  const share = n / total;
                  return (
                    <td
                      key={labels[j] ?? j}
                      className={`h-14 min-w-16 border border-white px-3 text-center font-semibold tabular-nums ${share > 0.5 ? "text-white" : "text-zinc-900"}`}
                      style={{ backgroundColor: `rgba(78, 121, 167, ${0.08 + share * 0.92})` }}
                      title={`${n} rows (${(share * 100).toFixed(1)}% of true ${labels[i] ?? ""})`}
                    >
                      {n}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
