import type { AppRouter } from "@keel/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import SuperJSON from "superjson";
import { describe, expect, it } from "vitest";
import { TRPCProvider } from "~/trpc/react";
import { BatchScores, type BatchScoresProps } from "./batch-scores";
import {
  BATCH_SCORES_LIMIT,
  batchScoresInput,
  datasetNameProblem,
  defaultOutputName,
  describeErrorDetail,
  forModelVersion,
  isActiveBatchScore,
  progressPercent,
  resolveOutputName,
  statusText,
} from "./batch-scores-logic";

type BatchScore = inferRouterOutputs<AppRouter>["scoring"]["listBatchScores"]["items"][number];

describe("progressPercent", () => {
  it("is the share of rows scored, rounded down, and 100 only once succeeded", () => {
    expect(progressPercent({ status: "running", rowsScored: 512, rowsTotal: 2048 })).toBe(25);
    expect(progressPercent({ status: "running", rowsScored: 1999, rowsTotal: 2000 })).toBe(99);
    expect(progressPercent({ status: "running", rowsScored: 2000, rowsTotal: 2000 })).toBe(100);
    expect(progressPercent({ status: "succeeded", rowsScored: 0, rowsTotal: 0 })).toBe(100);
    expect(progressPercent({ status: "failed", rowsScored: 3, rowsTotal: 10 })).toBe(30);
  });
  it("is 0 with nothing to score and never leaves 0–100", () => {
    expect(progressPercent({ status: "queued", rowsScored: 0, rowsTotal: 0 })).toBe(0);
    expect(progressPercent({ status: "running", rowsScored: 5, rowsTotal: 0 })).toBe(0);
    expect(progressPercent({ status: "running", rowsScored: 50, rowsTotal: 10 })).toBe(100);
    expect(progressPercent({ status: "running", rowsScored: -4, rowsTotal: 10 })).toBe(0);
  });
});

describe("output names", () => {
  it("defaults to <dataset>-scored-<model>, as the API does", () => {
    expect(defaultOutputName("customers", "churn")).toBe("customers-scored-churn");
  });
  it("sends nothing for an empty field when the default is valid, the trimmed name otherwise", () => {
    expect(resolveOutputName("  ", "customers", "churn")).toEqual({ ok: true, value: undefined });
    expect(resolveOutputName(" scores.q4 ", "customers", "churn")).toEqual({ ok: true, value: "scores.q4" });
  });
  it("refuses invalid names, the input dataset and a default that is too long", () => {
    const bad = resolveOutputName("-scores", "customers", "churn");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("starting with a letter or digit");
    const same = resolveOutputName("Customers", "customers", "churn");
    expect(same).toEqual({ ok: false, error: "The output dataset cannot be the input dataset: scores go to a dataset of their own." });
    const long = resolveOutputName("", "d".repeat(90), "churn");
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error).toContain("give an output dataset name");
  });
  it("checks dataset names like the API (pattern and 100 characters)", () => {
    expect(datasetNameProblem("credit_default-2.v1")).toBeNull();
    expect(datasetNameProblem("")).toBe("is required");
    expect(datasetNameProblem("a".repeat(101))).toBe("must be at most 100 characters");
    expect(datasetNameProblem("a b")).toContain("use letters");
  });
});

describe("statusText and activity", () => {
  it("says where each status stands, with counts", () => {
    expect(statusText({ status: "queued", rowsScored: 0, rowsTotal: 2048 })).toBe("Queued: 2,048 rows to score");
    expect(statusText({ status: "running", rowsScored: 512, rowsTotal: 2048 })).toBe("Scoring 512 of 2,048 rows (25%)");
    expect(statusText({ status: "succeeded", rowsScored: 1, rowsTotal: 1 })).toBe("Scored 1 row");
    expect(statusText({ status: "failed", rowsScored: 1024, rowsTotal: 2048 })).toBe("Failed after 1,024 of 2,048 rows");
    expect(statusText({ status: "failed", rowsScored: 0, rowsTotal: 2048 })).toBe("Failed before any row was scored");
  });
  it("polls only while queued or running", () => {
    expect(isActiveBatchScore("queued")).toBe(true);
    expect(isActiveBatchScore("running")).toBe(true);
    expect(isActiveBatchScore("succeeded")).toBe(false);
    expect(isActiveBatchScore("failed")).toBe(false);
  });
});

describe("error details and filtering", () => {
  it("names the row and column of a bad cell, the column of a missing one", () => {
    expect(describeErrorDetail({ path: "rows[3].age", message: "not a number: 'abc'" })).toBe(`row 3, column "age": not a number: 'abc'`);
    expect(describeErrorDetail({ path: "columns.income", message: "missing: the model needs it" })).toBe(`column "income": missing: the model needs it`);
    expect(describeErrorDetail({ path: "datasetVersion.columns.prediction", message: "would be overwritten" })).toBe(`column "prediction": would be overwritten`);
    expect(describeErrorDetail({ path: "rows", message: "… and 4 more problems" })).toBe("rows: … and 4 more problems");
    expect(describeErrorDetail({ path: "", message: "boom" })).toBe("boom");
  });
  it("keeps the batch scores of one version in their order", () => {
    const items = [{ id: "a", model: { version: 2 } }, { id: "b", model: { version: 1 } }, { id: "c", model: { version: 2 } }];
    expect(forModelVersion(items, 2).map((b) => b.id)).toEqual(["a", "c"]);
    expect(forModelVersion(items, 3)).toEqual([]);
  });
  it("asks the API for the model's batch scores at its maximum page", () => {
    expect(batchScoresInput("demo", "churn")).toEqual({ project: "demo", model: "churn", limit: BATCH_SCORES_LIMIT });
    expect(BATCH_SCORES_LIMIT).toBe(200);
  });
});

const who = { id: "usr_ds", name: "Dana" };
function score(id: string, status: BatchScore["status"], over: Partial<BatchScore> = {}): BatchScore {
  return {
    id,
    status,
    model: { id: "mdl_1", name: "churn", versionId: "mv_2", version: 2 },
    input: { datasetId: "ds_1", dataset: "customers", versionId: "dsv_3", version: 3 },
    output: { dataset: "customers-scored-churn", datasetId: null, versionId: null, version: null },
    outputColumns: ["prediction", "probability_0", "probability_1"],
    rowsTotal: 2048,
    rowsScored: 0,
    error: null,
    errorDetails: [],
    jobId: null,
    attempts: 0,
    createdBy: who,
    createdAt: "2026-11-22T10:00:00.000Z",
    startedAt: null,
    endedAt: null,
    updatedAt: "2026-11-22T10:00:00.000Z",
    ...over,
  };
}

function render(items: BatchScore[], props: Partial<BatchScoresProps> = {}): string {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1:9/api/trpc", transformer: SuperJSON })] });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  queryClient.setQueryData(trpc.scoring.listBatchScores.queryKey(batchScoresInput("demo", "churn")), { items });
  queryClient.setQueryData(trpc.datasets.list.queryKey({ project: "demo", sort: "name", order: "asc", limit: 100 }), { items: [], nextCursor: null });
  const element = createElement(BatchScores, { project: "demo", model: "churn", version: 2, canScore: true, canReadDatasets: true, archived: false, ...props });
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: queryClient }, createElement(TRPCProvider, { trpcClient, queryClient, children: element })));
}

describe("batch scores markup", () => {
  const items = [
    score("bs_run", "running", { rowsScored: 512 }),
    score("bs_ok", "succeeded", { rowsScored: 2048, output: { dataset: "customers-scored-churn", datasetId: "ds_9", versionId: "dsv_9", version: 4 } }),
    score("bs_bad", "failed", { error: 'Cannot score version 3 of dataset \'customers\': row 7, column "age": not a number', errorDetails: [{ path: "rows[7].age", message: "not a number" }] }),
    score("bs_other", "queued", { model: { id: "mdl_1", name: "churn", versionId: "mv_1", version: 1 } }),
  ];
  it("lists this version's jobs with status, progress, links and the error's row and column", () => {
    const html = render(items);
    expect(html).toContain('data-testid="batch-score-form"');
    expect(html).toContain('data-testid="batch-score-dataset"');
    expect(html).toContain('data-testid="batch-score-submit"');
    expect(html).toContain('placeholder="&lt;dataset&gt;-scored-churn"');
    expect(html.match(/data-testid="batch-score-row"/g)).toHaveLength(3);
    expect(html).not.toContain("bs_other");
    expect(html).toContain('data-status="running"');
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('href="/demo/datasets/customers/versions/3"');
    expect(html).toMatch(/data-testid="batch-score-output"[^>]*>customers-scored-churn v4</);
    expect(html).toContain('href="/demo/datasets/customers-scored-churn/versions/4"');
    expect(html).toContain('data-testid="batch-score-error"');
    expect(html).toContain("row 7, column &quot;age&quot;: not a number");
  });
  it("hides the form from roles without registry.score and on archived versions", () => {
    expect(render(items, { canScore: false })).not.toContain('data-testid="batch-score-form"');
    const archived = render([], { archived: true });
    expect(archived).not.toContain('data-testid="batch-score-form"');
    expect(archived).toContain("archived versions are not used for scoring");
    expect(archived).toContain("No dataset has been scored with this version yet.");
  });
});
