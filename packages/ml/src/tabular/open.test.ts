import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { detectFormat, openTabular } from "./open";
import { tempFiles } from "./test/helpers";
import { TabularInputError } from "./types";

const tmp = tempFiles("open");
const file = (content: string | Uint8Array): Promise<string> => tmp.write(content);

const PARQUET = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "x", data: [1.5, 2.5], type: "DOUBLE" }] }));

describe("detectFormat", () => {
  it.each([
    ["application/vnd.apache.parquet", "parquet"],
    ["application/x-parquet", "parquet"],
    ["application/x-ndjson", "jsonl"],
    ["application/jsonl", "jsonl"],
    ["application/json-lines; charset=utf-8", "jsonl"],
    ["Text/CSV; charset=utf-8", "csv"],
  ])("trusts the content type %s", async (contentType, format) => {
    expect(await detectFormat(await file("{}"), { contentType, filename: "data.bin" })).toBe(format);
  });

  it.each([
    ["data.parquet", "parquet"],
    ["events.JSONL", "jsonl"],
    ["events.ndjson", "jsonl"],
    ["table.csv", "csv"],
    ["table.tsv", "csv"],
    ["notes.txt", "csv"],
  ])("falls back to the file name %s", async (filename, format) => {
    expect(await detectFormat(await file("{}"), { contentType: "application/octet-stream", filename })).toBe(format);
  });

  it("otherwise sniffs the first bytes", async () => {
    expect(await detectFormat(await file(PARQUET), {})).toBe("parquet");
    expect(await detectFormat(await file('\uFEFF \r\n {"a":1}\n'), { filename: "upload" })).toBe("jsonl");
    expect(await detectFormat(await file("a,b\n1,2\n"), { contentType: "application/octet-stream" })).toBe("csv");
    expect(await detectFormat(await file(""), {})).toBe("csv");
  });
});

describe("openTabular", () => {
  it("opens each format", async () => {
    const csv = await openTabular(await file("a;b\n1;2\n"), { format: "csv" });
    expect([csv.format, csv.columns, csv.dialect?.delimiter]).toEqual(["csv", ["a", "b"], ";"]);
    const forced = await openTabular(await file("a;b\n1;2\n"), { format: "csv", delimiter: ",", quote: "'" });
    expect([forced.columns, forced.dialect]).toEqual([["a;b"], { delimiter: ",", quote: "'", bom: false }]);
    const jsonl = await openTabular(await file('{"a":1}\n'), { format: "jsonl" });
    expect([jsonl.format, jsonl.columns]).toEqual(["jsonl", ["a"]]);
    const parquet = await openTabular(await file(PARQUET), { format: "parquet" });
    expect([parquet.format, parquet.columns, parquet.declaredTypes]).toEqual(["parquet", ["x"], ["numeric"]]);
  });

  it("reports a file in the wrong format as a problem the user can fix", async () => {
    const error = await openTabular(await file("a,b\n1,2\n"), { format: "parquet" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TabularInputError);
    expect(error).toMatchObject({ problem: "not_parquet" });
    await expect(openTabular(await file("a,b\n1,2\n"), { format: "jsonl" })).rejects.toMatchObject({ problem: "invalid_json", rows: [1, 2] });
  });
});
