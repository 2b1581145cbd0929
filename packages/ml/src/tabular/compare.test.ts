import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { compareVersions, type ColumnShift } from "./compare";
import { openTabular } from "./open";
import { profileSource } from "./profile";
import { binCounts, psi } from "./psi";
import { memorySource } from "./testing";
import type { Cell } from "./types";

const FILE = fileURLToPath(new URL("../../../../test/fixtures/datasets/breast-cancer.csv", import.meta.url));

async function referenceVersion() {
  return profileSource(await openTabular(FILE, { format: "csv" }));
}

/** breast-cancer.csv as rows of strings, header first. */
function table(): { header: string[]; rows: string[][] } {
  const [header, ...rows] = Papa.parse<string[]>(readFileSync(FILE, "utf8"), { skipEmptyLines: true }).data;
  if (header === undefined) throw new Error("empty fixture");
  return { header, rows };
}

async function currentVersion(header: string[], rows: Cell[][]) {
  const source = memorySource(header, rows, { batchSize: 100 });
  return { ...(await profileSource(source)), source };
}

function byName(columns: ColumnShift[], name: string): ColumnShift {
  const c = columns.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c;
}

describe("compareVersions", () => {
  it("finds no shift between a version and an identical copy", async () => {
    const ref = await referenceVersion();
    const { header, rows } = table();
    const result = await compareVersions(ref, await currentVersion(header, rows));
    expect(result.schemaDiff).toEqual({ added: [], removed: [], changed: [], reordered: false });
    expect(result.rowCount).toEqual({ reference: 569, current: 569, delta: 0 });
    expect(result.columns).toHaveLength(31);
    for (const c of result.columns) {
      expect(c, c.name).toMatchObject({ psi: 0, level: "stable" });
      expect(c.bins.map((b) => b.current)).toEqual(c.bins.map((b) => b.reference));
    }
    const radius = byName(result.columns, "mean radius");
    expect(radius.method).toBe("psi_numeric");
    expect(radius.bins).toHaveLength(22);
    expect(radius.bins[0]?.label).toBe("< 6.981");
    expect(radius.bins[20]?.label).toBe("[27.0536, 28.11]");
    expect(radius.bins[1]?.label).toBe("[6.981, 8.03745)");
    expect(radius.bins[21]?.label).toBe("> 28.11");
    expect(radius.bins.slice(1, 21).map((b) => b.reference)).toEqual(
      ref.profile.columns.find((c) => c.name === "mean radius")?.histogram?.counts,
    );
  });

  it("measures the shift of a changed copy over the reference bins", async () => {
    const ref = await referenceVersion();
    const { header, rows } = table();
    const radius = header.indexOf("mean radius");
    const texture = header.indexOf("mean texture");
    const diagnosis = header.indexOf("diagnosis");
    const area = header.indexOf("mean area");
    const keep = header.filter((_, i) => i !== area);
    // 500 rows; mean radius scaled by 1.3; 100 malignant rows relabelled benign; mean texture
    // turned into words; mean area dropped; a new column added.
    let relabelled = 0;
    const shifted: Cell[][] = rows.slice(0, 500).map((row, r) => {
      const out: Cell[] = row.map((cell, i) => {
        if (i === radius) return String(Number(cell) * 1.3);
        if (i === texture) return Number(cell) > 19 ? "high" : "low";
        if (i === diagnosis && cell === "malignant" && relabelled < 100) {
          relabelled++;
          return "benign";
        }
        return cell;
      });
      out.splice(area, 1);
      out.push(String(r % 3));
      return out;
    });
    const current = await currentVersion([...keep, "batch"], shifted);
    const result = await compareVersions(ref, current);

    expect(result.rowCount).toEqual({ reference: 569, current: 500, delta: -69 });
    expect(result.schemaDiff.added.map((c) => c.name)).toEqual(["batch"]);
    expect(result.schemaDiff.removed.map((c) => c.name)).toEqual(["mean area"]);
    expect(result.schemaDiff.changed).toEqual([
      {
        name: "mean texture",
        from: { name: "mean texture", type: "numeric", nullable: false },
        to: { name: "mean texture", type: "categorical", nullable: false },
      },
    ]);
    expect(result.columns.map((c) => c.name)).not.toContain("batch");

    // Numeric: the current counts are the scaled values binned on the reference edges.
    const r = byName(result.columns, "mean radius");
    const edges = ref.profile.columns.find((c) => c.name === "mean radius")?.histogram?.edges ?? [];
    const expected = binCounts(edges, shifted.map((row) => Number(row[radius])));
    expect(r.bins.map((b) => b.current)).toEqual(expected);
    expect(expected[21]).toBeGreaterThan(0); // values above the reference maximum land in the outer bin
    expect(r.psi).toBeCloseTo(psi(r.bins.map((b) => b.reference), expected), 15);
    expect(r.level).toBe("major");

    // Categorical: benign 357 → 357 + 100 − (rows dropped); by hand from the counts.
    const d = byName(result.columns, "diagnosis");
    const benign = shifted.filter((row) => row[diagnosis - 1] === "benign").length;
    expect(d.method).toBe("psi_categorical");
    expect(d.bins).toEqual([
      { label: "benign", reference: 357, current: benign },
      { label: "malignant", reference: 212, current: 500 - benign },
      { label: "(other)", reference: 0, current: 0 },
    ]);
    const [pe, pa] = [357 / 569, benign / 500];
    const byHand = (pa - pe) * Math.log(pa / pe) + (pe - pa) * Math.log((1 - pa) / (1 - pe));
    expect(d.psi).toBeCloseTo(byHand, 12);

    // Unchanged columns are stable; a type change is reported, not measured.
    expect(byName(result.columns, "worst radius").level).toBe("stable");
    expect(byName(result.columns, "mean texture")).toMatchObject({
      method: "none",
      psi: null,
      level: null,
      reason: "the type changed from numeric to categorical",
    });
  });

  it("does not read the current version when no column needs it", async () => {
    const ref = await referenceVersion();
    const current = await currentVersion(["other"], [["x"]]);
    const source = { ...current.source, batches: () => { throw new Error("should not stream"); } };
    const result = await compareVersions(ref, { ...current, source });
    expect(result.columns).toEqual([]);
    expect(result.schemaDiff.removed).toHaveLength(31);
  });
});
