// @ts-check
/**
 * Keel's one ESLint config (flat, ESLint 9 + typescript-eslint 8, type-aware).
 *
 * Turbo runs `npm run lint` (= `eslint src`) inside each workspace; ESLint 9 looks for
 * eslint.config.js from the cwd upwards, finds this file, and resolves every `files` /
 * `ignores` glob below relative to THIS folder (the repo root), so `apps/web/**` means the
 * same thing whether eslint runs here or in apps/web.
 *
 * Type information comes from the TypeScript project service: each file is checked with the
 * nearest tsconfig.json (every workspace has one extending tsconfig.base.json). A .ts file
 * that no tsconfig includes is reported as "not found by the project service": add it to
 * that workspace's tsconfig `include`, don't silence it here.
 */
import eslint from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const JS_FILES = ["**/*.{js,jsx,mjs,cjs}"];

/** Files allowed to read `process.env`: the zod-validated env.ts of each app/package, plus tests, scripts, CI and tool configs. */
const ENV_ALLOWED = [
  "**/env.ts",
  "**/*.test.{ts,tsx,mts}",
  "**/*.spec.{ts,tsx,mts}",
  "test/**",
  "**/test/**",
  "**/__tests__/**",
  "scripts/**",
  "**/scripts/**",
  ".ci/**",
  "**/*.config.{ts,mts,cts,js,mjs,cjs}",
];

const ENV_MESSAGE =
  "Read configuration through the zod-validated env.ts of this app/package (e.g. dbEnv()), not process.env directly.";

const DB_IN_WEB_MESSAGE =
  "apps/web must not touch the database: pages, route handlers and actions go through the services in @keel/api (only apps/web/server.ts, the embedded launcher, owns the database).";

export default defineConfig(
  globalIgnores([
    "**/node_modules/**",
    "**/.next/**",
    "**/dist/**",
    "**/build/**",
    "**/coverage/**",
    "**/.turbo/**",
    "**/.keel/**",
    "**/test-results/**",
    "**/drizzle/**",
    "**/next-env.d.ts",
  ]),

  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,

  {
    name: "keel/base",
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.node },
      parserOptions: {
        // Type-aware linting through the TS project service (nearest tsconfig.json per file).
        // Root-level config files belong to no workspace tsconfig: they get a default project.
        projectService: {
          allowDefaultProject: ["*.config.ts", "*.config.mts"],
          defaultProject: "tsconfig.base.json",
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // --- House rules (DESIGN.md: no `any`, no `!`) ---
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",

      // --- process.env only in env.ts (exceptions in keel/env-allowed below) ---
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: ENV_MESSAGE },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.type='MemberExpression'][object.property.name='process'][property.name='env']",
          message: ENV_MESSAGE,
        },
        {
          selector: "ImportDeclaration[source.value=/^(node:)?process$/] ImportSpecifier[imported.name='env']",
          message: ENV_MESSAGE,
        },
      ],

      // --- Tuned to be useful, not noisy ---
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // Services are `async (ctx, input) => result` by contract even when a branch doesn't await.
      "@typescript-eslint/require-await": "off",
      // Allow `onClick={async () => ...}` and `void`-returning callbacks in JSX attributes.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: true }],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      eqeqeq: ["error", "smart"],
      "no-console": "off",
      "prefer-const": "error",
    },
  },

  // Plain JS (.mjs build scripts, bin launchers, this file): no type information, so no type-aware rules.
  {
    name: "keel/js-untyped",
    files: JS_FILES,
    extends: [tseslint.configs.disableTypeChecked],
    rules: {
      "@typescript-eslint/consistent-type-imports": "off",
      "@typescript-eslint/switch-exhaustiveness-check": "off",
    },
  },

  {
    name: "keel/commonjs",
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },

  // Tests: vitest's `expect(obj.method)` and mock helpers trip unbound-method.
  {
    name: "keel/tests",
    files: ["**/*.test.{ts,tsx,mts}", "**/*.spec.{ts,tsx,mts}", "test/**/*.{ts,tsx,mts}"],
    rules: {
      "@typescript-eslint/unbound-method": "off",
    },
  },

  // apps/web never imports the database: it goes through @keel/api services.
  {
    name: "keel/web-no-db",
    files: ["apps/web/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"],
    ignores: ["apps/web/server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@keel/db", message: DB_IN_WEB_MESSAGE }],
          patterns: [{ group: ["@keel/db/*"], message: DB_IN_WEB_MESSAGE }],
        },
      ],
    },
  },

  // Where process.env may be read.
  {
    name: "keel/env-allowed",
    files: ENV_ALLOWED,
    rules: {
      "no-restricted-properties": "off",
      "no-restricted-syntax": "off",
    },
  },
);
