import { defineConfig } from "vitest/config";

/**
 * Root Vitest config: unit and service tests of every package and app, in one run
 * (`npx vitest run` here; `node scripts/test.mjs` runs it once on PGlite and once on Postgres).
 *
 * Every folder in packages/* and apps/* is a project. A folder with its own vitest.config.ts
 * uses it (name, include, timeouts, setup files); one without gets Vitest's defaults. The
 * browser journeys in test/ are NOT a project here: they run separately with
 * `npx vitest run --root test`.
 *
 * Only options that Vitest applies to the whole run belong here (reporters, passWithNoTests,
 * coverage...); per-project options (include, environment, timeouts) go in each project's config.
 */
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
    // An app or package with no test files yet must not fail the run.
    passWithNoTests: true,
  },
});
