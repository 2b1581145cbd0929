/**
 * Pure logic of the "try it" form: an example request built from a version's signature, the body
 * check before sending, and reading the prediction server's answer (a result or a REST error).
 */

export interface SignatureLike {
  inputs: readonly { name: string; type: string }[];
  output?: { task?: string; labels?: readonly (string | number | boolean)[] | undefined };
}

export type ExampleCell = number | boolean | string | null;

/** A plausible value for an input of a signature type (numeric, integer, boolean, categorical, text). */
export function exampleValue(type: string): ExampleCell {
  switch (type) {
    case "numeric":
      return 0.5;
    case "integer":
      return 1;
    case "boolean":
      return false;
    case "categorical":
      return "a";
    case "text":
      return "some text";
    default:
      return null;
  }
}

/** One example row: every input of the signature, in signature order. */
export function exampleRow(signature: SignatureLike): Record<string, ExampleCell> {
  const row: Record<string, ExampleCell> = {};
  for (const input of signature.inputs) {
    // defineProperty: an input named "__proto__" stays an own key.
    Object.defineProperty(row, input.name, { value: exampleValue(input.type), enumerable: true, writable: true, configurable: true });
  }
  return row;
}

/** `{"instances":[{…}]}`, pretty-printed, for the textarea; `{"instances":[{}]}` without a signature. */
export function examplePayload(signature: SignatureLike | null | undefined): string {
  return JSON.stringify({ instances: [signature ? exampleRow(signature) : {}] }, null, 2);
}

/** The textarea's text as a request body, or why it cannot be sent. */
export function checkRequestBody(text: string): { ok: true; body: string } | { ok: false; message: string } {
  if (!text.trim()) return { ok: false, message: 'Write a request, e.g. {"instances":[{"feature": 1.5}]}.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'The request must be a JSON object such as {"instances":[…]} or {"dataframe_split":{"columns":[…],"data":[[…]]}}.' };
  }
  return { ok: true, body: JSON.stringify(parsed) };
}

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface PredictResult {
  kind: "result";
  predictions: unknown[];
  probabilities: number[][] | null;
  modelVersion: number | null;
  requestId: string | null;
}

export interface PredictFailure {
  kind: "error";
  status: number;
  code: string;
  message: string;
  details: ErrorDetail[];
  requestId: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function detailsOf(v: unknown): ErrorDetail[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((d): ErrorDetail[] => (isRecord(d) && typeof d.message === "string" ? [{ path: typeof d.path === "string" ? d.path : "", message: d.message }] : []));
}

/** `[[0.2, 0.8], …]` when every row is an array of numbers, else null. */
function numberRows(v: unknown): number[][] | null {
  if (!Array.isArray(v)) return null;
  const rows: number[][] = [];
  for (const row of v as unknown[]) {
    if (!Array.isArray(row)) return null;
    const nums: number[] = [];
    for (const p of row as unknown[]) {
      if (typeof p !== "number") return null;
      nums.push(p);
    }
    rows.push(nums);
  }
  return rows;
}

function statusText(status: number): string {
  if (status === 401) return "Not signed in to the prediction server (401): it does not accept this session yet, or the session expired.";
  if (status === 403) return "Your role may not send predictions to this deployment (403).";
  if (status === 404) return "The prediction endpoint answered 404: the deployment is unknown to it, or the prediction server is not reachable from the portal yet.";
  if (status === 0) return "The request did not reach Keel (network error). Try again.";
  return `The server answered ${status} without an explanation.`;
}

/**
 * Reads the answer of `POST …/predict`: `{predictions, probabilities?, modelVersion, requestId}` on
 * 200, else the REST error `{error: {code, message, details}}` (or a description of what came back).
 */
export function readPredictResponse(status: number, text: string, headerRequestId: string | null = null): PredictResult | PredictFailure {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // described below
  }
  if (status >= 200 && status < 300 && isRecord(body) && Array.isArray(body.predictions)) {
    const probs = numberRows(body.probabilities);
    return {
      kind: "result",
      predictions: body.predictions,
      probabilities: probs,
      modelVersion: typeof body.modelVersion === "number" ? body.modelVersion : null,
      requestId: typeof body.requestId === "string" ? body.requestId : headerRequestId,
    };
  }
  if (isRecord(body) && isRecord(body.error) && typeof body.error.message === "string") {
    return {
      kind: "error",
      status,
      code: typeof body.error.code === "string" ? body.error.code : String(status),
      message: body.error.message,
      details: detailsOf(body.error.details),
      requestId: headerRequestId,
    };
  }
  if (status >= 200 && status < 300) {
    return { kind: "error", status, code: "BAD_RESPONSE", message: "The server answered without predictions.", details: [], requestId: headerRequestId };
  }
  return { kind: "error", status, code: status === 0 ? "NETWORK" : String(status), message: statusText(status), details: [], requestId: headerRequestId };
}

/** A prediction as text: a label as is, a number with at most 6 significant digits. */
export function formatPrediction(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  if (typeof v === "string") return v;
  return JSON.stringify(v) ?? "—";
}
