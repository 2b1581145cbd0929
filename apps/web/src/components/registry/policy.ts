/** The approval-policy editor's rows and the gate text, as pure functions (tested beside this file). */

export interface GateLike {
  metric: string;
  op: ">=" | "<=" | ">" | "<";
  value?: number | undefined;
  relativeTo?: string | undefined;
  delta?: number | undefined;
}

/** One row of the gates editor: the number is the value (absolute) or the delta (against an alias). */
export interface GateRow {
  metric: string;
  op: GateLike["op"];
  against: "value" | "alias";
  relativeTo: string;
  number: string;
}

const signed = (n: number) => (n >= 0 ? `+ ${n}` : `− ${Math.abs(n)}`);

/** "test_roc_auc >= production − 0.01", "test_accuracy >= 0.8". */
export function describeGate(g: GateLike): string {
  if (g.relativeTo !== undefined) return `${g.metric} ${g.op} ${g.relativeTo}${g.delta ? ` ${signed(g.delta)}` : ""}`;
  return `${g.metric} ${g.op} ${g.value ?? 0}`;
}

export function gateToRow(g: GateLike): GateRow {
  return g.relativeTo !== undefined
    ? { metric: g.metric, op: g.op, against: "alias", relativeTo: g.relativeTo, number: String(g.delta ?? 0) }
    : { metric: g.metric, op: g.op, against: "value", relativeTo: "", number: String(g.value ?? 0) };
}

/** Parses "−0.01" (a real minus sign too) and "0.8"; null when it is not a finite number. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/^[−–]/, "-");
  if (!t || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Null when the row makes a valid gate, else what is wrong with it. */
export function gateRowProblem(r: GateRow): string | null {
  if (!r.metric.trim()) return "name the metric, e.g. test_roc_auc.";
  if (r.against === "alias" && !/^[\w-]+$/.test(r.relativeTo.trim())) return "name the alias to compare with, e.g. production.";
  if (r.against === "alias" && r.number.trim() === "") return null;
  if (parseNumber(r.number) === null) return r.against === "alias" ? "the delta must be a number, e.g. -0.01." : "the value must be a number, e.g. 0.8.";
  return null;
}

export function rowToGate(r: GateRow): GateLike & { metric: string } {
  const n = parseNumber(r.number) ?? 0;
  return r.against === "alias"
    ? { metric: r.metric.trim(), op: r.op, relativeTo: r.relativeTo.trim().toLowerCase(), delta: n }
    : { metric: r.metric.trim(), op: r.op, value: n };
}
