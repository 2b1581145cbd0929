// @ts-check
/**
 * The architecture boundaries of DESIGN.md, as dependency-cruiser rules. Run by the root
 * `npm run lint` (`depcruise apps packages test --config .dependency-cruiser.cjs`).
 *
 * How modules resolve: workspace packages are symlinks in node_modules/@keel/* whose
 * package.json `exports` point straight at .ts sources. With `exportsFields` + `conditionNames`
 * set and symlinks followed (the default), `import "@keel/db/schema"` resolves to
 * `packages/db/src/schema/index.ts`, so every rule below can be written on real paths
 * (`^packages/db/`, `^apps/worker/`) and catches both `@keel/...` and relative imports.
 * `not-to-unresolvable` makes a broken resolution (or a typo) fail loudly instead of
 * silently letting an import slip past the boundary rules.
 */
const fs = require("node:fs");
const path = require("node:path");

/** A module in packages/db, or an import of @keel/db that could not be resolved to it. */
const DB = ["^packages/db/", "^@keel/db(/|$)"];
const API = ["^packages/api/", "^@keel/api(/|$)"];
const AUTH = ["^packages/auth/", "^@keel/auth(/|$)"];
const TRPC = ["(^|/)node_modules/@trpc/", "^@trpc/"];
const ANY_APP = ["^apps/", "^@keel/(web|worker|serve|cli)(/|$)"];
const LAUNCHER = "^apps/web/server[.]ts$";
const TEST_FILE = "([.](test|spec)[.][cm]?[jt]sx?$)|(^test/)|(/test/)|(/__tests__/)";

/**
 * Path aliases (tsconfig `paths`, e.g. apps/web maps `~/*` to `./src/*`).
 *
 * dependency-cruiser takes a single tsconfig, and its paths plugin resolves the mappings
 * against the *cwd* when that tsconfig has no `baseUrl` (which modern tsconfigs shouldn't
 * need). So: collect the `paths` of every workspace tsconfig, make their targets absolute,
 * and write one small generated tsconfig under node_modules/.cache for the cruise.
 * An alias declared by two workspaces with different targets cannot be told apart by file
 * location here: the first one (apps/web first) wins and a warning is printed.
 * Without any `paths`, no tsconfig is needed: relative imports and workspace packages
 * resolve through node_modules.
 */
function generatedPathsTsConfig() {
  let ts;
  try {
    ts = require("typescript");
  } catch {
    return undefined;
  }
  const workspaceDirs = ["apps", "packages"]
    .flatMap((parent) => safeReaddir(path.join(__dirname, parent)).map((d) => path.join(__dirname, parent, d)))
    .concat(path.join(__dirname, "test"))
    .sort((a, b) => Number(b === path.join(__dirname, "apps", "web")) - Number(a === path.join(__dirname, "apps", "web")));

  /** @type {Record<string, string[]>} */
  const paths = {};
  const owner = {};
  for (const dir of workspaceDirs) {
    // Absolute: TypeScript resolves `extends` wrongly against a relative config path.
    const file = path.join(dir, "tsconfig.json");
    if (!fs.existsSync(file)) continue;
    const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const options = parsed?.options;
    if (!options?.paths) continue;
    const base = options.baseUrl ?? options.pathsBasePath ?? dir;
    for (const [alias, targets] of Object.entries(options.paths)) {
      const absolute = targets.map((t) => path.resolve(String(base), t));
      if (paths[alias] && JSON.stringify(paths[alias]) !== JSON.stringify(absolute)) {
        process.stderr.write(
          `dependency-cruiser: path alias "${alias}" is declared by both ${owner[alias]} and ${path.relative(__dirname, dir)}; resolving it for ${owner[alias]} only. Prefer distinct aliases.\n`,
        );
        continue;
      }
      paths[alias] = absolute;
      owner[alias] = path.relative(__dirname, dir);
    }
  }
  if (Object.keys(paths).length === 0) return undefined;

  const cacheDir = path.join(__dirname, "node_modules", ".cache", "keel-depcruise");
  const stub = path.join(cacheDir, "stub.ts");
  const file = path.join(cacheDir, "tsconfig.json");
  const content = JSON.stringify(
    {
      extends: path.join(__dirname, "tsconfig.base.json"),
      compilerOptions: { baseUrl: __dirname, paths, jsx: "preserve" },
      files: [stub],
    },
    null,
    2,
  );
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    if (!fs.existsSync(stub)) fs.writeFileSync(stub, "export {};\n");
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== content) fs.writeFileSync(file, content);
  } catch (err) {
    process.stderr.write(`dependency-cruiser: could not write ${file} (${String(err)}); path aliases will not resolve.\n`);
    return undefined;
  }
  return file;
}

function safeReaddir(dir) {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

const tsConfigFile = generatedPathsTsConfig();

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // ---------------------------------------------------------------- the map (DESIGN.md)
    {
      name: "ml-storage-not-to-db",
      severity: "error",
      comment: "packages/ml and packages/storage know nothing of the database: pass plain data in, get plain data out.",
      from: { path: "^packages/(ml|storage)/" },
      to: { path: DB },
    },
    {
      name: "ml-storage-not-to-api",
      severity: "error",
      comment: "packages/ml and packages/storage sit below packages/api: the services call them, never the other way round.",
      from: { path: "^packages/(ml|storage)/" },
      to: { path: API },
    },
    {
      name: "db-not-to-trpc-api-auth",
      severity: "error",
      comment: "packages/db knows nothing of tRPC, of the services (packages/api) or of auth (packages/auth depends on db, not the reverse).",
      from: { path: "^packages/db/" },
      to: { path: [...TRPC, ...API, ...AUTH] },
    },
    {
      name: "packages-not-to-apps",
      severity: "error",
      comment: "Nothing imports an app: shared code lives in packages/, apps only compose it.",
      from: { path: "^packages/" },
      to: { path: ANY_APP },
    },
    {
      name: "apps-not-to-other-apps",
      severity: "error",
      comment:
        "An app never imports another app; move the shared code into a package. (Only apps/web/server.ts, the embedded launcher, may compose worker and serve.)",
      from: { path: "^apps/([^/]+)/", pathNot: LAUNCHER },
      to: { path: ANY_APP, pathNot: ["^apps/$1/", "^@keel/$1(/|$)"] },
    },
    {
      name: "launcher-only-to-worker-and-serve",
      severity: "error",
      comment: "apps/web/server.ts (the embedded launcher) may host apps/worker and apps/serve, and nothing else from another app.",
      from: { path: LAUNCHER },
      to: { path: ANY_APP, pathNot: ["^apps/(web|worker|serve)/", "^@keel/(worker|serve)(/|$)"] },
    },
    {
      name: "web-not-to-db",
      severity: "error",
      comment:
        "UI code never touches the database: pages, route handlers and actions go through the services in @keel/api. (apps/web/server.ts, the embedded launcher, owns the database and is the one exception.)",
      from: { path: "^apps/web/", pathNot: LAUNCHER },
      to: { path: DB },
    },

    // ---------------------------------------------------------------- hygiene
    {
      name: "no-circular",
      severity: "error",
      comment:
        "This module is part of an import cycle. Break it (move the shared piece down a layer, or invert the dependency). Cycles made only of `import type` are ignored: they vanish at runtime.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "This import cannot be resolved to a file. If it's an npm package, add it to the workspace's package.json and npm install; otherwise fix the path.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-non-package-json",
      severity: "error",
      comment:
        "This workspace imports an npm package its package.json does not declare (it only works because npm hoisted it). Add it to the workspace's dependencies.",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "not-to-test",
      severity: "error",
      comment: "Production code must not import test files or test helpers folders.",
      from: { pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment:
        "Production code imports an npm package that is only a devDependency: declare it in `dependencies` of this workspace's package.json (type-only imports are fine).",
      from: { path: "^(apps|packages)/[^/]+/src/", pathNot: TEST_FILE },
      to: {
        dependencyTypes: ["npm-dev"],
        // "npm" too: with combinedDependencies a package declared by the workspace AND as a
        // root devDependency (drizzle-orm) carries both types and is fine.
        dependencyTypesNot: ["type-only", "npm"],
        pathNot: ["node_modules/@types/"],
      },
    },
    {
      name: "no-deprecated-core",
      severity: "error",
      comment: "A deprecated Node core module is used; Node documents the replacement.",
      from: {},
      to: {
        dependencyTypes: ["core"],
        path: ["^punycode$", "^domain$", "^constants$", "^sys$", "^_linklist$", "^_stream_wrap$"],
      },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules"] },
    exclude: {
      // Anchored on workspace folders: an unanchored "dist/" would also drop every dependency
      // that resolves into node_modules/<pkg>/dist/ (@trpc/server, vitest...) and blind the rules.
      path: [
        "^(apps|packages)/[^/]+/([.]next|dist|build|coverage|[.]turbo|drizzle)/",
        "^test/(test-results|coverage)/",
        "(^|/)next-env[.]d[.]ts$",
      ],
    },
    moduleSystems: ["es6", "cjs"],
    // Count `import type` too: "packages/db knows nothing of tRPC" includes its types.
    tsPreCompilationDeps: true,
    // Merge each workspace's package.json with the root one, so the root devDependencies
    // (vitest, tsx, drizzle-kit...) are known to the workspaces' tests and configs.
    combinedDependencies: true,
    ...(tsConfigFile ? { tsConfig: { fileName: tsConfigFile } } : {}),
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "module", "node", "default", "require"],
      extensions: [".ts", ".tsx", ".mts", ".cts", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: {
        collapsePattern: "^(?:packages|apps)/[^/]+|^test/[^/]+|node_modules/(?:@[^/]+/[^/]+|[^/]+)",
      },
      dot: { collapsePattern: "node_modules/(?:@[^/]+/[^/]+|[^/]+)" },
    },
  },
};
