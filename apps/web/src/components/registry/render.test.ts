import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AliasBadge } from "./badges";
import { LineageGraph } from "./lineage-graph";
import { lineageColumns } from "./logic";

describe("registry markup", () => {
  it("renders the lineage graph with its test id, links and empty columns", () => {
    const columns = lineageColumns({
      project: "demo",
      model: "churn",
      version: 2,
      status: "ready",
      dataset: null,
      run: { id: "run_1", name: "mlp", number: 3, experiment: "exp", family: "mlp" },
      serving: [{ deployment: "prod", environment: "production", mode: "live", percent: 100 }],
    });
    const html = renderToStaticMarkup(createElement(LineageGraph, { columns }));
    expect(html).toContain('data-testid="lineage-graph"');
    expect(html).toContain('href="/demo/experiments/exp/runs/run_1"');
    expect(html).toContain('href="/demo/deployments/prod"');
    expect(html).toContain("No dataset recorded");
    expect(html).toContain('aria-current="page"');
  });
  it("marks protected aliases with a lock and the alias name", () => {
    const html = renderToStaticMarkup(createElement(AliasBadge, { alias: "production", isProtected: true }));
    expect(html).toContain('data-testid="alias-badge"');
    expect(html).toContain('data-alias="production"');
    expect(html).toContain("<svg");
    expect(renderToStaticMarkup(createElement(AliasBadge, { alias: "staging", isProtected: false }))).not.toContain("<svg");
  });
});
