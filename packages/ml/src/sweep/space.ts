/**
 * Search spaces: what a sweep may vary, validated with zod so a bad space is refused with a
 * message that names the parameter and the problem.
 */
import { z } from "zod";

/** Most parameters a space may define. */
export const MAX_PARAMETERS = 64;
/** Most values a grid list or choice may list. */
export const MAX_CHOICES = 1000;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

const finite = z.number({ error: "must be a finite number" }); // zod 4 rejects NaN and ±Infinity

/** One value a hyperparameter can take: a number, a string, a boolean, or an array of numbers (e.g. hidden layer sizes). */
export const ZParamValue = z.union([finite, z.string().max(200), z.boolean(), z.array(finite).max(64)], {
  error: "values must be numbers, strings, booleans or arrays of numbers",
});
export type ParamValue = z.infer<typeof ZParamValue>;

function noDuplicates(values: readonly ParamValue[], ctx: z.core.$RefinementCtx<readonly ParamValue[]>): void {
  const seen = new Set<string>();
  for (const v of values) {
    const key = JSON.stringify(v);
    if (seen.has(key)) {
      ctx.addIssue({ code: "custom", message: `duplicate value ${key}` });
      return;
    }
    seen.add(key);
  }
}

const ZValueList = z
  .array(ZParamValue)
  .min(1, { error: "must list at least one value" })
  .max(MAX_CHOICES, { error: `may list at most ${MAX_CHOICES} values` })
  .superRefine(noDuplicates);

export const ZUniform = z
  .strictObject({ type: z.literal("uniform"), min: finite, max: finite })
  .refine((d) => d.min < d.max, { error: "uniform needs min < max" });
export const ZLogUniform = z
  .strictObject({ type: z.literal("loguniform"), min: finite, max: finite })
  .refine((d) => d.min > 0, { error: "loguniform needs min > 0" })
  .refine((d) => d.min < d.max, { error: "loguniform needs min < max" });
export const ZIntRange = z
  .strictObject({
    type: z.literal("int"),
    min: z.int({ error: "int min must be an integer" }),
    max: z.int({ error: "int max must be an integer" }),
    step: z.int({ error: "int step must be an integer" }).positive({ error: "int step must be ≥ 1" }).optional(),
  })
  .refine((d) => d.min < d.max, { error: "int needs min < max" })
  .refine((d) => (d.step ?? 1) < 1 || (d.max - d.min) / (d.step ?? 1) < 1_000_000, { error: "int range has more than 1,000,000 values" });
export const ZChoice = z.strictObject({ type: z.literal("choice"), values: ZValueList });

/** A distribution (or explicit choice) for one parameter. */
export const ZDistribution = z.discriminatedUnion("type", [ZUniform, ZLogUniform, ZIntRange, ZChoice], {
  error: 'type must be "uniform", "loguniform", "int" or "choice"',
});
export type Distribution = z.infer<typeof ZDistribution>;

/** One parameter's domain: a list of values (a grid axis / choice list) or a distribution. */
export const ZParamSpec = z.union([ZValueList, ZDistribution], {
  error: 'must be a non-empty array of values or an object with type "uniform", "loguniform", "int" or "choice"',
});
export type ParamSpec = z.infer<typeof ZParamSpec>;

/**
 * A search space: hyperparameter name → domain, e.g.
 * `{ learningRate: { type: "loguniform", min: 1e-4, max: 1e-1 }, hiddenLayers: [[64], [128, 64]],
 *    optimizer: ["adam", "sgd"], batchSize: { type: "int", min: 16, max: 128, step: 16 } }`.
 * Names are identifiers (letters, digits, `_`, `.`, `-`; ≤ 64 chars); 1 to 64 parameters. The
 * order of the keys is the order parameters appear in (and vary in, for a grid).
 */
export const ZSearchSpace = z
  .record(z.string().regex(NAME, { error: "parameter names are identifiers of at most 64 characters (letters, digits, _ . -)" }), ZParamSpec)
  .refine((s) => Object.keys(s).length >= 1, { error: "the search space defines no parameters" })
  .refine((s) => Object.keys(s).length <= MAX_PARAMETERS, { error: `the search space may define at most ${MAX_PARAMETERS} parameters` });
export type SearchSpace = z.infer<typeof ZSearchSpace>;

/**
 * Parses a search space, throwing an Error whose message lists each problem with its parameter
 * path, e.g. `invalid search space: dropout: uniform needs min < max`.
 */
export function parseSearchSpace(input: unknown): SearchSpace {
  const r = ZSearchSpace.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.flatMap((i) => describeIssue(i, []));
  throw new Error(`invalid search space: ${problems.join("; ")}`);
}

/**
 * Flattens a zod issue into "path: message" lines. A union whose branches all failed is reported
 * through the one branch that got past the type check (e.g. the distribution's own message rather
 * than "must be an array or an object"), when there is exactly one.
 */
function describeIssue(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): string[] {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const viable = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0 && i.code === "invalid_type"));
    if (viable.length === 1) return (viable[0] ?? []).flatMap((i) => describeIssue(i, path));
  }
  const message = issue.code === "invalid_key" && issue.issues[0] !== undefined ? issue.issues[0].message : issue.message;
  return [path.length > 0 ? `${path.map(String).join(".")}: ${message}` : message];
}
