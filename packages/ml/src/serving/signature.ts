/**
 * A served model's signature: the input columns a prediction request must carry (name and
 * type, exactly the fitted pipeline's features, in its order) and what comes out (the task and,
 * for classification, the class labels in model-output order). JSON-safe; checked with
 * ZSignature wherever it comes from outside (a database row, a file).
 */
import { z } from "zod";
import type { Label } from "../metrics/numeric";
import { MODEL_TASKS, type ModelTask } from "../models/hyperparams";
import type { FittedPipeline } from "../pipeline/schema";

export const INPUT_TYPES = ["numeric", "integer", "boolean", "categorical", "text"] as const;
export type InputType = (typeof INPUT_TYPES)[number];

const ZLabel = z.union([z.string(), z.number()]);

export const ZSignatureInput = z.strictObject({ name: z.string().min(1).max(256), type: z.enum(INPUT_TYPES) });
export type SignatureInput = z.infer<typeof ZSignatureInput>;

export const ZSignature = z
  .strictObject({
    inputs: z.array(ZSignatureInput).min(1),
    output: z.strictObject({ task: z.enum(MODEL_TASKS), labels: z.array(ZLabel).optional() }),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.inputs.forEach((input, i) => {
      if (seen.has(input.name)) ctx.addIssue({ code: "custom", path: ["inputs", i, "name"], message: `input "${input.name}" is listed twice` });
      seen.add(input.name);
    });
    const { task, labels } = s.output;
    if (task === "regression") {
      if (labels !== undefined && labels.length > 0) ctx.addIssue({ code: "custom", path: ["output", "labels"], message: "a regression has no labels" });
      return;
    }
    if (labels === undefined) {
      ctx.addIssue({ code: "custom", path: ["output", "labels"], message: `a ${task} model needs its labels` });
      return;
    }
    if (task === "binary" && labels.length !== 2) ctx.addIssue({ code: "custom", path: ["output", "labels"], message: `binary needs exactly 2 labels, got ${labels.length}` });
    if (task === "multiclass" && labels.length < 2) ctx.addIssue({ code: "custom", path: ["output", "labels"], message: `multiclass needs at least 2 labels, got ${labels.length}` });
    // Probabilities are keyed by String(label): two labels must not print the same.
    const keys = new Set<string>();
    labels.forEach((label, i) => {
      if (keys.has(String(label))) ctx.addIssue({ code: "custom", path: ["output", "labels", i], message: `label ${JSON.stringify(label)} is listed twice` });
      keys.add(String(label));
    });
  });
export type Signature = z.infer<typeof ZSignature>;

/**
 * The signature of a model trained on `pipeline`: one input per pipeline step (its feature name
 * and type), and the task with its labels (trainTabular's `labels`; ignored for regression).
 */
export function signatureFromPipeline(pipeline: FittedPipeline, task: ModelTask, labels: readonly Label[] = []): Signature {
  return ZSignature.parse({
    inputs: pipeline.steps.map((step) => ({ name: step.name, type: step.kind === "boolean" ? "boolean" : step.type })),
    output: task === "regression" ? { task } : { task, labels: [...labels] },
  });
}
