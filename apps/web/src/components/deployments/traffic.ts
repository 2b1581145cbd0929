/**
 * Pure traffic-split logic of the deployment pages: the editor's client-side check (the same rules
 * as the server's `checkRoutes`, with the same field paths so server errors land on the same rows),
 * the split summaries shown in lists, and the default canary to promote.
 */

export type RouteMode = "live" | "shadow";

/** A stored route as the API returns it. */
export interface RouteView {
  version: number;
  mode: RouteMode;
  percent: number | null;
}

/** One row of the traffic editor, as typed: the version may be unset and the percent is text. */
export interface EditorRow {
  version: number | null;
  mode: RouteMode;
  percent: string;
}

/** A problem with the split, named like the server names it: `traffic`, `traffic.1.percent`. */
export interface SplitProblem {
  path: string;
  message: string;
}

export type SplitCheck = { ok: true; traffic: RouteView[] } | { ok: false; problems: SplitProblem[] };

export const MAX_ROUTES = 20;

/** Editor rows for the current traffic. */
export function toEditorRows(traffic: readonly RouteView[]): EditorRow[] {
  return traffic.map((r) => ({ version: r.version, mode: r.mode, percent: r.mode === "live" && r.percent !== null ? String(r.percent) : "" }));
}

/** The whole-percent percent typed in a row: a number, null when blank, NaN when not a whole number. */
export function parseWeight(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** Sum of the live weights typed so far (blank and invalid weights count as 0). */
export function liveTotal(rows: readonly EditorRow[]): number {
  return rows.reduce((sum, r) => {
    if (r.mode !== "live") return sum;
    const w = parseWeight(r.percent);
    return sum + (w !== null && Number.isFinite(w) ? w : 0);
  }, 0);
}

/**
 * Checks the editor's rows before they are sent: at least one route and one live route, a version
 * on every row and each version once, live weights whole percents from 1 to 100 summing to exactly
 * 100 (a lone live route left blank takes 100), shadow traffic without a percent (it is dropped).
 */
export function validateSplit(rows: readonly EditorRow[]): SplitCheck {
  const problems: SplitProblem[] = [];
  if (rows.length === 0) return { ok: false, problems: [{ path: "traffic", message: "Add at least one route." }] };
  if (rows.length > MAX_ROUTES) problems.push({ path: "traffic", message: `At most ${MAX_ROUTES} traffic.` });
  const live = rows.filter((r) => r.mode === "live");
  if (live.length === 0) problems.push({ path: "traffic", message: "At least one route must be live: shadow traffic only get a copy of the traffic, their answers are never returned." });
  const seen = new Map<number, number>();
  const traffic: RouteView[] = [];
  let weightProblem = false;
  rows.forEach((r, i) => {
    if (r.version === null) {
      problems.push({ path: `traffic.${i}.version`, message: "Choose a version." });
    } else {
      const first = seen.get(r.version);
      if (first !== undefined) problems.push({ path: `traffic.${i}.version`, message: `Version ${r.version} is already routed (row ${first + 1}).` });
      else seen.set(r.version, i);
    }
    if (r.mode === "shadow") {
      traffic.push({ version: r.version ?? 0, mode: "shadow", percent: null });
      return;
    }
    let percent = parseWeight(r.percent);
    if (percent === null && live.length === 1) percent = 100;
    if (percent === null) {
      weightProblem = true;
      problems.push({ path: `traffic.${i}.percent`, message: "Give a percent (whole percent) to every live route." });
    } else if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      weightProblem = true;
      problems.push({ path: `traffic.${i}.percent`, message: "A live percent is a whole percent from 1 to 100 (remove the route or make it shadow instead of 0)." });
    }
    traffic.push({ version: r.version ?? 0, mode: "live", percent });
  });
  if (live.length > 0 && !weightProblem) {
    const sum = traffic.filter((r) => r.mode === "live").reduce((s, r) => s + (r.percent ?? 0), 0);
    if (sum !== 100) problems.push({ path: "traffic", message: `Live weights must sum to exactly 100% (they sum to ${sum}%).` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, traffic };
}

/** The problems of row `i` (paths `traffic.i` and `traffic.i.*`). */
export function rowProblems(problems: readonly SplitProblem[], i: number): SplitProblem[] {
  const prefix = `traffic.${i}`;
  return problems.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}.`));
}

/** The problems that belong to no row (`traffic`, `deployment`, …). */
export function splitWideProblems(problems: readonly SplitProblem[]): SplitProblem[] {
  return problems.filter((p) => !/^traffic\.\d+(\.|$)/.test(p.path));
}

/** "v2 90% · v3 10%": the live split, in route order. */
export function liveSummary(traffic: readonly RouteView[]): string {
  const live = traffic.filter((r) => r.mode === "live");
  if (live.length === 0) return "no live route";
  return live.map((r) => `v${r.version} ${r.percent ?? 0}%`).join(" · ");
}

/** "v4, v5" or "" when nothing is shadowed. */
export function shadowSummary(traffic: readonly RouteView[]): string {
  return traffic
    .filter((r) => r.mode === "shadow")
    .map((r) => `v${r.version}`)
    .join(", ");
}

/** "v2 90% · v3 10% · shadow v4": the whole split on one line. */
export function splitSummary(traffic: readonly RouteView[]): string {
  const shadow = shadowSummary(traffic);
  return shadow ? `${liveSummary(traffic)} · shadow ${shadow}` : liveSummary(traffic);
}

/** The live route taking the most traffic (ties → the first): whose signature the "try it" form uses. */
export function primaryRoute<R extends RouteView>(traffic: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const r of traffic) {
    if (r.mode !== "live") continue;
    if (!best || (r.percent ?? 0) > (best.percent ?? 0)) best = r;
  }
  return best;
}

/**
 * The version "Promote" offers by default: the canary — among the traffic other than the primary
 * one, the newest version (a live canary before a shadow of the same number cannot happen: versions
 * appear once). Undefined when the deployment already sends 100% to a single version.
 */
export function defaultCanary(traffic: readonly RouteView[]): number | undefined {
  const primary = primaryRoute(traffic);
  const others = traffic.filter((r) => r !== primary);
  if (others.length === 0) return undefined;
  return Math.max(...others.map((r) => r.version));
}

/** Whether "Promote" can do anything: more than one route, or a lone route that is not 100% live. */
export function canPromote(traffic: readonly RouteView[]): boolean {
  return !(traffic.length === 1 && traffic[0]?.mode === "live");
}

export interface PromoteOption {
  version: number;
  /** Already one of the traffic (promote), or not (the traffic is set to it alone). */
  routed: boolean;
  label: string;
}

/**
 * What "Promote to 100%" offers: every routed version but a lone live one (it already has 100%),
 * then the versions not routed yet that may take live traffic here, newest first.
 */
export function promoteOptions(traffic: readonly RouteView[], deployable: readonly { version: number; liveAllowed: boolean }[]): PromoteOption[] {
  const routed = canPromote(traffic) ? traffic.map((r) => ({ version: r.version, routed: true, label: `v${r.version} (${r.mode === "live" ? `${r.percent ?? 0}%` : "shadow"})` })) : [];
  const taken = new Set(traffic.map((r) => r.version));
  const others = deployable
    .filter((v) => v.liveAllowed && !taken.has(v.version))
    .sort((a, b) => b.version - a.version)
    .map((v) => ({ version: v.version, routed: false, label: `v${v.version} (not routed)` }));
  return [...routed, ...others];
}

/** The version "Promote" starts with: the canary when there is one, else the newest version not routed. */
export function defaultPromoteVersion(traffic: readonly RouteView[], options: readonly PromoteOption[]): number | undefined {
  const canary = defaultCanary(traffic);
  if (canary !== undefined && options.some((o) => o.version === canary)) return canary;
  return options.find((o) => !o.routed)?.version ?? options[0]?.version;
}
