import { describe, expect, it } from "vitest";
import { parseUploadError, uploadExtension, uploadUrl } from "./upload";

describe("upload helpers", () => {
  it("knows the extensions Keel reads", () => {
    expect(uploadExtension("Data.CSV")).toBe(".csv");
    expect(uploadExtension("x.ndjson")).toBe(".ndjson");
    expect(uploadExtension("x.xlsx")).toBeNull();
  });
  it("says a .tsv file is tab-separated", () => {
    expect(uploadUrl("demo", "iris", "a.csv")).toBe("/api/v1/projects/demo/datasets/iris/versions");
    expect(uploadUrl("demo", "iris", "a.tsv")).toBe("/api/v1/projects/demo/datasets/iris/versions?format=csv&delimiter=tab");
  });
  it("reads the REST error body, or describes what came instead", () => {
    const body = JSON.stringify({ error: { code: "UNPROCESSABLE_CONTENT", message: "Row 3 has 2 fields", details: [{ path: "rows[3]", message: "ragged_rows" }, 7] } });
    expect(parseUploadError(422, body)).toEqual({
      kind: "error",
      status: 422,
      code: "UNPROCESSABLE_CONTENT",
      message: "Row 3 has 2 fields",
      details: [{ path: "rows[3]", message: "ragged_rows" }],
    });
    expect(parseUploadError(502, "<html>")).toMatchObject({ code: "502" });
    expect(parseUploadError(0, "")).toMatchObject({ code: "NETWORK" });
  });
});
