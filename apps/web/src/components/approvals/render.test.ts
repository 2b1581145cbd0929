import type { AppRouter, ApprovalRequest } from "@keel/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import SuperJSON from "superjson";
import { describe, expect, it } from "vitest";
import { TRPCProvider } from "~/trpc/react";
import { ApprovalsInbox } from "./approvals-inbox";
import { EvidenceView } from "./evidence-view";

const request = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  id: "apr_01jabcdefghjkmnpqrstvwxyz0",
  project: "demo",
  model: "churn",
  version: 2,
  target: "production",
  status: "pending",
  requestedBy: { id: "usr_ds", name: "Dana Scientist" },
  justification: "Better AUC\non the same data.",
  approverRole: "approver",
  requiredApprovals: 1,
  approvals: 0,
  evidence: {
    candidate: { version: 2, versionId: "mv_2", runId: "run_2" },
    current: { version: 1, versionId: "mv_1", runId: "run_1" },
    metrics: [
      { name: "test_roc_auc", candidate: 0.93, current: 0.9, delta: 0.03 },
      { name: "test_log_loss", candidate: 0.3, current: 0.25, delta: 0.05 },
    ],
    gates: [{ name: "test_roc_auc >= production − 0.01", kind: "metric", passed: true, actual: 0.93, threshold: 0.89, detail: "test_roc_auc 0.93 >= production v1 0.9 − 0.01 = 0.89" }],
    gatesPassed: true,
    paramsDiff: [{ key: "learningRate", candidate: "0.01", current: "0.1" }],
    dataset: { candidate: { datasetVersionId: "dsv_1", dataset: "customers", version: 3, sha256: "a".repeat(64), qualityStatus: "pass" }, current: null },
    evaluationPresent: true,
    modelCard: { intendedUse: "<b>not html</b>", limitations: "", ethicalConsiderations: "" },
  },
  decisions: [],
  createdAt: "2026-11-23T10:00:00.000Z",
  decidedAt: null,
  ...over,
});

/** Renders a client component with a query cache filled in advance (no network). */
function render(fill: (qc: QueryClient, trpc: ReturnType<typeof createTRPCOptionsProxy<AppRouter>>) => void, element: ReactElement): string {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1:9/api/trpc", transformer: SuperJSON })] });
  fill(queryClient, createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient }));
  return renderToStaticMarkup(
    createElement(QueryClientProvider, { client: queryClient }, createElement(TRPCProvider, { trpcClient, queryClient, children: element })),
  );
}

const input = { project: "demo", request: request().id };

describe("evidence page", () => {
  it("gives an approver the decision form, coloured deltas and the evidence sections", () => {
    const html = render((qc, trpc) => qc.setQueryData(trpc.approvals.get.queryKey(input), request()), createElement(EvidenceView, { project: "demo", requestId: input.request, viewerId: "usr_mgr", viewerRole: "approver", canDecide: true }));
    for (const id of ["evidence-metrics", "evidence-gates", "decision-comment", "decision-approve", "decision-reject"]) expect(html).toContain(`data-testid="${id}"`);
    expect(html).not.toContain('data-testid="self-approval-notice"');
    expect(html).toMatch(/data-metric="test_roc_auc" data-delta-tone="better"/);
    expect(html).toMatch(/data-metric="test_log_loss" data-delta-tone="worse"/);
    expect(html).toContain("&lt;b&gt;not html&lt;/b&gt;");
  });
  it("replaces the form by the self-approval notice for the requester, who may withdraw", () => {
    const html = render((qc, trpc) => qc.setQueryData(trpc.approvals.get.queryKey(input), request()), createElement(EvidenceView, { project: "demo", requestId: input.request, viewerId: "usr_ds", viewerRole: "approver", canDecide: true }));
    expect(html).toContain('data-testid="self-approval-notice"');
    expect(html).not.toContain('data-testid="decision-approve"');
    expect(html).toContain("Withdraw request");
  });
  it("says a stale request cannot be decided", () => {
    const html = render((qc, trpc) => qc.setQueryData(trpc.approvals.get.queryKey(input), request({ status: "stale" })), createElement(EvidenceView, { project: "demo", requestId: input.request, viewerId: "usr_mgr", viewerRole: "approver", canDecide: true }));
    expect(html).toContain("Stale");
    expect(html).not.toContain('data-testid="decision-comment"');
  });
});

describe("approvals inbox", () => {
  it("lists what waits on me with row ids, and the requests of the chosen status", () => {
    const mine = request();
    const approved = request({ id: "apr_01jabcdefghjkmnpqrstvwxyz1", status: "approved" });
    const html = render((qc, trpc) => {
      qc.setQueryData(trpc.approvals.inbox.queryKey(), { items: [mine] });
      qc.setQueryData(trpc.approvals.list.queryKey({ project: "demo" }), { items: [mine, approved] });
    }, createElement(ApprovalsInbox, { project: "demo", status: "approved" }));
    expect(html).toContain(`data-testid="inbox-row" data-request-id="${mine.id}"`);
    expect(html).toContain(`data-testid="request-row" data-request-id="${approved.id}"`);
    expect(html).toContain('data-testid="request-status" data-status="approved"');
  });
});
