import { describe, expect, it } from "vitest";
import { ColumnAccumulator, DISTINCT_EXACT_LIMIT, NUMBER_TEXT_LIMIT, numericBudget } from "./accumulator";
import { finishColumn } from "./finish";
import { canMergeColumn, capacityFor, columnState, mergeColumn, restoreColumn, roomFor } from "./merge";
import type { ColumnProfile } from "./types";
import { seededRandom } from "./testing";

/**
 * A column read in two parts and merged must be exactly the column read in one pass (or the
 * merge must refuse): same profile, and the same array capacity, budget grant and budget.
 */


function read(cells: readonly string[]): ColumnAccumulator {
  const acc = new ColumnAccumulator("x", numericBudget());
  for (const cell of cells) acc.addString(cell);
  return acc;
}

/** The profile read in one pass, and read in two parts split at `at` and merged (null when the
 * merge refuses). The second part goes through columnState and structuredClone, as it does
 * between threads. */
function bothWays(cells: readonly string[], at: number): { alone: ColumnProfile; merged: ColumnProfile | null } {
  const one = read(cells);
  const a = read(cells.slice(0, at));
  const b = restoreColumn("x", structuredClone(columnState(read(cells.slice(at)))));
  if (b === null || !canMergeColumn(a, b)) return { alone: finishColumn(one), merged: null };
  mergeColumn(a, b);
  expect([a.canNum, a.n, a.room, a.values.length, a.budget.stored]).toEqual([one.canNum, one.n, one.room, one.values.length, one.budget.stored]);
  return { alone: finishColumn(one), merged: finishColumn(a) };
}

function expectSame(cells: readonly string[], splits: readonly number[], mustMerge = true): void {
  for (const at of splits) {
    const { alone, merged } = bothWays(cells, at);
    if (mustMerge) expect(merged, `split at ${at}`).not.toBeNull();
    if (merged !== null) expect(merged, `split at ${at}`).toEqual(alone);
  }
}

const rand = seededRandom(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const gen = (n: number, cell: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => cell(i));
const splitsOf = (n: number): number[] => [0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 1, n];

describe("mergeColumn", () => {
  it("merges numeric columns exactly (values, decimals, non-finite, NA, non-canonical texts)", () => {
    const n = 20_000;
    expectSame(gen(n, () => String(Math.floor(rand() * 1e6) - 5e5)), splitsOf(n));
    expectSame(gen(n, () => ((rand() - 0.5) * 1e3).toFixed(1 + Math.floor(rand() * 5))), splitsOf(n));
    expectSame(gen(n, () => pick(["1.50", "007", "1e3", "-0", "inf", "-Infinity", "NA", "", "2", "+3", ".5", "1e309"])), splitsOf(n));
  });

  it("merges columns that turn into strings in either part", () => {
    const n = 10_000;
    const late = gen(n, (i) => (i < 7000 ? pick(["1", "2.50", "inf", "NA", "3e2"]) : pick(["x", "1", "y"])));
    expectSame(late, [0, 1, 3000, 6999, 7000, 7001, 9000, n]);
    const early = gen(n, (i) => (i < 500 ? pick(["a", "b"]) : pick(["1", "2.50", "inf", "NA", "-0"])));
    expectSame(early, [0, 250, 500, 501, 5000, n]);
    expectSame(gen(n, () => pick(["true", "False", "TRUE", "", "N/A"])), splitsOf(n));
    const dates = gen(n, () => `20${10 + Math.floor(rand() * 15)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`);
    expectSame(dates, splitsOf(n));
    expectSame([...dates.slice(0, 5000), "2020-01-01T10:00:00Z", "not a date", ...dates.slice(5000)], splitsOf(n));
  });

  it("merges value counts past the exact limit when the later part's values are in order", () => {
    const n = DISTINCT_EXACT_LIMIT + 30_000;
    const cells = gen(n, (i) => (i % 3 === 0 ? "common" : `id-${i}`));
    expectSame(cells, [90_000, DISTINCT_EXACT_LIMIT + 20_000]);
  });

  it("refuses where one pass lost texts of numbers that the later part kept", () => {
    // The first part keeps more than NUMBER_TEXT_LIMIT non-canonical texts (so one pass loses
    // them all); the second keeps one before the column turns into strings.
    const n = 3 * NUMBER_TEXT_LIMIT;
    const cells = [...gen(n, (i) => `${i}.50`), "7.50", "word"];
    expect(bothWays(cells, n).merged).toBeNull();
    expectSame(cells, [0, 1, n - 100, n + 1, n + 2], false);
    // Together the two parts keep more texts than one pass does.
    const both = [...gen(800, (i) => `${i}.50`), ...gen(400, (i) => `${i + 800}.50`), "word"];
    expect(bothWays(both, 800).merged).toBeNull();
    expectSame(both, [0, 500, 1150, 1200], false);
  });

  it("refuses a part past the memory budget (sampled)", () => {
    const b = new ColumnAccumulator("x", numericBudget(10_000));
    for (let i = 0; i < 20_000; i++) b.addString(String(i));
    expect(b.sampled).toBe(true);
    expect(restoreColumn("x", columnState(b))).toBeNull();
  });
});

describe("one pass's array capacity and budget grant", () => {
  it("follow the doubling from 256 and grants of at most 4096 values", () => {
    const acc = new ColumnAccumulator("x");
    for (let n = 1; n <= 50_000; n++) {
      acc.addString("1");
      if (n % 997 === 0 || n < 600) expect([acc.values.length, acc.room], `n = ${n}`).toEqual([capacityFor(n), roomFor(n)]);
    }
  });
});
