import { existsSync, readdirSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { type CsvBatchOptions, type CsvReadEnd, countRowsBare, csvBatches, csvReadEnd, openCsv } from "./read-csv";
import { batchesOf, problem, rowsOf, tempFiles } from "./test/helpers";
import type { Cell, RowBatch, TabularSource } from "./types";

const FIXTURES = join(import.meta.dirname, "__fixtures__", "readers");
const tmp = tempFiles("csv");
const file = (content: string | Uint8Array): Promise<string> => tmp.write(content, ".csv");

const csv = async (content: string | Uint8Array, forced?: { delimiter?: string; quote?: string }): Promise<TabularSource> =>
  openCsv(await file(content), forced);

describe("CSV reader: dialects", () => {
  it("reads raw strings, '' for empty fields, trims header names", async () => {
    const source = await csv("id, name ,score\n1,Ada,\n2,Bob,3.5\n");
    expect(source.format).toBe("csv");
    expect(source.columns).toEqual(["id", "name", "score"]);
    expect(source.dialect).toEqual({ delimiter: ",", quote: '"', bom: false });
    expect(source.declaredTypes).toBeUndefined();
    expect(await rowsOf(source)).toEqual([
      ["1", "Ada", ""],
      ["2", "Bob", "3.5"],
    ]);
  });

  it.each([
    [";", "name;price;city\nAda;1,5;Paris\nBob;2,25;Bonn\n"],
    ["\t", "name\tprice\tcity\nAda\t1,5\tParis\nBob\t2,25\tBonn\n"],
    ["|", "name|price|city\nAda|1,5|Paris\nBob|2,25|Bonn\n"],
  ])("detects the delimiter %j", async (delimiter, content) => {
    const source = await csv(content);
    expect(source.dialect?.delimiter).toBe(delimiter);
    expect(source.columns).toEqual(["name", "price", "city"]);
    expect(await rowsOf(source)).toEqual([
      ["Ada", "1,5", "Paris"],
      ["Bob", "2,25", "Bonn"],
    ]);
  });

  it("detects single quotes", async () => {
    const source = await csv("name,comment\n'Smith, J','it''s ok'\n'Doe, A','fine'\n");
    expect(source.dialect?.quote).toBe("'");
    expect(await rowsOf(source)).toEqual([
      ["Smith, J", "it's ok"],
      ["Doe, A", "fine"],
    ]);
  });

  it("prefers single quotes when every quoted field uses them", async () => {
    const source = await csv("'a','b'\n'1','x'\n'2','y'\n");
    expect(source.dialect?.quote).toBe("'");
    expect(source.columns).toEqual(["a", "b"]);
  });

  it("keeps double quotes for apostrophes inside values", async () => {
    const source = await csv('name,quote\nO\'Brien,"it\'s, fine"\nDe\'Ath,ok\n');
    expect(source.dialect?.quote).toBe('"');
    expect(await rowsOf(source)).toEqual([
      ["O'Brien", "it's, fine"],
      ["De'Ath", "ok"],
    ]);
  });

  it("strips a BOM before the first header and records it", async () => {
    const source = await csv("\uFEFFid,name\n1,Ada\n");
    expect(source.columns).toEqual(["id", "name"]);
    expect(source.dialect?.bom).toBe(true);
  });

  it("reads quoted fields with delimiters, line breaks and doubled quotes", async () => {
    const source = await csv('id,text,n\n1,"a, b",2\n2,"two\nlines",3\n3,"say ""hi""",4\n4,"",5\n');
    expect(await rowsOf(source)).toEqual([
      ["1", "a, b", "2"],
      ["2", "two\nlines", "3"],
      ["3", 'say "hi"', "4"],
      ["4", "", "5"],
    ]);
  });

  it("reads CRLF files", async () => {
    const source = await csv('a;b\r\n1;"x\r\ny"\r\n2;z\r\n');
    expect(source.dialect?.delimiter).toBe(";");
    expect(await rowsOf(source)).toEqual([
      ["1", "x\r\ny"],
      ["2", "z"],
    ]);
  });

  it("does not count a final line break or trailing empty lines as rows", async () => {
    expect(await rowsOf(await csv("a,b\n1,2"))).toEqual([["1", "2"]]);
    expect(await rowsOf(await csv("a,b\n1,2\n"))).toEqual([["1", "2"]]);
    expect(await rowsOf(await csv("a,b\r\n1,2\r\n\r\n\n"))).toEqual([["1", "2"]]);
  });

  it("accepts a genuine single-column file; an empty line inside it is an empty value", async () => {
    const source = await csv("email\nada@example.com\n\nbob@example.com\n\n");
    expect(source.columns).toEqual(["email"]);
    expect(await rowsOf(source)).toEqual([["ada@example.com"], [""], ["bob@example.com"]]);
  });

  it("uses a delimiter and quote forced by the caller", async () => {
    const source = await csv("a,b;c\n1,2;3\n", { delimiter: ";" });
    expect(source.columns).toEqual(["a,b", "c"]);
    expect(await rowsOf(source)).toEqual([["1,2", "3"]]);
  });

  it("streams batches of 4096 rows with their first row number, again on each call", async () => {
    const lines = ["i,sq"];
    for (let i = 1; i <= 10_000; i++) lines.push(`${i},${i * i}`);
    const path = await file(lines.join("\n") + "\n");
    const source = await openCsv(path);
    for (let pass = 0; pass < 2; pass++) {
      const batches = await batchesOf(source);
      expect(batches.map((b) => [b.firstRow, b.rows.length])).toEqual([
        [1, 4096],
        [4097, 4096],
        [8193, 1808],
      ]);
      expect(batches[2]?.rows.at(-1)).toEqual(["10000", "100000000"]);
    }
    expect(await countRowsBare(path, { delimiter: ",", quote: '"', bom: false })).toBe(10_000);
  });
});

describe("CSV reader: problems", () => {
  it.each(["", "   \n\t\n", "\uFEFF", "\uFEFF\r\n"])("rejects an empty file: %j", async (content) => {
    const error = await problem(csv(content));
    expect(error.problem).toBe("empty_file");
    expect(error.message).toBe("The file is empty.");
  });

  it.each(["a,b", "a,b\n", "a,b\r\n\r\n\n"])("rejects a header without rows: %j", async (content) => {
    expect((await problem(csv(content))).problem).toBe("header_only");
  });

  it("reports ragged row 57 with its line, after handing over rows 1-56", async () => {
    const source = await openCsv(join(FIXTURES, "ragged-57.csv"));
    const seen: Cell[][] = [];
    const error = await problem(
      (async () => {
        for await (const batch of source.batches()) seen.push(...batch.rows);
      })(),
    );
    expect(error.problem).toBe("ragged_rows");
    expect(error.rows).toEqual([57, 90]);
    expect(error.message).toMatch(/^Rows 57, 90 have 4 fields; the header has 5 \(row 57 is on line 58\)\./);
    expect(seen).toHaveLength(56);
  });

  it("counts lines inside quoted fields and groups rows by field count", async () => {
    const source = await csv('a,b\n1,"x\ny"\n1,2,3\n1\n');
    const error = await problem(rowsOf(source));
    expect(error.rows).toEqual([2, 3]);
    expect(error.message).toMatch(/^Row 2 has 3 fields; row 3 has 1 field; the header has 2 \(row 2 is on line 4\)\./);
  });

  it("reports a quote that never closes as a malformed row", async () => {
    const error = await problem(rowsOf(await csv('a,b\n1,"x\ny"\n3,"oops\n4,5\n')));
    expect(error.problem).toBe("ragged_rows");
    expect(error.rows).toEqual([2]);
    expect(error.message).toMatch(/^Row 2 \(line 4\) opens a quoted field that is never closed/);
    expect((await problem(csv('"a,b\n1,2\n'))).message).toMatch(/^The header row \(line 1\) opens a quoted field/);
  });

  it("reads a multi-megabyte quoted value, and stops at a record longer than 32 MiB", async () => {
    const long = "line,\n".repeat(700_000); // 4.2 MB
    expect(await rowsOf(await csv(`a,b\n1,"${long}"\n2,x\n`))).toEqual([
      ["1", long],
      ["2", "x"],
    ]);
    const error = await problem(rowsOf(await csv(`a,b\n1,2\n3,"${long.repeat(10)}`)));
    expect(error.problem).toBe("unsupported_value");
    expect(error.rows).toEqual([2]);
    expect(error.message).toMatch(/^Row 2 \(line 3\) is longer than 32 MiB/);
  });

  it("stops after 10 ragged rows", async () => {
    const lines = ["a,b,c"];
    for (let i = 1; i <= 50_000; i++) lines.push(i % 3 === 0 ? "1,2" : "1,2,3");
    const error = await problem(rowsOf(await csv(lines.join("\n"))));
    expect(error.rows).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    expect(error.message).toContain("Reading stopped after the first 10 such rows");
  });

  it.each([":", "#", "^"])("rejects values separated by %j", async (c) => {
    const error = await problem(csv(["id", "name", "age"].join(c) + "\n" + ["1", "Ada", "36"].join(c) + "\n" + ["2", "Bob", "41"].join(c)));
    expect(error.problem).toBe("unknown_delimiter");
    expect(error.message).toContain(`'${c}'`);
    expect(error.message).toContain("commas, semicolons, tabs or pipes");
  });

  it("names empty and duplicate column names", async () => {
    const error = await problem(csv("id,age,,name,age\n1,2,3,4,5\n"));
    expect(error.problem).toBe("bad_column_names");
    expect(error.message).toMatch(/^Column 3 has no name; 'age' appears in columns 2 and 5\./);
    const trimmed = await problem(csv(" age ,age\n1,2\n"));
    expect(trimmed.message).toMatch(/^'age' appears in columns 1 and 2\./);
  });

  it("rejects more than 2000 columns", async () => {
    const header = Array.from({ length: 2001 }, (_, i) => `c${i}`).join(",");
    const error = await problem(csv(`${header}\n${header}\n`));
    expect(error.problem).toBe("too_many_columns");
    expect(error.message).toContain("2,001 columns");
  });

  it("reports Latin-1 bytes as invalid UTF-8 on the right row and line", async () => {
    const source = await openCsv(join(FIXTURES, "latin1-semicolon.csv"));
    expect(source.columns).toEqual(["nom", "ville", "population"]);
    const seen: Cell[][] = [];
    const error = await problem(
      (async () => {
        for await (const batch of source.batches()) seen.push(...batch.rows);
      })(),
    );
    expect(error.problem).toBe("invalid_utf8");
    expect(error.rows).toEqual([2]);
    expect(error.message).toMatch(/^Row 2 \(line 3\) contains bytes that are not valid UTF-8/);
    expect(error.message).toContain("UTF-8");
    expect(seen).toEqual([["Anna", "Paris", "2100000"]]);
  });

  it("finds invalid UTF-8 far into the file, after multi-line fields", async () => {
    const lines = ['id,text\n1,"a\nb"'];
    for (let i = 2; i < 5000; i++) lines.push(`${i},row ${i} é€😀`);
    const head = Buffer.from(lines.join("\n") + "\n5000,caf");
    const path = await file(Buffer.concat([head, Buffer.from([0xe9]), Buffer.from("\n5001,x\n")]));
    const error = await problem(rowsOf(await openCsv(path)));
    expect(error.rows).toEqual([5000]);
    expect(error.message).toMatch(/^Row 5000 \(line 5002\)/);
  });

  it("reports invalid UTF-8 in the header when opening, and a file cut inside a character", async () => {
    const header = await problem(openCsv(await file(Buffer.from([0x69, 0x64, 0xe9, 0x0a, 0x31, 0x0a]))));
    expect(header.message).toMatch(/^The header row \(line 1\)/);
    const cut = await problem(rowsOf(await csv(Buffer.from([0x61, 0x0a, 0x31, 0x0a, 0xc3]))));
    expect(cut.rows).toEqual([2]);
  });

  it("decodes characters split across read chunks", async () => {
    const value = "é€😀".repeat(5000);
    const rows = await rowsOf(await csv(`id,text\n1,${value}\n2,${value}\n`));
    expect(rows).toEqual([
      ["1", value],
      ["2", value],
    ]);
  });
});

describe("CSV reader: streaming", () => {
  async function bigFile(rows: number): Promise<string> {
    const lines = ["a,b,c,d"];
    for (let i = 0; i < rows; i++) lines.push(`${i},${i * 2},${i % 7},text ${i}`);
    return file(lines.join("\n") + "\n");
  }

  it("stops and closes the file when the signal aborts", async () => {
    const source = await openCsv(await bigFile(100_000));
    const openFds = (): number => (existsSync("/proc/self/fd") ? readdirSync("/proc/self/fd").length : 0);
    const before = openFds();
    const controller = new AbortController();
    let batches = 0;
    await expect(
      (async () => {
        for await (const _batch of source.batches({ signal: controller.signal })) {
          if (++batches === 2) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(batches).toBe(2);
    expect(openFds()).toBe(before);
    await expect(batchesOf(source, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reads the file only as fast as the consumer takes batches", async () => {
    const path = await bigFile(200_000); // about 4 MB: 60+ reads of 64 KiB
    const source = await openCsv(path);
    const probe = await open(path, "r");
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const reads = vi.spyOn(proto, "read");
    try {
      const iterator = source.batches()[Symbol.asyncIterator]();
      await iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const early = reads.mock.calls.length;
      expect(early).toBeLessThanOrEqual(4);
      await iterator.return?.();
      await rowsOf(source);
      expect(reads.mock.calls.length).toBeGreaterThan(early + 50);
    } finally {
      reads.mockRestore();
    }
  });
});

describe("CSV reader: parts of a file", () => {
  const text = 'id,text\n1,a\n2,"b\nc"\n3,d\n\n4,e\n5,f\n';
  const at = (needle: string): number => new TextEncoder().encode(text.slice(0, text.indexOf(needle))).length;
  const dialect = { delimiter: ",", quote: '"', bom: false };

  async function read(path: string, options: CsvBatchOptions): Promise<{ rows: Cell[][]; firstRows: number[]; end: CsvReadEnd }> {
    const end = csvReadEnd();
    const batches: RowBatch[] = [];
    for await (const batch of csvBatches(path, dialect, 2, { ...options, end })) batches.push(batch);
    return { rows: batches.flatMap((b) => b.rows), firstRows: batches.map((b) => b.firstRow), end };
  }

  it("reads a range that starts at a record boundary, numbering rows from `at`", async () => {
    const path = await file(text);
    const head = await read(path, { range: { start: 0, end: at("3,d") } });
    expect(head.rows).toEqual([["1", "a"], ["2", "b\nc"]]);
    expect(head.end).toEqual({ index: 3, extra: 1, rest: "", blanks: 0, stoppedAt: null });
    const tail = await read(path, { range: { start: at("4,e"), newline: "\n" }, at: { index: 5, extra: 1 }, chunked: true });
    expect(tail.rows).toEqual([["4", "e"], ["5", "f"]]);
    expect(tail.firstRows).toEqual([5]);
    // Problems carry the file's row and line numbers (the blank line is row 4, on line 6).
    const error = await problem(read(path, { range: { start: at("3,d"), newline: "\n" }, at: { index: 3, extra: 1 } }));
    expect([error.rows, error.message]).toEqual([[4], expect.stringContaining("row 4 is on line 6")]);
  });

  it("returns the unfinished record at a range end inside a record, and pending blank lines", async () => {
    const path = await file(text);
    expect((await read(path, { range: { start: 0, end: at("c\"") } })).end.rest).toBe('2,"b\n');
    const blank = await read(path, { range: { start: at("3,d"), end: at("4,e"), newline: "\n" }, at: { index: 3, extra: 1 } });
    expect(blank.rows).toEqual([["3", "d"]]);
    expect(blank.end).toMatchObject({ rest: "", blanks: 1 });
  });

  it("stops at a clean mark when asked to, and never inside a quoted field", async () => {
    const path = await file(text);
    const seen: [number, boolean][] = [];
    const marks = [at('"b'), at("c\""), at("3,d"), at("5,f")];
    const onMark = (offset: number, clean: boolean): boolean => {
      seen.push([offset, clean]);
      return offset !== at('"b');
    };
    const result = await read(path, { range: { marks }, onMark });
    expect(seen).toEqual([
      [at('"b'), false],
      [at("c\""), false],
      [at("3,d"), true],
    ]);
    expect(result.rows).toEqual([["1", "a"], ["2", "b\nc"]]);
    expect(result.end).toEqual({ index: 3, extra: 1, rest: "", blanks: 0, stoppedAt: at("3,d") });
  });

  it("keeps a U+FEFF at the start of a range as text", async () => {
    const path = await file("\uFEFFa,b\n\uFEFFx,y\n");
    const start = new TextEncoder().encode("\uFEFFa,b\n").length;
    expect((await read(path, { range: { start, newline: "\n" }, at: { index: 1, extra: 0 } })).rows).toEqual([["\uFEFFx", "y"]]);
  });
});
