/**
 * Server-renders the deployment page's pieces (no browser, no fetch: queries stay pending unless
 * seeded) and checks the stable selectors the e2e journey relies on.
 */
import type { AppRouter, DeploymentDetail, ModelVersion } from "@keel/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import SuperJSON from "superjson";
import { describe, expect, it } from "vitest";
import { TRPCProvider } from "~/trpc/react";
import { DeploymentsList } from "./deployments-list";
import { HistoryCard } from "./history-card";
import { TrafficCard } from "./traffic-card";
import { TrafficEditor } from "./traffic-editor";
import { TryItCard } from "./try-it-card";

const at = "2026-11-23T10:00:00.000Z";
const actor = { id: "usr_1", name: "Dana Scientist" };
const deployment: DeploymentDetail = {
  id: "dep_1",
  name: "churn-prod",
  model: "churn",
  environment: "production",
  currentRevision: 3,
  traffic: [
    { versionId: "mv_2", version: 2, mode: "live", percent: 90 },
    { versionId: "mv_3", version: 3, mode: "live", percent: 10 },
    { versionId: "mv_4", version: 4, mode: "shadow", percent: null },
  ],
  createdBy: { type: "user", id: "usr_1", name: "Dana Scientist" },
  createdAt: at,
  updatedAt: at,
  history: [
    { revision: 3, traffic: [], reason: "set traffic", actor, at },
    { revision: 2, traffic: [{ versionId: "mv_2", version: 2, mode: "live", percent: 100 }], reason: "promote", actor, at },
    { revision: 1, traffic: [{ versionId: "mv_1", version: 1, mode: "live", percent: 100 }], reason: "create", actor, at },
  ],
} as unknown as DeploymentDetail;

function render(node: ReactElement, seed?: (qc: QueryClient, trpc: ReturnType<typeof createTRPCOptionsProxy<AppRouter>>) => void): string {
  const queryClient = new QueryClient();
  const trpcClient = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1:9/api/trpc", transformer: SuperJSON })] });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  seed?.(queryClient, trpc);
  return renderToString(createElement(QueryClientProvider, { client: queryClient, children: createElement(TRPCProvider, { trpcClient, queryClient, children: node }) }));
}

describe("deployment page pieces", () => {
  it("lists the current routes with version, mode and percent, and the write actions", () => {
    const html = render(createElement(TrafficCard, { project: "demo", deployment, canWrite: true }));
    expect(html.match(/data-testid="traffic-route"/g)).toHaveLength(3);
    expect(html).toContain('data-testid="traffic-route" data-version="2" data-mode="live" data-percent="90"');
    expect(html).toContain('data-testid="traffic-route" data-version="4" data-mode="shadow" data-percent=""');
    expect(html).toContain('data-testid="promote-button"');
    expect(html).toContain("Promote v4");
    expect(html).toContain('data-testid="rollback-button"');
    expect(html).toContain("v2 90% · v3 10% · shadow v4");
  });

  it("hides the write actions from readers", () => {
    const html = render(createElement(TrafficCard, { project: "demo", deployment, canWrite: false }));
    expect(html).not.toContain("promote-button");
    expect(html).not.toContain("rollback-button");
  });

  it("renders the editor with one row per route and the live total", () => {
    const html = render(createElement(TrafficEditor, { project: "demo", deployment }));
    expect(html).toContain('data-testid="traffic-editor"');
    expect(html.match(/data-testid="traffic-editor-row"/g)).toHaveLength(3);
    expect(html).toContain('data-testid="traffic-total" data-total="100"');
    expect(html).toContain('data-testid="traffic-save"');
  });

  it("lists revisions newest first, marking the current one", () => {
    const html = render(createElement(HistoryCard, { deployment }));
    expect([...html.matchAll(/data-testid="revision-row" data-revision="(\d+)"/g)].map((m) => m[1])).toEqual(["3", "2", "1"]);
    expect(html).toContain("promote");
  });

  it("pre-fills the try-it form from the primary version's signature", () => {
    const version = { signature: { inputs: [{ name: "tenure", type: "integer" }, { name: "plan", type: "categorical" }], output: { task: "binary", labels: [0, 1] } } } as unknown as ModelVersion;
    const html = render(createElement(TryItCard, { project: "demo", deployment }), (qc, trpc) => {
      qc.setQueryData(trpc.registry.getVersion.queryKey({ project: "demo", model: "churn", version: 2 }), version);
    });
    expect(html).toContain('data-testid="try-it-input"');
    expect(html).toContain("&quot;tenure&quot;: 1");
    expect(html).toContain("&quot;plan&quot;: &quot;a&quot;");
    expect(html).toContain("/api/v1/projects/demo/deployments/churn-prod/predict");
    expect(html).toContain('data-testid="try-it-submit"');
  });

  it("lists deployments with their environment and live split", () => {
    const html = render(createElement(DeploymentsList, { project: "demo", canWrite: true }), (qc, trpc) => {
      qc.setQueryData(trpc.deployments.list.queryKey({ project: "demo" }), { items: [deployment] });
    });
    expect(html).toContain('data-testid="deployment-row" data-deployment="churn-prod" data-split="v2 90% · v3 10%"');
    expect(html).toContain('data-environment="production"');
    expect(html).toContain("/demo/deployments/churn-prod");
    const empty = render(createElement(DeploymentsList, { project: "demo", canWrite: true }), (qc, trpc) => {
      qc.setQueryData(trpc.deployments.list.queryKey({ project: "demo" }), { items: [] });
    });
    expect(empty).toContain("No deployments yet");
    expect(empty).not.toContain("deployment-row");
  });

  it("offers a version not routed yet to promote when one version has all the traffic", () => {
    const single = { ...deployment, environment: "staging", traffic: [{ versionId: "mv_1", version: 1, mode: "live", percent: 100 }] } as DeploymentDetail;
    const html = render(createElement(TrafficCard, { project: "demo", deployment: single, canWrite: true }), (qc, trpc) => {
      qc.setQueryData(trpc.deployments.deployableVersions.queryKey({ project: "demo", model: "churn", environment: "staging" }), {
        items: [
          { version: 2, aliases: ["production"], liveAllowed: true, createdAt: at },
          { version: 1, aliases: [], liveAllowed: true, createdAt: at },
        ],
      });
    });
    expect(html).toContain('<option value="2" selected="">v2 (not routed)</option>');
    expect(html).not.toContain('<option value="1"');
    expect(html).toContain("Promote v2");
  });
});
