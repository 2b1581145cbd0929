import { describe, expect, it } from "vitest";
import {
  type Condition,
  FilterSyntaxError,
  formatFilter,
  formatOrderBy,
  MAX_FILTER_CONDITIONS,
  parseFilter,
  parseOrderBy,
  RUN_ATTRIBUTE_ALIASES,
  RUN_ATTRIBUTE_COLUMNS,
  RUN_ATTRIBUTES,
  ZFilterCondition,
} from "./filter";

/** The FilterSyntaxError `fn` throws (fails the test if it throws nothing or something else). */
function errorOf(fn: () => unknown): FilterSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e;
    throw e;
  }
  throw new Error("expected a FilterSyntaxError");
}

describe("parseFilter: valid forms", () => {
  it.each<[string, Condition[]]>([
    [
      "params.lr < 0.01 and metrics.auc > 0.9",
      [
        { kind: "param", key: "lr", op: "<", value: 0.01 },
        { kind: "metric", key: "auc", op: ">", value: 0.9 },
      ],
    ],
    ["tags.team = 'vision'", [{ kind: "tag", key: "team", op: "=", value: "vision" }]],
    ["attributes.status = 'succeeded'", [{ kind: "attribute", key: "status", op: "=", value: "succeeded" }]],
    ["status != 'failed'", [{ kind: "attribute", key: "status", op: "!=", value: "failed" }]],
    ["params.optimizer IN ('adam', 'sgd')", [{ kind: "param", key: "optimizer", op: "IN", value: ["adam", "sgd"] }]],
    ["params.optimizer not in ('adam')", [{ kind: "param", key: "optimizer", op: "NOT IN", value: ["adam"] }]],
    ["params.layers IN (1, 2, '3')", [{ kind: "param", key: "layers", op: "IN", value: [1, 2, "3"] }]],
    ["tags.note LIKE '%baseline%'", [{ kind: "tag", key: "note", op: "LIKE", value: "%baseline%" }]],
    ["tags.note ilike '%BASE%'", [{ kind: "tag", key: "note", op: "ILIKE", value: "%BASE%" }]],
    ["params.optimizer LIKE 'ad%'", [{ kind: "param", key: "optimizer", op: "LIKE", value: "ad%" }]],
    ["metrics.`val loss` <= 1e-3", [{ kind: "metric", key: "val loss", op: "<=", value: 0.001 }]],
    ['metrics."val loss" >= -2.5E+2', [{ kind: "metric", key: "val loss", op: ">=", value: -250 }]],
    ["metrics.loss < .5", [{ kind: "metric", key: "loss", op: "<", value: 0.5 }]],
    ["metrics.loss < -.5", [{ kind: "metric", key: "loss", op: "<", value: -0.5 }]],
    ["metrics.loss = -0", [{ kind: "metric", key: "loss", op: "=", value: 0 }]],
    ["metrics.loss <> 3", [{ kind: "metric", key: "loss", op: "!=", value: 3 }]],
    ["params.lr = 0.1", [{ kind: "param", key: "lr", op: "=", value: 0.1 }]],
    ["params.lr = '0.1'", [{ kind: "param", key: "lr", op: "=", value: "0.1" }]],
    ["params.lr>=1E-4", [{ kind: "param", key: "lr", op: ">=", value: 1e-4 }]],
    ["metrics.train/loss < 1", [{ kind: "metric", key: "train/loss", op: "<", value: 1 }]],
    ["metrics.val-acc > 0.5", [{ kind: "metric", key: "val-acc", op: ">", value: 0.5 }]],
    ["params.model.depth = 3", [{ kind: "param", key: "model.depth", op: "=", value: 3 }]],
    ["metrics.1st_epoch_loss < 2", [{ kind: "metric", key: "1st_epoch_loss", op: "<", value: 2 }]],
    ['tags."my tag" = "v"', [{ kind: "tag", key: "my tag", op: "=", value: "v" }]],
    ["tags.x = ''", [{ kind: "tag", key: "x", op: "=", value: "" }]],
    ["  \n\t tags.x\n=\t'y'  ", [{ kind: "tag", key: "x", op: "=", value: "y" }]],
  ])("%s", (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it("accepts every prefix spelling, case-insensitively, and normalises the kind", () => {
    for (const [prefix, kind] of [
      ["params", "param"],
      ["param", "param"],
      ["PARAMS", "param"],
      ["metrics", "metric"],
      ["metric", "metric"],
      ["tags", "tag"],
      ["tag", "tag"],
    ] as const) {
      expect(parseFilter(`${prefix}.k = ${kind === "metric" ? "1" : "'v'"}`)).toEqual([{ kind, key: "k", op: "=", value: kind === "metric" ? 1 : "v" }]);
    }
    for (const prefix of ["attributes", "attribute", "attr", "run", "Attributes"]) {
      expect(parseFilter(`${prefix}.name = 'r1'`)).toEqual([{ kind: "attribute", key: "name", op: "=", value: "r1" }]);
    }
  });

  it("takes AND in any case and any number of conditions up to 32", () => {
    expect(parseFilter("tags.a = 'x' AND tags.b = 'y' And tags.c = 'z' and tags.d = 'w'")).toHaveLength(4);
    const many = Array.from({ length: MAX_FILTER_CONDITIONS }, (_, i) => `metrics.m${i} > ${i}`).join(" and ");
    expect(parseFilter(many)).toHaveLength(32);
  });

  it("returns no conditions for empty or blank text", () => {
    expect(parseFilter("")).toEqual([]);
    expect(parseFilter("   \n ")).toEqual([]);
  });

  it("accepts every attribute and its aliases, normalised to the canonical name", () => {
    for (const a of RUN_ATTRIBUTES) {
      const isTime = a === "start_time" || a === "end_time" || a === "created_at";
      const value = isTime ? "0" : a === "status" ? "'running'" : "'x'";
      expect(parseFilter(`${a} = ${value}`)[0]?.key).toBe(a);
      expect(parseFilter(`attributes.${a} = ${value}`)[0]?.key).toBe(a);
    }
    expect(parseFilter("id = 'r_1'")).toEqual([{ kind: "attribute", key: "run_id", op: "=", value: "r_1" }]);
    expect(parseFilter("attributes.run_name LIKE 'sweep%'")).toEqual([{ kind: "attribute", key: "name", op: "LIKE", value: "sweep%" }]);
    expect(parseFilter("startedAt > 5")[0]?.key).toBe("start_time");
    expect(parseFilter("endedAt > 5")[0]?.key).toBe("end_time");
    expect(parseFilter("STATUS = 'failed'")[0]?.key).toBe("status");
    for (const canonical of Object.values(RUN_ATTRIBUTE_ALIASES)) expect(RUN_ATTRIBUTES).toContain(canonical);
    expect(RUN_ATTRIBUTE_COLUMNS).toMatchObject({ run_id: "id", start_time: "startedAt", end_time: "endedAt" });
  });

  it("compares time attributes with epoch milliseconds or ISO-8601 dates (normalised to ms)", () => {
    expect(parseFilter("attributes.start_time > 1700000000000")).toEqual([{ kind: "attribute", key: "start_time", op: ">", value: 1_700_000_000_000 }]);
    expect(parseFilter("start_time >= '2026-01-31'")[0]?.value).toBe(Date.UTC(2026, 0, 31));
    expect(parseFilter("end_time < '2026-01-31T12:30:00Z'")[0]?.value).toBe(Date.UTC(2026, 0, 31, 12, 30));
    expect(parseFilter("created_at < '2026-01-31T12:30:00.250+02:00'")[0]?.value).toBe(Date.UTC(2026, 0, 31, 10, 30, 0, 250));
  });

  it("status accepts any pattern with LIKE but only real statuses otherwise", () => {
    expect(parseFilter("status LIKE 'fail%'")).toEqual([{ kind: "attribute", key: "status", op: "LIKE", value: "fail%" }]);
    expect(parseFilter("status IN ('queued', 'running')")).toEqual([{ kind: "attribute", key: "status", op: "IN", value: ["queued", "running"] }]);
  });

  it("reads quotes and escapes in strings", () => {
    const value = (text: string): unknown => parseFilter(`tags.t = ${text}`)[0]?.value;
    expect(value("'it''s'")).toBe("it's");
    expect(value("'it\\'s'")).toBe("it's");
    expect(value('"say ""hi"""')).toBe('say "hi"');
    expect(value('"say \\"hi\\""')).toBe('say "hi"');
    expect(value("'a \"double\" inside'")).toBe('a "double" inside');
    expect(value('"a \'single\' inside"')).toBe("a 'single' inside");
    expect(value("'back\\\\slash'")).toBe("back\\slash");
    expect(value("'50\\%'")).toBe("50\\%"); // kept for LIKE's escape
    expect(value("'tab\\there'")).toBe("tab\\there");
    expect(value("'and or in not like'")).toBe("and or in not like");
    expect(value("'ünïcödé ✓'")).toBe("ünïcödé ✓");
    expect(parseFilter("metrics.`a``b` = 1")[0]?.key).toBe("a`b");
    expect(parseFilter("metrics.`a.b (c)` = 1")[0]?.key).toBe("a.b (c)");
  });
});

describe("parseFilter: errors", () => {
  it.each<[string, string, number]>([
    ["params.lr", 'Expected a comparison operator after "params.lr" at position 9', 9],
    ["params.lr foo", 'Expected a comparison operator after "params.lr" at position 10', 10],
    ["params.lr 0.1", 'Expected a comparison operator after "params.lr" at position 10: found the number 0.1', 10],
    ["params.lr <", 'Expected a value after "<", found the end of the text at position 11', 11],
    ["tags.x LIKE and", "Expected a value after LIKE, found AND at position 12", 12],
    ["tags.x = `y`", 'Expected a value after "=", found "`y`" at position 9: backticks quote keys', 9],
    ["params.a = 1 or params.b = 2", "OR is not supported at position 13: conditions can only be combined with AND (as in MLflow)", 13],
    ["(status = 'failed')", "Parentheses are not supported around conditions at position 0", 0],
    ["metrics.a = 1 AND", "Expected a key after AND, found the end of the text at position 17", 17],
    ["AND metrics.a = 1", "Expected a key at the start, found AND at position 0", 0],
    ["= 1", 'Expected a key at the start, found "=" at position 0', 0],
    ["'status' = 'failed'", "Expected a key at the start, found the string 'status' at position 0", 0],
    ["metrics.a = 1 metrics.b = 2", 'Expected AND or the end of the filter, found "metrics.b" at position 14', 14],
    ["metrics.a = 1,", 'Expected AND or the end of the filter, found "," at position 13', 13],
    ["x.y = 1", 'Unknown key prefix "x" at position 0: use params., metrics., tags. or attributes.', 0],
    ["foo = 'x'", 'Unknown attribute "foo" at position 0: a bare name is an attribute', 0],
    ["attributes.foo = 'x'", 'Unknown attribute "foo" at position 0: expected one of status, name, run_id', 0],
    ["metrics. = 1", 'Expected a name after "metrics." at position 8', 8],
    ["metrics.`` = 1", "Empty key name at position 0", 0],
    ["metrics.auc = 'x'", "Metric \"auc\" can only be compared with a number, not the string 'x' at position 14", 14],
    ["metrics.auc LIKE '%'", "Operator LIKE is not supported for metrics at position 12", 12],
    ["metrics.auc IN (1, 2)", "Operator IN is not supported for metrics at position 12", 12],
    ["tags.team = 5", 'Tag "team" can only be compared with a string, not the number 5 at position 12: quote it: \'5\'', 12],
    ["tags.team < 'a'", 'Operator < is not supported for tags at position 10', 10],
    ["tags.team IN ('a', 2)", 'Tag "team" can only be compared with a string, not the number 2 at position 19', 19],
    ["params.lr < 'a'", "Operator \"<\" compares params.lr with a number, not the string 'a' at position 12", 12],
    ["params.lr LIKE 5", "LIKE needs a string pattern for params.lr, not the number 5 at position 15", 15],
    ["status = 'done'", "Unknown status 'done' at position 9: expected one of queued, running, succeeded, failed, cancelled", 9],
    ["status IN ('failed', 'oops')", "Unknown status 'oops' at position 21", 21],
    ["status > 'a'", 'Operator ">" is not supported for status at position 7', 7],
    ["name = 3", 'Attribute "name" can only be compared with a string, not the number 3 at position 7', 7],
    ["start_time > 'yesterday'", "start_time needs epoch milliseconds or an ISO-8601 date, not the string 'yesterday' at position 13", 13],
    ["start_time > '2026-13-45'", "start_time needs epoch milliseconds or an ISO-8601 date", 13],
    ["start_time LIKE '2026%'", "Operator LIKE is not supported for start_time at position 11", 11],
    ["start_time IN (1, 2)", "Operator IN is not supported for start_time at position 11", 11],
    ["params.a IN 'x'", 'Expected "(" after IN, found the string \'x\' at position 12', 12],
    ["params.a IN ()", "Empty IN list at position 13", 13],
    ["params.a IN ('x' 'y')", 'Expected "," or ")" in the IN list, found the string \'y\' at position 17', 17],
    ["params.a IN ('x',)", 'Expected a value in the IN list, found ")" at position 17', 17],
    ["params.a IN ('x'", 'Expected "," or ")" in the IN list, found the end of the text at position 16', 16],
    ["params.a NOT LIKE 'x'", "Expected IN after NOT, found LIKE at position 13", 13],
    ["params.a == 1", 'Unknown operator "==" at position 9: use =', 9],
    ["params.a ! 1", 'Unknown operator "!" at position 9', 9],
    ["tags.t = 'abc", "Unterminated string starting at position 9: add the closing '", 9],
    ['tags.t = "abc\\"', 'Unterminated string starting at position 9: add the closing "', 9],
    ["metrics.`val loss = 1", "Unterminated quoted key starting at position 8", 8],
    ["params.lr = 1abc", 'Invalid number "1abc" at position 12', 12],
    ["params.lr = 1.2.3", 'Invalid number "1.2.3" at position 12', 12],
    ["params.lr = 1e", 'Invalid number "1e" at position 12', 12],
    ["params.lr = - 1", 'Unexpected character "-" at position 12', 12],
    ["metrics.a = 1e999", "Number 1e999 is out of range at position 12", 12],
    ["tags.a = 'x' ; drop table runs", 'Unexpected character ";" at position 13', 13],
    ["tags.a # 'x'", 'Unexpected character "#" at position 7', 7],
  ])("%s", (text, message, position) => {
    const e = errorOf(() => parseFilter(text));
    expect(e).toBeInstanceOf(FilterSyntaxError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("FilterSyntaxError");
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.message).toContain(`at position ${position}`);
    expect(e.position).toBe(position);
  });

  it("limits conditions, key length, IN lists and text length", () => {
    const many = Array.from({ length: MAX_FILTER_CONDITIONS + 1 }, (_, i) => `metrics.m${i} > 1`);
    const text = many.join(" AND ");
    const e = errorOf(() => parseFilter(text));
    expect(e.message).toBe(`Too many conditions (at most 32) at position ${text.lastIndexOf("metrics.m32")}`);

    expect(parseFilter(`params.${"k".repeat(250)} = 1`)[0]?.key).toHaveLength(250);
    expect(errorOf(() => parseFilter(`params.${"k".repeat(251)} = 1`)).message).toBe("Key is longer than 250 characters at position 0");
    expect(errorOf(() => parseFilter(`tags.\`${"k".repeat(251)}\` = 'x'`)).message).toBe("Key is longer than 250 characters at position 0");

    const list = Array.from({ length: 1000 }, (_, i) => `'v${i}'`).join(",");
    expect((parseFilter(`tags.t IN (${list})`)[0]?.value as string[]).length).toBe(1000);
    expect(errorOf(() => parseFilter(`tags.t IN (${list}, 'x')`)).message).toMatch(/^Too many values in the IN list \(at most 1000\)/);

    expect(errorOf(() => parseFilter(`tags.t = '${"x".repeat(10_000)}'`)).message).toBe("Text is longer than 10000 characters at position 10000");
  });
});

describe("formatFilter round trip", () => {
  const tricky: Condition[] = [
    { kind: "tag", key: "note", op: "=", value: "it's a \"test\"" },
    { kind: "tag", key: "path", op: "LIKE", value: "C:\\runs\\%" },
    { kind: "tag", key: "esc", op: "=", value: "\\'" },
    { kind: "tag", key: "trail", op: "=", value: "ends with \\" },
    { kind: "tag", key: "empty", op: "!=", value: "" },
    { kind: "metric", key: "val loss", op: "<=", value: 1e-7 },
    { kind: "metric", key: "a`b\\c", op: ">", value: -1.5e300 },
    { kind: "metric", key: "train/loss", op: "<", value: 0.5 },
    { kind: "param", key: "hidden layers", op: "IN", value: ["[64, 32]", 3, "it's"] },
    { kind: "param", key: "lr", op: "NOT IN", value: [0.1, 0.01] },
    { kind: "param", key: "opt", op: "ILIKE", value: "%ADAM%" },
    { kind: "attribute", key: "status", op: "IN", value: ["failed", "cancelled"] },
    { kind: "attribute", key: "start_time", op: ">=", value: 1_767_225_600_000 },
    { kind: "attribute", key: "name", op: "=", value: "and or 'quoted' `ticks`" },
  ];

  it("parseFilter(formatFilter(f)) equals f, and formatting is stable", () => {
    const text = formatFilter(tricky);
    expect(parseFilter(text)).toEqual(tricky);
    expect(formatFilter(parseFilter(text))).toBe(text);
  });

  it("round-trips each condition alone", () => {
    for (const c of tricky) expect(parseFilter(formatFilter([c]))).toEqual([c]);
  });

  it("writes canonical text", () => {
    expect(formatFilter(parseFilter("params.lr<0.01 and metrics.`val loss`>=1 and status in ('failed') and tags.t like 'x''y'"))).toBe(
      "params.lr < 0.01 AND metrics.`val loss` >= 1 AND attributes.status IN ('failed') AND tags.t LIKE 'x''y'",
    );
    expect(formatFilter([])).toBe("");
  });

  it("round-trips random strings", () => {
    const alphabet = ["a", " ", "'", '"', "`", "\\", "%", "_", "(", ")", ",", "é", "\n"];
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 300; i++) {
      const str = (): string => Array.from({ length: Math.floor(rand() * 8) }, () => alphabet[Math.floor(rand() * alphabet.length)] as string).join("");
      const key = str() || "k";
      const c: Condition = { kind: "tag", key, op: "=", value: str() };
      expect(parseFilter(formatFilter([c]))).toEqual([c]);
    }
  });

  it("parsed conditions satisfy ZFilterCondition", () => {
    for (const c of parseFilter(formatFilter(tricky))) expect(ZFilterCondition.parse(c)).toEqual(c);
    expect(ZFilterCondition.safeParse({ kind: "run", key: "x", op: "=", value: 1 }).success).toBe(false);
  });
});

describe("parseOrderBy", () => {
  it("parses up to three terms with optional direction", () => {
    expect(parseOrderBy("metrics.auc DESC")).toEqual([{ kind: "metric", key: "auc", direction: "desc" }]);
    expect(parseOrderBy("params.lr")).toEqual([{ kind: "param", key: "lr", direction: "asc" }]);
    expect(parseOrderBy("attributes.start_time ASC")).toEqual([{ kind: "attribute", key: "start_time", direction: "asc" }]);
    expect(parseOrderBy("metrics.auc desc, params.lr, startedAt asc")).toEqual([
      { kind: "metric", key: "auc", direction: "desc" },
      { kind: "param", key: "lr", direction: "asc" },
      { kind: "attribute", key: "start_time", direction: "asc" },
    ]);
    expect(parseOrderBy("metrics.`val loss` Desc,tags.team")).toEqual([
      { kind: "metric", key: "val loss", direction: "desc" },
      { kind: "tag", key: "team", direction: "asc" },
    ]);
    expect(parseOrderBy("")).toEqual([]);
    expect(parseOrderBy("  ")).toEqual([]);
  });

  it("round-trips through formatOrderBy", () => {
    const terms = parseOrderBy("metrics.`val loss` DESC, params.lr, created_at desc");
    expect(formatOrderBy(terms)).toBe("metrics.`val loss` DESC, params.lr ASC, attributes.created_at DESC");
    expect(parseOrderBy(formatOrderBy(terms))).toEqual(terms);
  });

  it.each<[string, string, number]>([
    ["metrics.a, metrics.b, metrics.c, metrics.d", "Too many order-by terms (at most 3) at position 33", 33],
    ["metrics.auc, metrics.auc DESC", 'Duplicate order-by key "metrics.auc" at position 13', 13],
    ["start_time, startedAt", 'Duplicate order-by key "start_time" at position 12', 12],
    ["metrics.auc DESC ASC", 'Expected ASC, DESC, "," or the end after "metrics.auc", found "ASC" at position 17', 17],
    ["metrics.auc,", "Expected a key to order by, found the end of the text at position 12", 12],
    [", metrics.auc", 'Expected a key to order by, found "," at position 0', 0],
    ["metrics.auc DESC, 5", "Expected a key to order by, found the number 5 at position 18", 18],
    ["foo DESC", 'Unknown attribute "foo" at position 0', 0],
    ["x.y", 'Unknown key prefix "x" at position 0', 0],
    ["metrics.auc > 1", 'Expected ASC, DESC, "," or the end after "metrics.auc", found ">" at position 12', 12],
  ])("rejects %s", (text, message, position) => {
    const e = errorOf(() => parseOrderBy(text));
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.position).toBe(position);
  });
});
