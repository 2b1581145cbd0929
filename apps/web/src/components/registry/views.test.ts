import type { AppRouter, ModelDetail, ModelVersion } from "@keel/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import SuperJSON from "superjson";
import { describe, expect, it } from "vitest";
import { TRPCProvider } from "~/trpc/react";
import { ModelView } from "./model-view";
import { succeededRunsInput } from "./logic";
import { VersionView } from "./version-view";

type Proxy = ReturnType<typeof createTRPCOptionsProxy<AppRouter>>;

function render(fill: (qc: QueryClient, trpc: Proxy) => void, element: ReactElement): string {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1:9/api/trpc", transformer: SuperJSON })] });
  fill(queryClient, createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient }));
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: queryClient }, createElement(TRPCProvider, { trpcClient, queryClient, children: element })));
}

const who = { id: "usr_ds", name: "Dana" };
const summary = (version: number, aliases: string[]) => ({
  id: `mv_${version}`,
  model: "churn",
  version,
  status: "ready" as const,
  runId: `run_${version}`,
  datasetVersionId: "dsv_1",
  aliases,
  metrics: { test_roc_auc: 0.9 + version / 100, test_log_loss: 0.3 },
  createdBy: who,
  createdAt: `2026-11-2${version}T10:00:00.000Z`,
});
const model: ModelDetail = {
  id: "mdl_1",
  name: "churn",
  description: "",
  protectedAliases: ["production"],
  aliases: { production: 1, staging: 2 },
  versionCount: 2,
  latestVersion: 2,
  createdBy: who,
  createdAt: "2026-11-20T10:00:00.000Z",
  updatedAt: "2026-11-22T10:00:00.000Z",
  versions: [summary(1, ["production"]), summary(2, ["staging"])],
};
const version: ModelVersion = {
  ...summary(2, ["staging"]),
  signature: { inputs: [{ name: "age", type: "number" }], output: { task: "binary", labels: [0, 1] } },
  artifacts: [{ path: "model.json", sha256: "b".repeat(64), sizeBytes: 2048 }],
  card: { intendedUse: "Churn scoring", limitations: "", ethicalConsiderations: "", updatedBy: who, updatedAt: "2026-11-22T10:00:00.000Z" },
  lineage: {
    run: { id: "run_2", name: "mlp-2", number: 2, experiment: { id: "exp_1", name: "churn-exp" }, family: "mlp" },
    dataset: { id: "ds_1", name: "customers", versionId: "dsv_1", version: 3, sha256: "c".repeat(64) },
    trainedBy: who,
    trainedAt: "2026-11-21T10:00:00.000Z",
  },
};

describe("model page", () => {
  it("renders versions, alias badges, the aliases panel with the protected notice, and the policy", () => {
    const html = render(
      (qc, trpc) => {
        qc.setQueryData(trpc.registry.getModel.queryKey({ project: "demo", model: "churn" }), model);
        qc.setQueryData(trpc.registry.aliasHistory.queryKey({ project: "demo", model: "churn" }), {
          items: [{ id: 1, alias: "production", fromVersion: null, toVersion: 1, actor: { id: "usr_mgr", name: "Max" }, reason: "approval request apr_x", at: "2026-11-21T10:00:00.000Z" }],
        });
        qc.setQueryData(trpc.approvals.getPolicy.queryKey({ project: "demo", model: "churn" }), {
          model: "churn",
          approverRole: "approver",
          requiredApprovals: 1,
          gates: [{ metric: "test_roc_auc", op: ">=", relativeTo: "production", delta: -0.01 }],
          requireQualityPass: true,
          requireEvaluation: false,
          custom: true,
          updatedAt: null,
        });
        qc.setQueryData(trpc.experiments.listRuns.queryKey(succeededRunsInput("demo")), { items: [], nextCursor: null, total: 0 });
      },
      createElement(ModelView, { project: "demo", model: "churn", canWrite: true, canWriteAlias: true, canProtect: false, canReadApprovals: true, canEditPolicy: true, canReadExperiments: true }),
    );
    expect(html).toContain('data-testid="version-row" data-version="2"');
    expect(html).toContain('data-testid="alias-badge" data-alias="production"');
    expect(html).toContain("Protected: moves only through approval");
    expect(html).toContain("test_roc_auc &gt;= production − 0.01");
    expect(html).toContain('data-testid="alias-history"');
    expect(html).toContain('data-testid="policy-edit"');
  });
});

describe("version page", () => {
  it("renders the lineage graph to the deployment, the signature, metrics and the card", () => {
    const html = render(
      (qc, trpc) => {
        qc.setQueryData(trpc.registry.getVersion.queryKey({ project: "demo", model: "churn", version: 2 }), version);
        qc.setQueryData(trpc.registry.getModel.queryKey({ project: "demo", model: "churn" }), model);
        qc.setQueryData(trpc.deployments.list.queryKey({ project: "demo" }), {
          items: [
            {
              id: "dep_1",
              name: "churn-prod",
              model: "churn",
              environment: "production",
              currentRevision: 1,
              traffic: [
                { versionId: "mv_1", version: 1, mode: "live", percent: 90 },
                { versionId: "mv_2", version: 2, mode: "live", percent: 10 },
              ],
              createdBy: who,
              createdAt: "2026-11-22T10:00:00.000Z",
              updatedAt: "2026-11-22T10:00:00.000Z",
            },
          ],
        });
        qc.setQueryData(trpc.approvals.list.queryKey({ project: "demo", model: "churn" }), { items: [] });
      },
      createElement(VersionView, { project: "demo", model: "churn", version: 2, canWrite: true, canReadApprovals: true, canReadDeployments: true, canReadExperiments: false }),
    );
    expect(html).toContain('data-testid="lineage-graph"');
    expect(html).toContain('href="/demo/deployments/churn-prod"');
    expect(html).toContain("production · live 10%");
    expect(html).toContain('href="/demo/datasets/customers/versions/3"');
    expect(html).toContain(">binary<");
    expect(html).toContain("Churn scoring");
    expect(html).toContain('data-testid="edit-model-card"');
  });
});
