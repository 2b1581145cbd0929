/**
 * The fitted pipeline as data: what fitPipeline learns from the training rows, and what
 * serializePipeline / parsePipeline write and read (JSON, validated with zod on the way in).
 */
import { z } from "zod";

/** Bumped whenever the JSON shape or the meaning of a field changes. */
export const PIPELINE_VERSION = 1;

/** The name of the extra one-hot column for values not seen in training: `name=<unknown>`. */
export const UNKNOWN_CATEGORY = "<unknown>";

const name = z.string().min(1).max(256);
const finite = z.number(); // zod 4 rejects NaN and ±Infinity

export const ZFittedStep = z.discriminatedUnion("kind", [
  /** numeric/integer: impute with `fill` (training mean), then (x − mean) / scale. */
  z.object({
    kind: z.literal("standardize"),
    name,
    type: z.enum(["numeric", "integer"]),
    fill: finite,
    mean: finite,
    scale: finite.positive(),
  }),
  /** boolean: true → 1, false → 0, missing → `fill` (the training mode, ties → 0). */
  z.object({ kind: z.literal("boolean"), name, fill: z.union([z.literal(0), z.literal(1)]) }),
  /** categorical/text: impute with `fill` (most frequent, ties → smallest), then one-hot over
   * `categories` (sorted by code point) plus the unknown bucket. */
  z.object({
    kind: z.literal("one_hot"),
    name,
    type: z.enum(["categorical", "text"]),
    fill: z.string(),
    categories: z.array(z.string()).min(1),
  }),
]);
export type FittedStep = z.infer<typeof ZFittedStep>;

export const ZFittedPipeline = z
  .object({ version: z.literal(PIPELINE_VERSION), steps: z.array(ZFittedStep).min(1) })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((step, i) => {
      if (seen.has(step.name)) ctx.addIssue({ code: "custom", path: ["steps", i, "name"], message: `duplicate feature "${step.name}"` });
      seen.add(step.name);
      if (step.kind !== "one_hot") return;
      for (let j = 1; j < step.categories.length; j++) {
        if (!((step.categories[j - 1] ?? "") < (step.categories[j] ?? ""))) {
          ctx.addIssue({ code: "custom", path: ["steps", i, "categories", j], message: "categories must be sorted and unique" });
          return;
        }
      }
      if (!step.categories.includes(step.fill)) {
        ctx.addIssue({ code: "custom", path: ["steps", i, "fill"], message: `fill "${step.fill}" is not one of the categories` });
      }
    });
  });
export type FittedPipeline = z.infer<typeof ZFittedPipeline>;

/** The transform's output column names, in order: the feature name for numeric and boolean
 * features; `name=value` per category and then `name=<unknown>` for one-hot features. */
export function outputColumns(pipeline: FittedPipeline): string[] {
  return pipeline.steps.flatMap((step) =>
    step.kind === "one_hot" ? [...step.categories, UNKNOWN_CATEGORY].map((c) => `${step.name}=${c}`) : [step.name],
  );
}

/** The pipeline as JSON text (parsePipeline reads it back). */
export function serializePipeline(pipeline: FittedPipeline): string {
  return JSON.stringify(ZFittedPipeline.parse(pipeline));
}

/** Reads serializePipeline's JSON; throws an Error saying what is wrong with anything else. */
export function parsePipeline(text: string): FittedPipeline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`parsePipeline: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof data === "object" && data !== null && "version" in data && data.version !== PIPELINE_VERSION) {
    throw new Error(`parsePipeline: unsupported pipeline version ${JSON.stringify(data.version)} (expected ${PIPELINE_VERSION})`);
  }
  const parsed = ZFittedPipeline.safeParse(data);
  if (!parsed.success) throw new Error(`parsePipeline: not a Keel pipeline:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
