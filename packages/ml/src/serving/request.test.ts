import { describe, expect, it } from "vitest";
import { fitPipeline } from "../pipeline/pipeline";
import { parsePredictRequest, PredictInputError, type PredictInputProblem } from "./request";
import { type Signature, signatureFromPipeline, ZSignature } from "./signature";

const signature: Signature = {
  inputs: [
    { name: "mean radius", type: "numeric" },
    { name: "age", type: "integer" },
    { name: "smoker", type: "boolean" },
    { name: "city", type: "categorical" },
    { name: "note", type: "text" },
  ],
  output: { task: "binary", labels: ["benign", "malignant"] },
};

const good = { "mean radius": 14.2, age: 40, smoker: false, city: "Oslo", note: "ok" };

function problems(body: unknown, options?: { maxRows?: number; maxProblems?: number }): PredictInputProblem[] {
  try {
    parsePredictRequest(body, signature, options);
  } catch (error) {
    expect(error).toBeInstanceOf(PredictInputError);
    return (error as PredictInputError).details;
  }
  throw new Error("expected a PredictInputError");
}

describe("signature", () => {
  it("comes from the pipeline's features and the task", () => {
    const pipeline = fitPipeline(
      { x: [1, 2, 3], n: [1, 2, 2], b: [true, false, true], c: ["a", "b", "a"], t: ["x", "y", "z"] },
      {
        features: [
          { name: "x", type: "numeric" },
          { name: "n", type: "integer" },
          { name: "b", type: "boolean" },
          { name: "c", type: "categorical" },
          { name: "t", type: "text" },
        ],
      },
    );
    expect(signatureFromPipeline(pipeline, "multiclass", [0, 1, 2])).toEqual({
      inputs: [
        { name: "x", type: "numeric" },
        { name: "n", type: "integer" },
        { name: "b", type: "boolean" },
        { name: "c", type: "categorical" },
        { name: "t", type: "text" },
      ],
      output: { task: "multiclass", labels: [0, 1, 2] },
    });
    expect(signatureFromPipeline(pipeline, "regression", [1, 2]).output).toEqual({ task: "regression" });
  });

  it("rejects inconsistent signatures", () => {
    const inputs = [{ name: "x", type: "numeric" }];
    expect(ZSignature.safeParse({ inputs, output: { task: "binary" } }).success).toBe(false);
    expect(ZSignature.safeParse({ inputs, output: { task: "binary", labels: ["a", "b", "c"] } }).success).toBe(false);
    expect(ZSignature.safeParse({ inputs, output: { task: "multiclass", labels: [1, "1"] } }).success).toBe(false);
    expect(ZSignature.safeParse({ inputs: [...inputs, ...inputs], output: { task: "regression" } }).success).toBe(false);
    expect(ZSignature.safeParse({ inputs: [{ name: "x", type: "datetime" }], output: { task: "regression" } }).success).toBe(false);
    expect(ZSignature.safeParse({ inputs, output: { task: "regression" } }).success).toBe(true);
  });
});

describe("parsePredictRequest: formats", () => {
  it("reads instances, inputs and dataframe_records as rows with exactly the inputs", () => {
    for (const key of ["instances", "inputs", "dataframe_records"]) {
      expect(parsePredictRequest({ [key]: [good, { ...good, age: 41 }] }, signature)).toEqual([good, { ...good, age: 41 }]);
    }
  });

  it("reads dataframe_split (columns in any order, optional index)", () => {
    const columns = ["note", "city", "smoker", "age", "mean radius"];
    const rows = parsePredictRequest(
      { dataframe_split: { columns, index: [7, 8], data: [["ok", "Oslo", false, 40, 14.2], [null, 3, true, 41, 9]] } },
      signature,
    );
    expect(rows).toEqual([good, { "mean radius": 9, age: 41, smoker: true, city: 3, note: null }]);
  });

  it("keeps an input named __proto__ as a plain own property", () => {
    const odd: Signature = { inputs: [{ name: "__proto__", type: "numeric" }], output: { task: "regression" } };
    const rows = parsePredictRequest(JSON.parse('{"instances": [{"__proto__": 5}]}'), odd);
    expect(Object.hasOwn(rows[0] ?? {}, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(parsePredictRequest({ dataframe_split: { columns: ["__proto__"], data: [[6]] } }, odd)[0]?.["__proto__"]).toBe(6);
  });

  it("accepts null for any input (the pipeline imputes), and whole floats as integers", () => {
    const nulls = { "mean radius": null, age: null, smoker: null, city: null, note: null };
    expect(parsePredictRequest({ instances: [nulls, { ...good, age: 3.0 }] }, signature)).toEqual([nulls, { ...good, age: 3 }]);
  });
});

describe("parsePredictRequest: problems, all of them", () => {
  it("lists every bad cell, missing key and unknown key of instances", () => {
    const details = problems({
      instances: [
        { ...good, foo: 1 },
        { ...good, age: 4.5, smoker: 1 },
        { ...good, "mean radius": "abc", city: true },
        { age: 1, smoker: true, city: "x", note: 5 },
        "row",
      ],
    });
    expect(details).toEqual([
      { path: "instances[0].foo", message: "not an input of this model (inputs: mean radius, age, smoker, city, note)" },
      { path: "instances[1].age", message: "expected an integer, got 4.5" },
      { path: "instances[1].smoker", message: "expected true or false, got 1" },
      { path: "instances[2].mean radius", message: 'expected a number, got "abc"' },
      { path: "instances[2].city", message: "expected a string (or a number), got true" },
      { path: "instances[3].mean radius", message: "missing (send null for a missing value)" },
      { path: "instances[3].note", message: "expected a string, got 5" },
      { path: "instances[4]", message: 'expected an object of {input: value}, got "row"' },
    ]);
  });

  it("rejects numeric strings, NaN and Infinity", () => {
    const details = problems({ instances: [{ ...good, "mean radius": "14.2" }, { ...good, "mean radius": Number.NaN, age: Number.POSITIVE_INFINITY }] });
    expect(details.map((d) => d.path)).toEqual(["instances[0].mean radius", "instances[1].mean radius", "instances[1].age"]);
    expect(details[1]?.message).toBe("not a finite number (NaN/Infinity)");
  });

  it("checks dataframe_split's columns, row widths, cells and index", () => {
    const details = problems({
      dataframe_split: {
        columns: ["mean radius", "age", "smoker", "city", "note", "age", "x"],
        index: [1],
        data: [
          [1, 2, true, "a", "b", 2, 0],
          [1, 2, true, "a", "b", 2],
          [1, 2, true, "a", Number.NaN, 2, 0],
        ],
      },
    });
    expect(details).toEqual([
      { path: "dataframe_split.columns", message: '"age" is listed twice' },
      { path: "dataframe_split.columns[6]", message: '"x" is not an input of this model (inputs: mean radius, age, smoker, city, note)' },
      { path: "dataframe_split.index", message: "has 1 entries for 3 rows" },
      { path: "dataframe_split.data[1]", message: "has 6 values for 7 columns" },
      { path: "dataframe_split.data[2][4]", message: 'not a finite number (NaN/Infinity) (column "note")' },
    ]);
  });

  it("reports inputs missing from dataframe_split's columns", () => {
    const details = problems({ dataframe_split: { columns: ["mean radius", "age", "smoker", "city"], data: [[1, 2, true, "a"]] } });
    expect(details).toEqual([{ path: "dataframe_split.columns", message: 'missing input "note" (send null values for missing values)' }]);
    expect(problems({ dataframe_split: { columns: "a", data: {} } }).map((d) => d.path)).toEqual(["dataframe_split.columns", "dataframe_split.data"]);
    expect(problems({ dataframe_split: { columns: [], data: [], extra: 1 } }).map((d) => d.path)).toContain("dataframe_split.extra");
  });

  it("rejects bodies that are not a request", () => {
    expect(problems(null)[0]?.path).toBe("");
    expect(problems([good])[0]?.message).toMatch(/must be a JSON object/);
    expect(problems({})).toEqual([{ path: "", message: 'the request body has none of "instances", "inputs", "dataframe_records", "dataframe_split"' }]);
    expect(problems({ instances: [good], params: {} })).toEqual([
      { path: "params", message: 'not a recognised field (expected one of "instances", "inputs", "dataframe_records", "dataframe_split")' },
    ]);
    expect(problems({ instances: [good], inputs: [good] })[0]?.message).toMatch(/send exactly one/);
    expect(problems({ instances: { a: [1] } })[0]?.message).toMatch(/expected an array of row objects/);
  });

  it("rejects empty requests and more rows than the limit", () => {
    expect(problems({ instances: [] })).toEqual([{ path: "instances", message: "no rows: send at least one" }]);
    expect(problems({ dataframe_split: { columns: signature.inputs.map((i) => i.name), data: [] } })).toEqual([{ path: "dataframe_split.data", message: "no rows: send at least one" }]);
    expect(problems({ instances: [good, good, good] }, { maxRows: 2 })).toEqual([{ path: "instances", message: "3 rows is more than the limit of 2 per request; split the request" }]);
    const many = Array.from({ length: 10_001 }, () => good);
    expect(problems({ instances: many })[0]?.message).toMatch(/more than the limit of 10000/);
    expect(parsePredictRequest({ instances: many.slice(1) }, signature)).toHaveLength(10_000);
  });

  it("caps the problems listed and says how many more there are", () => {
    const bad = Array.from({ length: 30 }, () => ({ ...good, age: "x" }));
    const details = problems({ instances: bad }, { maxProblems: 10 });
    expect(details).toHaveLength(11);
    expect(details[10]).toEqual({ path: "", message: "… and 20 more problems" });
    const error = (() => {
      try {
        parsePredictRequest({ instances: bad.slice(0, 2) }, signature);
      } catch (e) {
        return e as PredictInputError;
      }
      return undefined;
    })();
    expect(error?.message).toBe('instances[0].age: expected an integer, got "x" (and 1 more problem)');
  });
});
