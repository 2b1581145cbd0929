/** The pure traffic rules: checking a split and choosing the live version by weight. */
import { describe, expect, it } from "vitest";
import { seededRandom } from "@keel/ml/testing";
import { checkRoutes, routeRequest } from "./routing";

const paths = (r: ReturnType<typeof checkRoutes>): string[] => (r.ok ? [] : r.problems.map((p) => p.path));

describe("checkRoutes", () => {
  it("accepts a 90/10 canary with a shadow, and a lone live route without a weight as 100", () => {
    expect(checkRoutes([{ version: 1, mode: "live", percent: 90 }, { version: 2, mode: "live", percent: 10 }, { version: 3, mode: "shadow" }])).toEqual({
      ok: true,
      routes: [
        { version: 1, mode: "live", weight: 90 },
        { version: 2, mode: "live", weight: 10 },
        { version: 3, mode: "shadow", weight: null },
      ],
    });
    expect(checkRoutes([{ version: 4, mode: "live" }])).toEqual({ ok: true, routes: [{ version: 4, mode: "live", weight: 100 }] });
  });

  it("names the field of every broken rule", () => {
    expect(paths(checkRoutes([{ version: 1, mode: "live", percent: 90 }]))).toEqual(["traffic"]);
    expect(paths(checkRoutes([{ version: 1, mode: "live", percent: 60 }, { version: 2, mode: "live", percent: 50 }]))).toEqual(["traffic"]);
    expect(paths(checkRoutes([{ version: 1, mode: "shadow" }]))).toEqual(["traffic"]);
    expect(paths(checkRoutes([{ version: 1, mode: "live", percent: 100 }, { version: 1, mode: "shadow" }]))).toEqual(["traffic.1.version"]);
    expect(paths(checkRoutes([{ version: 1, mode: "live", percent: 100 }, { version: 2, mode: "shadow", percent: 5 }]))).toEqual(["traffic.1.percent"]);
    expect(paths(checkRoutes([{ version: 1, mode: "live" }, { version: 2, mode: "live", percent: 10 }]))).toEqual(["traffic.0.percent"]);
    expect(paths(checkRoutes([{ version: 1, mode: "live", percent: 100 }, { version: 2, mode: "live", percent: 0 }]))).toEqual(["traffic.1.percent"]);
    expect(paths(checkRoutes([{ version: 1, mode: "live", percent: 99.5 }, { version: 2, mode: "live", percent: 0.5 }]))).toEqual(["traffic.0.percent", "traffic.1.percent"]);
  });
});

describe("routeRequest", () => {
  const routes = [
    { version: 1, mode: "live" as const, weight: 90 },
    { version: 2, mode: "live" as const, weight: 10 },
    { version: 3, mode: "shadow" as const, weight: null },
  ];

  it("splits 10,000 draws of a 90/10 canary within ±2 points and lists the shadow every time", () => {
    const random = seededRandom(42);
    let v2 = 0;
    for (let i = 0; i < 10_000; i++) {
      const d = routeRequest(routes, random);
      if (d.live.version === 2) v2++;
      else expect(d.live.version).toBe(1);
      expect(d.shadows.map((s) => s.version)).toEqual([3]);
    }
    expect(Math.abs(v2 / 100 - 10)).toBeLessThanOrEqual(2);
  });

  it("maps the random number onto the cumulative weights, never picks a shadow, and refuses a split without a live route", () => {
    expect(routeRequest(routes, () => 0).live.version).toBe(1);
    expect(routeRequest(routes, () => 0.8999).live.version).toBe(1);
    expect(routeRequest(routes, () => 0.9).live.version).toBe(2);
    expect(routeRequest(routes, () => 0.999999).live.version).toBe(2);
    expect(routeRequest([{ version: 7, mode: "live", weight: 100 }], () => 0.5)).toEqual({ live: { version: 7, mode: "live", weight: 100 }, shadows: [] });
    expect(() => routeRequest([{ version: 3, mode: "shadow", weight: null }], () => 0.5)).toThrow(/live route/);
  });
});
