import { describe, expect, it } from "vitest";
import { checkRequestBody, examplePayload, exampleRow, formatPrediction, readPredictResponse } from "./try-it";

describe("examplePayload", () => {
  it("fills every input of the signature with a value of its type, in order", () => {
    const signature = {
      inputs: [
        { name: "mean radius", type: "numeric" },
        { name: "age", type: "integer" },
        { name: "smoker", type: "boolean" },
        { name: "plan", type: "categorical" },
        { name: "note", type: "text" },
        { name: "__proto__", type: "numeric" },
      ],
      output: { task: "binary", labels: [0, 1] },
    };
    const row = exampleRow(signature);
    expect(Object.keys(row)).toEqual(["mean radius", "age", "smoker", "plan", "note", "__proto__"]);
    expect(JSON.parse(examplePayload(signature))).toEqual({ instances: [JSON.parse(JSON.stringify(row))] });
    expect((JSON.parse(examplePayload(signature)) as { instances: unknown[] }).instances[0]).toMatchObject({ "mean radius": 0.5, age: 1, smoker: false, plan: "a", note: "some text" });
    expect(examplePayload(signature)).toContain('"__proto__": 0.5');
    expect(JSON.parse(examplePayload(null))).toEqual({ instances: [{}] });
  });
});

describe("checkRequestBody", () => {
  it("sends a JSON object, compacted, and explains anything else", () => {
    expect(checkRequestBody('{ "instances": [ {"a": 1} ] }')).toEqual({ ok: true, body: '{"instances":[{"a":1}]}' });
    expect(checkRequestBody("  ")).toMatchObject({ ok: false });
    expect(checkRequestBody("{instances:")).toMatchObject({ ok: false, message: expect.stringMatching(/^Not valid JSON/) as unknown });
    expect(checkRequestBody("[1, 2]")).toMatchObject({ ok: false, message: expect.stringMatching(/JSON object/) as unknown });
  });
});

describe("readPredictResponse", () => {
  it("reads predictions, probabilities, the answering version and the request id", () => {
    const body = JSON.stringify({ predictions: [1, 0], probabilities: [[0.2, 0.8], [0.9, 0.1]], modelVersion: 3, requestId: "req_1" });
    expect(readPredictResponse(200, body)).toEqual({ kind: "result", predictions: [1, 0], probabilities: [[0.2, 0.8], [0.9, 0.1]], modelVersion: 3, requestId: "req_1" });
    expect(readPredictResponse(200, JSON.stringify({ predictions: [2.5], modelVersion: 1 }), "req_h")).toEqual({ kind: "result", predictions: [2.5], probabilities: null, modelVersion: 1, requestId: "req_h" });
  });

  it("lists each detail of a 400 with its path", () => {
    const body = JSON.stringify({ error: { code: "BAD_REQUEST", message: "instances[0].age: expected an integer, got 3.5 (and 1 more problem)", details: [{ path: "instances[0].age", message: "expected an integer, got 3.5" }, { path: "instances[0].zip", message: "not an input" }, 7] } });
    expect(readPredictResponse(400, body, "req_2")).toEqual({
      kind: "error",
      status: 400,
      code: "BAD_REQUEST",
      message: "instances[0].age: expected an integer, got 3.5 (and 1 more problem)",
      details: [
        { path: "instances[0].age", message: "expected an integer, got 3.5" },
        { path: "instances[0].zip", message: "not an input" },
      ],
      requestId: "req_2",
    });
  });

  it("describes answers without a Keel error body", () => {
    expect(readPredictResponse(401, "")).toMatchObject({ kind: "error", status: 401, code: "401", message: expect.stringMatching(/401/) as unknown });
    expect(readPredictResponse(404, "<html>")).toMatchObject({ kind: "error", code: "404", message: expect.stringMatching(/not reachable/) as unknown });
    expect(readPredictResponse(0, "")).toMatchObject({ kind: "error", code: "NETWORK" });
    expect(readPredictResponse(200, "{}")).toMatchObject({ kind: "error", code: "BAD_RESPONSE" });
  });

  it("formats predictions", () => {
    expect(formatPrediction(0.123456789)).toBe("0.123457");
    expect(formatPrediction("yes")).toBe("yes");
    expect(formatPrediction(true)).toBe("true");
  });
});
