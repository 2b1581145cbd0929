/**
 * Rows of a dataset version checked against a model's signature before anything is predicted, and
 * the scored rows written back as CSV.
 *
 * Dataset cells are what the readers yield (CSV: strings; JSON Lines and Parquet: native scalars),
 * so a value is acceptable when the model's own pipeline reads it the way training did: numbers
 * and number strings for numeric inputs ("", NA strings and ±inf are missing values, imputed),
 * whole numbers for integer inputs (as serving requires), true/false/1/0 for boolean inputs, and
 * anything for categorical and text inputs. Whether an unusual string is a missing value or an
 * error is asked of the pipeline itself (its one step, on that one cell), so the rules cannot drift.
 */
import type { Label } from "@keel/ml/metrics";
import { transform, type FittedPipeline, type FittedStep } from "@keel/ml/pipeline";
import type { InputType, Prediction, Signature } from "@keel/ml/serving";
import type { Cell } from "@keel/ml/tabular";

/** One bad cell: `row` is the 1-based data row of the input version (the header is not a row). */
export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

export function problemPath(p: RowProblem): string {
  return `rows[${p.row}].${p.column}`;
}

export function describeProblem(p: RowProblem): string {
  return `row ${p.row}, column "${p.column}": ${p.message}`;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

interface CheckedInput {
  name: string;
  type: InputType;
  /** The input's column in the source rows. */
  index: number;
  step: FittedStep;
  /** The pipeline with only this input's step, to ask how it reads one cell. */
  single: FittedPipeline;
}

/**
 * Checks rows of `columns` (the source's column names) against the signature; `missingColumns`
 * lists the signature inputs the source lacks (nothing can be scored then).
 */
export class RowChecker {
  readonly missingColumns: string[];
  private readonly inputs: CheckedInput[];

  constructor(signature: Signature, pipeline: FittedPipeline, columns: readonly string[]) {
    const index = new Map(columns.map((c, i) => [c, i]));
    this.missingColumns = signature.inputs.filter((i) => !index.has(i.name)).map((i) => i.name);
    this.inputs = signature.inputs.flatMap((input) => {
      const step = pipeline.steps.find((s) => s.name === input.name);
      const at = index.get(input.name);
      if (!step || at === undefined) return [];
      return [{ name: input.name, type: input.type, index: at, step, single: { ...pipeline, steps: [step] } }];
    });
  }

  /** The problems of one row (`rowNumber` 1-based), pushed onto `out`. */
  check(cells: readonly Cell[], rowNumber: number, out: RowProblem[]): void {
    for (const input of this.inputs) {
      const message = this.problemOf(input, cells[input.index] ?? null);
      if (message !== undefined) out.push({ row: rowNumber, column: input.name, message });
    }
  }

  /** The signature inputs of one source row, as the predictor takes them. */
  features(cells: readonly Cell[]): Record<string, Cell> {
    const row: Record<string, Cell> = {};
    for (const input of this.inputs) Object.defineProperty(row, input.name, { value: cells[input.index] ?? null, enumerable: true, writable: true, configurable: true });
    return row;
  }

  private problemOf(input: CheckedInput, cell: Cell): string | undefined {
    if (cell === null) return undefined;
    const kind = input.step.kind;
    if (kind === "one_hot") return undefined;
    if (kind === "standardize") {
      let value: number | undefined;
      if (typeof cell === "number") value = cell;
      else if (typeof cell === "string" && NUMBER.test(cell)) value = Number(cell);
      else if (cell === "") return undefined;
      if (value === undefined) return this.askPipeline(input, cell);
      if (input.type === "integer" && Number.isFinite(value) && !Number.isInteger(value)) return `expected an integer, got ${String(cell)}`;
      return undefined;
    }
    if (typeof cell === "boolean" || cell === 0 || cell === 1) return undefined;
    if (typeof cell === "string" && ["", "true", "false", "1", "0"].includes(cell.trim().toLowerCase())) return undefined;
    return this.askPipeline(input, cell);
  }

  private askPipeline(input: CheckedInput, cell: Cell): string | undefined {
    try {
      transform(input.single, [{ [input.name]: cell }]);
      return undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const prefix = `transform: row 1, column "${input.name}": `;
      return message.startsWith(prefix) ? message.slice(prefix.length) : message;
    }
  }
}

function csvField(value: Cell | Label | undefined): string {
  if (value === null || value === undefined) return "";
  const s = typeof value === "string" ? value : String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly (Cell | Label | undefined)[]): string {
  return `${values.map(csvField).join(",")}\n`;
}

/** The output cells of one prediction: the prediction, then each class' probability in label order. */
export function predictionCells(p: Prediction, labels: readonly Label[]): (Label | number | null)[] {
  return [p.prediction, ...labels.map((l) => p.probabilities?.[String(l)] ?? null)];
}
