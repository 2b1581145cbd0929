/**
 * Numbers as the data pages show them. `en-US` grouping everywhere, so the server and the browser
 * render the same text (no hydration mismatch) whatever the machine's locale.
 */

const INTEGER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const SIGNIFICANT = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
const ONE_DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** "12,345": a count with thousands separators. */
export function formatCount(n: number | null | undefined, empty = "—"): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return empty;
  return INTEGER.format(n);
}

/**
 * A measured value with sensible precision: integers grouped ("1,250"), other values with four
 * significant digits ("14.13", "0.0628"), large ones with one decimal ("12,345.7") and very large
 * or very small ones in scientific notation ("2.50e-7").
 */
export function formatNumber(x: number | string | null | undefined, empty = "—"): string {
  if (x === null || x === undefined) return empty;
  if (typeof x === "string") return x;
  if (!Number.isFinite(x)) return empty;
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e12 || abs < 1e-4) return x.toExponential(2);
  if (Number.isInteger(x)) return INTEGER.format(x);
  if (abs >= 1000) return ONE_DECIMAL.format(x);
  return SIGNIFICANT.format(x);
}

const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/** "532 bytes", "12.4 KiB", "3.0 MiB" (binary units, as the upload limit is stated). */
export function formatBytes(bytes: number | null | undefined, empty = "—"): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return empty;
  if (bytes < 1024) return `${formatCount(bytes)} ${bytes === 1 ? "byte" : "bytes"}`;
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v).toString() : v.toFixed(1)} ${UNITS[u] ?? "KiB"}`;
}

/** A ratio as a percentage: "12.3%", "0%", "<0.1%" for a tiny non-zero share. */
export function formatPercent(ratio: number | null | undefined, empty = "—"): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return empty;
  if (ratio === 0) return "0%";
  const pct = ratio * 100;
  if (Math.abs(pct) < 0.1) return ratio > 0 ? "<0.1%" : ">−0.1%";
  if (Math.abs(pct - 100) < 0.05 && pct !== 100) return pct < 100 ? ">99.9%" : "100%";
  return `${pct.toFixed(1).replace(/\.0$/, "")}%`;
}

/** "+12", "−3", "0": a signed change (a real minus sign). */
export function formatDelta(n: number): string {
  if (n === 0) return "0";
  return n > 0 ? `+${formatCount(n)}` : `−${formatCount(-n)}`;
}

/** The first 12 hex digits of a content hash, as commits are shortened. */
export function shortSha(sha256: string): string {
  return sha256.slice(0, 12);
}

/** PSI to three decimals ("0.004"), or a dash when it could not be computed. */
export function formatPsi(psi: number | null | undefined): string {
  if (psi === null || psi === undefined || !Number.isFinite(psi)) return "—";
  return psi.toFixed(3);
}

/** "569 rows × 31 columns". */
export function formatShape(rows: number, columns: number): string {
  return `${formatCount(rows)} ${rows === 1 ? "row" : "rows"} × ${formatCount(columns)} ${columns === 1 ? "column" : "columns"}`;
}
