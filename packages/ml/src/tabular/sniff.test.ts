import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TextPiece, decodeUtf8File, firstNewline, readHead, sniffCsv, validateColumnNames } from "./sniff";
import { TabularInputError } from "./types";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function problemOf(run: () => unknown): TabularInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof TabularInputError) return error;
    throw error;
  }
  throw new Error("expected a TabularInputError");
}

describe("sniffCsv", () => {
  it("picks the delimiter giving a consistent field count above one, respecting quotes", () => {
    expect(sniffCsv(bytes('a;b\n"x;y";2\n"1;2";3\n'), true).delimiter).toBe(";");
    expect(sniffCsv(bytes('a,b\n"x;y;z",2\n"1;2",3\n'), true).delimiter).toBe(",");
    expect(sniffCsv(bytes("a;b;c\n1,5;2,5;3\n"), true).delimiter).toBe(";");
    expect(sniffCsv(bytes("a\tb c\n1\t2 3\n"), true).delimiter).toBe("\t");
  });

  it("still picks the main delimiter when a sample row is ragged", () => {
    const lines = ["a,b,c", ...Array.from({ length: 20 }, () => "1,2,3"), "1,2", "4,5,6"];
    expect(sniffCsv(bytes(lines.join("\n")), true).delimiter).toBe(",");
  });

  it("ignores the unfinished last line of a head that does not reach the end of the file", () => {
    expect(sniffCsv(bytes("a|b\n1|2\n3|4\n5"), false).delimiter).toBe("|");
  });

  it("detects the quote and the BOM", () => {
    expect(sniffCsv(bytes("\uFEFFa,b\n'x, y',1\n"), true)).toEqual({ delimiter: ",", quote: "'", bom: true });
    expect(sniffCsv(bytes('a,b\n"x, y",1\n'), true)).toEqual({ delimiter: ",", quote: '"', bom: false });
  });

  it("accepts a single column, and rejects consistent unsupported separators", () => {
    expect(sniffCsv(bytes("name\nAda\nBob\n"), true).delimiter).toBe(",");
    expect(sniffCsv(bytes("url\nhttp://a.example\nhttp://b.example\n"), true).delimiter).toBe(",");
    const error = problemOf(() => sniffCsv(bytes("a~b\n1~2\n"), true));
    expect(error.problem).toBe("unknown_delimiter");
    expect(error.message).toContain("'~'");
  });

  it("rejects an empty head only at the end of the file", () => {
    expect(problemOf(() => sniffCsv(bytes(" \r\n"), true)).problem).toBe("empty_file");
    expect(problemOf(() => sniffCsv(new Uint8Array([0xef, 0xbb, 0xbf]), true)).problem).toBe("empty_file");
  });

  it("honours forced options and rejects unusable ones", () => {
    expect(sniffCsv(bytes("a,b;c\n"), true, { delimiter: ";", quote: "'" })).toEqual({ delimiter: ";", quote: "'", bom: false });
    expect(problemOf(() => sniffCsv(bytes("a\n"), true, { delimiter: "\n" })).problem).toBe("unknown_delimiter");
  });
});

describe("firstNewline", () => {
  it("finds the first line break outside quoted fields", () => {
    expect(firstNewline('a,"x\ny"\r\n1,2', ",", '"', false)).toBe("\r\n");
    expect(firstNewline("a,b\n", ",", '"', false)).toBe("\n");
    expect(firstNewline("a,b\rc", ",", '"', false)).toBe("\r");
    expect(firstNewline("a,b\r", ",", '"', false)).toBeNull();
    expect(firstNewline("a,b", ",", '"', true)).toBe("\n");
    expect(firstNewline("it's\nok", ",", "'", false)).toBe("\n");
    expect(firstNewline('a,"never closed\r\n', ",", '"', false)).toBeNull();
    expect(firstNewline('a,"never closed\r\n', ",", '"', true)).toBe("\n");
  });
});

describe("validateColumnNames", () => {
  it("accepts unique names and lists every problem", () => {
    expect(() => validateColumnNames(["a", "b"])).not.toThrow();
    const error = problemOf(() => validateColumnNames(["x", "", "x", " ", "x"]));
    expect(error.message).toMatch(/^Column 2 has no name; column 4 has no name; 'x' appears in columns 1, 3 and 5\./);
  });
});

describe("decodeUtf8File", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "keel-sniff-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function decode(content: Uint8Array, chunkBytes: number): Promise<TextPiece[]> {
    const path = join(dir, `f${chunkBytes}-${content.length}`);
    await writeFile(path, content);
    const pieces: TextPiece[] = [];
    for await (const piece of decodeUtf8File(path, undefined, chunkBytes)) pieces.push(piece);
    return pieces;
  }

  it.each([1, 2, 3, 5, 7])("decodes multi-byte characters split across %i-byte chunks", async (chunkBytes) => {
    const text = "aé€😀b".repeat(5);
    const pieces = await decode(bytes(`\uFEFF${text}`), chunkBytes);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(pieces.at(-1)).toMatchObject({ final: true, invalidUtf8: false });
  });

  it.each([1, 3, 4, 64])("stops just before the first invalid byte (%i-byte chunks)", async (chunkBytes) => {
    const content = new Uint8Array([...bytes("ok é\n€"), 0xe2, 0x82, 0x41, ...bytes("after")]);
    const pieces = await decode(content, chunkBytes);
    expect(pieces.map((p) => p.text).join("")).toBe("ok é\n€");
    expect(pieces.at(-1)).toMatchObject({ final: true, invalidUtf8: true });
    expect(pieces.filter((p) => p.final)).toHaveLength(1);
  });

  it("flags a file that ends inside a character", async () => {
    const pieces = await decode(new Uint8Array([0x61, 0xf0, 0x9f]), 64);
    expect(pieces.map((p) => p.text).join("")).toBe("a");
    expect(pieces.at(-1)?.invalidUtf8).toBe(true);
  });

  it("readHead returns at most the asked bytes and the size", async () => {
    const path = join(dir, "head");
    await writeFile(path, "0123456789");
    const { head, size } = await readHead(path, 4);
    expect(new TextDecoder().decode(head)).toBe("0123");
    expect(size).toBe(10);
  });
});
