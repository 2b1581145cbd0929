/**
 * Pure traffic rules of a deployment, shared by the services and (later) the serving layer:
 * checking a traffic split and choosing which version answers a request. No database here.
 */

export interface RouteLike {
  version: number;
  mode: "live" | "shadow";
  weight: number | null;
}

export interface RouteProblem {
  path: string;
  message: string;
}

/** A requested route once defaults are applied (a lone live route without a weight takes 100). */
export interface NormalizedRoute {
  version: number;
  mode: "live" | "shadow";
  weight: number | null;
}

/**
 * Checks a traffic split: at least one live route, live weights whole percents ≥ 1 summing to
 * exactly 100, shadow routes without a weight, each version at most once. A single live route
 * given without a weight takes 100. Returns the normalized routes or the problems, each naming
 * its field as the API names it (`traffic.1.percent`).
 */
export function checkRoutes(routes: readonly { version: number; mode: "live" | "shadow"; percent?: number | null | undefined }[]): { ok: true; routes: NormalizedRoute[] } | { ok: false; problems: RouteProblem[] } {
  const problems: RouteProblem[] = [];
  const live = routes.filter((r) => r.mode === "live");
  if (live.length === 0) problems.push({ path: "traffic", message: "at least one live route is required (shadow routes only get a copy of the traffic)" });
  const seen = new Map<number, number>();
  const out: NormalizedRoute[] = [];
  routes.forEach((r, i) => {
    const first = seen.get(r.version);
    if (first !== undefined) problems.push({ path: `traffic.${i}.version`, message: `version ${r.version} appears more than once (also traffic.${first})` });
    else seen.set(r.version, i);
    if (r.mode === "shadow") {
      if (r.percent !== undefined && r.percent !== null) problems.push({ path: `traffic.${i}.percent`, message: "a shadow route takes no percent: it gets a copy of every request" });
      out.push({ version: r.version, mode: "shadow", weight: null });
      return;
    }
    let weight = r.percent ?? null;
    if (weight === null && live.length === 1) weight = 100;
    if (weight === null) {
      problems.push({ path: `traffic.${i}.percent`, message: "a live route needs a percent (whole number) when there are several live routes" });
    } else if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
      problems.push({ path: `traffic.${i}.percent`, message: "must be a whole percent from 1 to 100 for a live route (drop the route or make it shadow)" });
    }
    out.push({ version: r.version, mode: "live", weight });
  });
  const sum = out.filter((r) => r.mode === "live").reduce((s, r) => s + (r.weight ?? 0), 0);
  if (live.length > 0 && problems.every((p) => !p.path.endsWith(".percent")) && sum !== 100) {
    problems.push({ path: "traffic", message: `live percents must sum to exactly 100 (they sum to ${sum})` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, routes: out };
}

export interface RoutingDecision<R extends RouteLike> {
  /** The live route that answers the request. */
  live: R;
  /** Shadow routes that get a copy (their answers are logged, never returned). */
  shadows: R[];
}

/**
 * Chooses the live route answering one request by weight: `random()` in [0, 1) is laid over the
 * cumulative live weights in route order. Shadow routes are all listed. Throws when there is no
 * live route (a stored revision always has one).
 */
export function routeRequest<R extends RouteLike>(routes: readonly R[], random: () => number): RoutingDecision<R> {
  const live = routes.filter((r) => r.mode === "live" && (r.weight ?? 0) > 0);
  const shadows = routes.filter((r) => r.mode === "shadow");
  const last = live[live.length - 1];
  if (!last) throw new Error("a deployment needs at least one live route");
  const total = live.reduce((s, r) => s + (r.weight ?? 0), 0);
  const x = random() * total;
  let acc = 0;
  for (const r of live) {
    acc += r.weight ?? 0;
    if (x < acc) return { live: r, shadows };
  }
  return { live: last, shadows };
}
