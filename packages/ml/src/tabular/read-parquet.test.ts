import { parquetMetadata } from "hyparquet";
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { openParquet, parquetCell } from "./read-parquet";
import { batchesBeforeAbort, batchesOf, problem, rowsOf, tempFiles } from "./test/helpers";

const tmp = tempFiles("parquet");
const file = (content: string | Uint8Array | ArrayBuffer): Promise<string> => tmp.write(content, ".parquet");

const TYPED_COLUMNS: ColumnSource[] = [
  { name: "i32", data: new Int32Array([1, -2, 3]), type: "INT32" },
  { name: "i64", data: [1n, 2n ** 60n, null], type: "INT64", nullable: true },
  { name: "f32", data: new Float32Array([0.5, 1.5, -2]), type: "FLOAT" },
  { name: "f64", data: [1.25, null, 3], type: "DOUBLE" },
  { name: "flag", data: [true, false, null], type: "BOOLEAN" },
  { name: "name", data: ["x", null, "zé"], type: "STRING" },
  { name: "at", data: [new Date("2024-01-02T03:04:05Z"), null, new Date(0)], type: "TIMESTAMP" },
  { name: "raw", data: [new Uint8Array([0xff, 0x00, 0xe9]), new Uint8Array([0x41]), null], type: "BYTE_ARRAY" },
  { name: "doc", data: [{ a: 1 }, [1, 2], null], type: "JSON" },
];

describe("Parquet reader", () => {
  it("maps schema types to declaredTypes and values to cells", async () => {
    const source = await openParquet(await file(parquetWriteBuffer({ columnData: TYPED_COLUMNS })));
    expect(source.format).toBe("parquet");
    expect(source.columns).toEqual(["i32", "i64", "f32", "f64", "flag", "name", "at", "raw", "doc"]);
    expect(source.declaredTypes).toEqual(["integer", "integer", "numeric", "numeric", "boolean", null, "datetime", null, null]);
    expect(await rowsOf(source)).toEqual([
      [1, 1, 0.5, 1.25, true, "x", "2024-01-02T03:04:05.000Z", "/wDp", '{"a":1}'],
      [-2, "1152921504606846976", 1.5, null, false, null, null, "A", "[1,2]"],
      [3, null, -2, 3, null, "zé", "1970-01-01T00:00:00.000Z", null, null],
    ]);
  });

  it("reads DATE, unsigned and nested columns", async () => {
    const buffer = parquetWriteBuffer({
      schema: [
        { name: "root", num_children: 4 },
        { name: "id", type: "INT32", repetition_type: "REQUIRED" },
        { name: "tags", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
        { name: "day", type: "INT32", converted_type: "DATE", repetition_type: "OPTIONAL" },
        { name: "small", type: "INT32", converted_type: "UINT_8", repetition_type: "OPTIONAL" },
      ],
      columnData: [
        { name: "id", data: [1, 2, 3] },
        { name: "tags", data: [["a", "b"], [], null] },
        { name: "day", data: [new Date("2024-03-04"), null, new Date(0)] },
        { name: "small", data: [1, 200, null] },
      ],
    });
    const source = await openParquet(await file(buffer));
    expect(source.columns).toEqual(["id", "tags", "day", "small"]);
    expect(source.declaredTypes).toEqual(["integer", null, "datetime", "integer"]);
    expect(await rowsOf(source)).toEqual([
      [1, '["a","b"]', "2024-03-04T00:00:00.000Z", 1],
      [2, "[]", null, 200],
      [3, null, "1970-01-01T00:00:00.000Z", null],
    ]);
  });

  it("streams row group by row group in batches, from the start on every call", async () => {
    const n = 10_000;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "i", data: Int32Array.from({ length: n }, (_, i) => i), type: "INT32" },
        { name: "s", data: Array.from({ length: n }, (_, i) => `v${i % 13}`), type: "STRING" },
      ],
      rowGroupSize: 3000,
    });
    expect(parquetMetadata(buffer).row_groups).toHaveLength(4);
    const source = await openParquet(await file(buffer));
    for (let pass = 0; pass < 2; pass++) {
      const batches = await batchesOf(source);
      expect(batches.map((b) => [b.firstRow, b.rows.length])).toEqual([
        [1, 3000],
        [3001, 3000],
        [6001, 3000],
        [9001, 1000],
      ]);
      expect(batches.flatMap((b) => b.rows.map((r) => r[0]))).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it("reads a large row group with an offset index in slices", async () => {
    const n = 200_000;
    const buffer = parquetWriteBuffer({
      columnData: [{ name: "i", data: Int32Array.from({ length: n }, (_, i) => i), type: "INT32" }],
      rowGroupSize: n,
      pageSize: 16_384,
    });
    const source = await openParquet(await file(buffer));
    const batches = await batchesOf(source);
    expect(Math.max(...batches.map((b) => b.rows.length))).toBeLessThanOrEqual(4096);
    expect(batches.map((b) => b.firstRow)).toEqual(Array.from({ length: Math.ceil(n / 4096) }, (_, i) => i * 4096 + 1));
    const values = batches.flatMap((b) => b.rows.map((r) => r[0]));
    expect(values.length).toBe(n);
    expect(values.every((v, i) => v === i)).toBe(true);
  });

  it("rejects files that are not Parquet", async () => {
    const csv = await problem(openParquet(await file("id,name\n1,Ada\n")));
    expect(csv.problem).toBe("not_parquet");
    expect(csv.message).toMatch(/^The file is not a Parquet file/);
    const footer = await problem(openParquet(await file("PAR1 this is not a footer PAR1")));
    expect(footer.problem).toBe("not_parquet");
    const good = new Uint8Array(parquetWriteBuffer({ columnData: TYPED_COLUMNS }));
    const truncated = await problem(openParquet(await file(good.subarray(0, good.length - 4))));
    expect(truncated.problem).toBe("not_parquet");
    expect((await problem(openParquet(await file("")))).problem).toBe("empty_file");
  });

  it("rejects a file without rows", async () => {
    const empty = parquetWriteBuffer({ columnData: [{ name: "a", data: new Int32Array(0), type: "INT32" }] });
    expect((await problem(openParquet(await file(empty)))).problem).toBe("header_only");
  });

  it("stops when the signal aborts", async () => {
    const n = 20_000;
    const buffer = parquetWriteBuffer({
      columnData: [{ name: "i", data: Int32Array.from({ length: n }, (_, i) => i), type: "INT32" }],
      rowGroupSize: 5000,
    });
    const source = await openParquet(await file(buffer));
    expect(await batchesBeforeAbort(source)).toBe(1);
  });

  it("converts values to cells", () => {
    expect(parquetCell(undefined)).toBeNull();
    expect(parquetCell(2n ** 53n)).toBe("9007199254740992");
    expect(parquetCell(-(2n ** 53n) + 1n)).toBe(-9007199254740991);
    expect(parquetCell(new Date(Number.NaN))).toBeNull();
    expect(parquetCell({ big: 2n ** 64n, bytes: new Uint8Array([1]), list: new Float64Array([1.5]) })).toBe(
      '{"big":"18446744073709551616","bytes":"AQ==","list":[1.5]}',
    );
  });
});
