/** What the launch form reads from a dataset version's column profile. */
export type ModelTaskName = "binary" | "multiclass" | "regression";
export type FamilyName = "logistic" | "linear" | "mlp";

export interface ProfileLike {
  type: "numeric" | "integer" | "boolean" | "categorical" | "datetime" | "text";
  distinct: number;
}

/**
 * The task a target column suggests (the worker detects it the same way when left out):
 * boolean/categorical/text → binary with 2 distinct values, else multiclass; numeric or integer
 * with 2 distinct → binary; integer with at most 20 distinct → multiclass; else regression.
 * Datetime columns cannot be a target (null).
 */
export function detectTask(profile: ProfileLike | undefined): ModelTaskName | null {
  if (!profile || profile.type === "datetime" || profile.distinct < 2) return null;
  if (profile.type === "boolean" || profile.type === "categorical" || profile.type === "text") return profile.distinct === 2 ? "binary" : "multiclass";
  if (profile.distinct === 2) return "binary";
  if (profile.type === "integer" && profile.distinct <= 20) return "multiclass";
  return "regression";
}

/** The families that can learn a task: logistic and mlp classify, linear and mlp regress. */
export function familiesFor(task: ModelTaskName): FamilyName[] {
  return task === "regression" ? ["linear", "mlp"] : ["logistic", "mlp"];
}

/** The metric a sweep optimises by default, and which way. */
export function defaultSweepMetric(task: ModelTaskName): { metric: string; goal: "maximize" | "minimize" } {
  if (task === "regression") return { metric: "test_rmse", goal: "minimize" };
  if (task === "binary") return { metric: "test_roc_auc", goal: "maximize" };
  return { metric: "test_accuracy", goal: "maximize" };
}

/** "64, 32" → [64, 32]; null when not a list of positive whole numbers. */
export function parseLayers(text: string): number[] | null {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return null;
  const nums = parts.map(Number);
  return nums.every((n) => Number.isInteger(n) && n > 0) ? nums : null;
}
