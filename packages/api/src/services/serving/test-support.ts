/** Prediction log entries for tests of the log's writers (one row per request, fixed outputs). */
import type { PredictionLogEntry } from "./log";

export interface LogTarget {
  projectId: string;
  deploymentId: string;
  modelVersionId: string;
}

export function sampleLogEntries(n: number, target: LogTarget, requestPrefix = "req"): PredictionLogEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    ...target,
    modelVersion: 1,
    requestId: `${requestPrefix}-${i}`,
    rowIndex: 0,
    mode: "live",
    inputs: { x1: i, color: "red" },
    outputs: { prediction: "yes", probabilities: { no: 0.25, yes: 0.75 } },
    latencyMs: 0.5,
    createdAt: new Date(),
  }));
}
