import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openJsonl } from "./read-jsonl";
import { batchesBeforeAbort, batchesOf, problem, rowsOf, tempFiles } from "./test/helpers";
import type { TabularSource } from "./types";

const FIXTURES = join(import.meta.dirname, "__fixtures__", "readers");
const tmp = tempFiles("jsonl");
async function jsonl(content: string | Uint8Array): Promise<TabularSource> {
  return openJsonl(await tmp.write(content, ".jsonl"));
}

describe("JSON Lines reader", () => {
  it("learns keys in order of first appearance (late keys included) and fills absent ones with null", async () => {
    const source = await openJsonl(join(FIXTURES, "events.jsonl"));
    expect(source.format).toBe("jsonl");
    expect(source.columns).toEqual(["id", "kind", "meta", "price", "tags", "ok"]);
    expect(source.dialect).toBeUndefined();
    expect(await rowsOf(source)).toEqual([
      [1, "click", '{"x":10,"y":20}', null, null, null],
      [2, "view", null, null, null, null],
      [3, "buy", null, 9.99, '["a","b"]', true],
      [4, null, null, null, null, null],
    ]);
  });

  it("keeps scalars as they are and nested values as JSON text", async () => {
    const source = await jsonl('{"s":"x","n":-1.5e3,"b":false,"z":null,"o":{"a":[1,{"b":2}]},"a":[]}\n');
    expect(await rowsOf(source)).toEqual([["x", -1500, false, null, '{"a":[1,{"b":2}]}', "[]"]]);
  });

  it("handles a BOM, CRLF, blank lines and a last line without a line break", async () => {
    const source = await jsonl('\uFEFF{"a":1}\r\n\r\n  \n{"a":2}');
    expect(source.columns).toEqual(["a"]);
    const batches = await batchesOf(source);
    expect(batches).toEqual([{ firstRow: 1, rows: [[1], [2]] }]);
  });

  it("numbers rows across batches, and batches() can be iterated twice", async () => {
    const lines = Array.from({ length: 9000 }, (_, i) => JSON.stringify(i === 8999 ? { i, late: "yes" } : { i }));
    const source = await jsonl(lines.join("\n"));
    expect(source.columns).toEqual(["i", "late"]);
    for (let pass = 0; pass < 2; pass++) {
      const batches = await batchesOf(source);
      expect(batches.map((b) => [b.firstRow, b.rows.length])).toEqual([
        [1, 4096],
        [4097, 4096],
        [8193, 808],
      ]);
      expect(batches[2]?.rows.at(-1)).toEqual([8999, "yes"]);
    }
  });

  it("names the rows and lines that are not JSON objects", async () => {
    const error = await problem(jsonl('{"a":1}\n[1,2]\n\n{"a":\n3\n{"a":2}\nnull\n'));
    expect(error.problem).toBe("invalid_json");
    expect(error.rows).toEqual([2, 3, 4, 6]);
    expect(error.message).toMatch(/^Rows 2, 3, 4, 6 are not JSON objects: row 2 \(line 2\) is an array, not an object\./);
    const one = await problem(jsonl('{"a":1}\n\n{"a":}\n'));
    expect(one.rows).toEqual([2]);
    expect(one.message).toMatch(/^Row 2 is not a JSON object: row 2 \(line 3\) is not valid JSON/);
  });

  it("stops after 10 bad rows", async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? "oops" : "{}"));
    const error = await problem(jsonl(lines.join("\n")));
    expect(error.rows).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(error.message).toContain("Reading stopped after the first 10 such rows");
  });

  it("rejects an empty file, and a file with no keys", async () => {
    for (const content of ["", "\n \n\r\n", "\uFEFF"]) {
      const error = await problem(jsonl(content));
      expect(error.problem).toBe("empty_file");
      expect(error.message).toBe("The file is empty.");
    }
    expect((await problem(jsonl("{}\n{}\n"))).problem).toBe("bad_column_names");
    expect((await problem(jsonl('{"":1}\n'))).message).toMatch(/^Column 1 has no name/);
  });

  it("reports invalid UTF-8 with its row and line", async () => {
    const content = Buffer.concat([Buffer.from('{"a":"ok"}\n\n{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    const error = await problem(jsonl(content));
    expect(error.problem).toBe("invalid_utf8");
    expect(error.rows).toEqual([2]);
    expect(error.message).toMatch(/^Row 2 \(line 3\) contains bytes that are not valid UTF-8/);
  });

  it("rejects more than 2000 distinct keys", async () => {
    const lines = Array.from({ length: 2001 }, (_, i) => JSON.stringify({ [`k${i}`]: i }));
    expect((await problem(jsonl(lines.join("\n")))).problem).toBe("too_many_columns");
  });

  it("stops when the signal aborts", async () => {
    const source = await jsonl(Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i })).join("\n"));
    expect(await batchesBeforeAbort(source)).toBe(1);
  });
});
