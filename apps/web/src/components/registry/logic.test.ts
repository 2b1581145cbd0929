import { describe, expect, it } from "vitest";
import {
  aliasesByVersion,
  aliasProblem,
  deltaTone,
  deploymentsServing,
  formatSignedMetric,
  keyMetricNames,
  lineageColumns,
  metricGoal,
  registrableRuns,
  sortAliases,
} from "./logic";

describe("metricGoal and deltaTone", () => {
  it("knows losses and errors go down, scores go up", () => {
    expect(metricGoal("test_log_loss")).toBe("minimize");
    expect(metricGoal("test_rmse")).toBe("minimize");
    expect(metricGoal("test_roc_auc")).toBe("maximize");
    expect(metricGoal("accuracy")).toBe("maximize");
  });
  it("colours a rise of AUC and a fall of loss as better, the reverse as worse", () => {
    expect(deltaTone("test_roc_auc", 0.02)).toBe("better");
    expect(deltaTone("test_roc_auc", -0.02)).toBe("worse");
    expect(deltaTone("test_log_loss", -0.1)).toBe("better");
    expect(deltaTone("test_log_loss", 0.1)).toBe("worse");
    expect(deltaTone("test_accuracy", 0)).toBe("same");
    expect(deltaTone("test_accuracy", null)).toBe("none");
    expect(deltaTone("test_accuracy", Number.NaN)).toBe("none");
  });
  it("formats signed deltas with a real minus sign", () => {
    expect(formatSignedMetric(0.012345)).toBe("+0.01235");
    expect(formatSignedMetric(-0.5)).toBe("−0.5");
    expect(formatSignedMetric(0)).toBe("0");
    expect(formatSignedMetric(null)).toBe("—");
  });
});

describe("keyMetricNames", () => {
  it("puts test metrics first, then the common ones, at most max", () => {
    const versions: { metrics: Record<string, number> }[] = [{ metrics: { train_loss: 1, test_accuracy: 0.9, val_loss: 0.3 } }, { metrics: { test_log_loss: 0.2, test_accuracy: 0.8, zeta: 1 } }];
    expect(keyMetricNames(versions, 3)).toEqual(["test_accuracy", "test_log_loss", "val_loss"]);
    expect(keyMetricNames([], 3)).toEqual([]);
  });
});

describe("aliases", () => {
  it("sorts protected aliases first", () => {
    expect(sortAliases(["staging", "champion", "production"], ["production"])).toEqual(["production", "champion", "staging"]);
  });
  it("groups aliases by version", () => {
    const m = aliasesByVersion({ production: 2, staging: 3, champion: 2 });
    expect(m.get(2)).toEqual(["champion", "production"]);
    expect(m.get(3)).toEqual(["staging"]);
    expect(m.get(1)).toBeUndefined();
  });
  it("applies MLflow's alias rules", () => {
    expect(aliasProblem("champion")).toBeNull();
    expect(aliasProblem("")).toMatch(/name/);
    expect(aliasProblem("has space")).toMatch(/letters/);
    expect(aliasProblem("latest")).toMatch(/reserved/);
    expect(aliasProblem("V3")).toMatch(/reserved/);
  });
});

describe("deploymentsServing", () => {
  const deployments = [
    { name: "prod", model: "churn", environment: "production", traffic: [{ version: 2, mode: "live" as const, percent: 90 }, { version: 3, mode: "live" as const, percent: 10 }] },
    { name: "shadow", model: "churn", environment: "staging", traffic: [{ version: 3, mode: "shadow" as const, percent: null }] },
    { name: "other", model: "fraud", environment: "production", traffic: [{ version: 3, mode: "live" as const, percent: 100 }] },
  ];
  it("finds the live and shadow routes to one version of one model", () => {
    expect(deploymentsServing(deployments, "churn", 3)).toEqual([
      { deployment: "prod", environment: "production", mode: "live", percent: 10 },
      { deployment: "shadow", environment: "staging", mode: "shadow", percent: null },
    ]);
    expect(deploymentsServing(deployments, "churn", 1)).toEqual([]);
  });
});

describe("lineageColumns", () => {
  const input = {
    project: "demo",
    model: "churn",
    version: 3,
    status: "ready",
    dataset: { name: "customers", version: 4, sha256: "abcdef0123456789abcdef" },
    run: { id: "run_1", name: "mlp-a", number: 7, experiment: "churn exp", family: "mlp" },
    serving: [{ deployment: "prod", environment: "production", mode: "live" as const, percent: 10 }],
  };
  it("lays out dataset → run → version → deployments with links", () => {
    const cols = lineageColumns(input);
    expect(cols.map((c) => c.kind)).toEqual(["dataset", "run", "version", "deployment"]);
    expect(cols[0]?.nodes[0]?.href).toBe("/demo/datasets/customers/versions/4");
    expect(cols[0]?.nodes[0]?.detail).toBe("sha256 abcdef012345");
    expect(cols[1]?.nodes[0]?.href).toBe("/demo/experiments/churn%20exp/runs/run_1");
    expect(cols[2]?.nodes[0]).toMatchObject({ title: "churn v3", current: true, href: null });
    expect(cols[3]?.nodes[0]).toMatchObject({ title: "prod", detail: "production · live 10%", href: "/demo/deployments/prod" });
  });
  it("keeps empty columns with a text when there is no dataset or deployment", () => {
    const cols = lineageColumns({ ...input, dataset: null, serving: [] });
    expect(cols[0]?.nodes).toEqual([]);
    expect(cols[0]?.empty).toBe("No dataset recorded");
    expect(cols[3]?.empty).toBe("Not deployed");
  });
});

describe("registrableRuns", () => {
  it("keeps succeeded runs, newest first, marking the registered ones", () => {
    const runs = [
      { id: "a", status: "succeeded", createdAt: "2026-01-01T00:00:00Z" },
      { id: "b", status: "failed", createdAt: "2026-01-03T00:00:00Z" },
      { id: "c", status: "succeeded", createdAt: "2026-01-02T00:00:00Z" },
    ];
    expect(registrableRuns(runs, ["a"]).map((r) => [r.run.id, r.registered])).toEqual([
      ["c", false],
      ["a", true],
    ]);
  });
});
