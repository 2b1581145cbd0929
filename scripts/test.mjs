#!/usr/bin/env node
/**
 * `npm test`: everything CI checks, in order, stopping at the first failing step.
 *
 *   1. typecheck   tsc --noEmit -p <workspace> for every workspace with a tsconfig.json
 *   2. lint        npm run lint (ESLint in each workspace via turbo, then dependency-cruiser)
 *   3. unit        vitest (root vitest.config.ts: projects packages/* and apps/*) on PGlite
 *   4. postgres    the same suite on Postgres, when KEEL_TEST_DATABASE_URL is set (or a local
 *                  server answers on 127.0.0.1:5432)
 *   5. e2e         vitest --root test (browser journeys; needs Chromium)
 *
 * The last line printed is always `N passed, M failed` (tests across every vitest run),
 * which CI's log reader looks for. Plain Node ESM, no dependencies.
 *
 * For local use: `node scripts/test.mjs --only unit-pglite,unit-postgres` or `--skip typecheck,lint`
 * (step ids: typecheck, lint, unit-pglite, unit-postgres, e2e).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const DEFAULT_CHROMIUM = "/usr/bin/chromium";
const reportDir = mkdtempSync(path.join(tmpdir(), "keel-test-"));

/** Test counts summed over every vitest run. */
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Per-step results for the recap. */
const recap = [];

// ------------------------------------------------------------------------------- helpers

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[39m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[39m` : s);
const yellow = (s) => (color ? `\x1b[33m${s}\x1b[39m` : s);

function header(n, title) {
  const line = `== [${n}/5] ${title} `;
  console.log(`\n${bold(line.padEnd(100, "="))}`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A local binary from node_modules/.bin (what `npx <name>` would run, minus npm's start-up). */
function bin(name) {
  const local = path.join(ROOT, "node_modules", ".bin", name);
  return existsSync(local) ? { cmd: local, pre: [] } : { cmd: "npx", pre: ["--no-install", name] };
}

/** Runs a command with inherited stdio; resolves to its exit code. */
function run(cmd, args, { env = process.env, cwd = ROOT } = {}) {
  console.log(`$ ${[path.relative(ROOT, cmd).startsWith("node_modules") ? path.basename(cmd) : cmd, ...args].join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: "inherit" });
    child.on("error", (err) => {
      console.error(red(`could not start ${cmd}: ${err.message}`));
      resolve(127);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a command, buffering its output (for parallel jobs); resolves to { code, output }. */
function capture(cmd, args, { env = process.env, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err) => resolve({ code: 127, output: `could not start ${cmd}: ${err.message}\n` }));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** The workspace folders named by the root package.json (`apps/*`, `packages/*`, `test`). */
function workspaces() {
  const { workspaces: patterns = [] } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const dirs = [];
  for (const pattern of patterns) {
    if (pattern.endsWith("/*")) {
      const parent = pattern.slice(0, -2);
      if (!existsSync(path.join(ROOT, parent))) continue;
      for (const name of readdirSync(path.join(ROOT, parent)).sort()) {
        const dir = path.join(parent, name);
        if (statSync(path.join(ROOT, dir)).isDirectory() && existsSync(path.join(ROOT, dir, "package.json"))) dirs.push(dir);
      }
    } else if (existsSync(path.join(ROOT, pattern, "package.json"))) {
      dirs.push(pattern);
    }
  }
  return dirs;
}

/** Environment without the given variables. */
function envWithout(...names) {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}

/**
 * Runs vitest with the default reporter on screen and the JSON reporter into a file, and adds
 * the counts to the totals. A run that fails without any failing test (a file that could not
 * be collected, an unhandled error, a crash before reporting) counts as one failed test, so
 * the summary line never reads "0 failed" for a red run.
 */
async function vitest(label, args, env) {
  const outFile = path.join(reportDir, `${label}.json`);
  rmSync(outFile, { force: true });
  const { cmd, pre } = bin("vitest");
  const code = await run(cmd, [...pre, "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${outFile}`], { env });

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let brokenFiles = 0;
  if (existsSync(outFile)) {
    try {
      const report = JSON.parse(readFileSync(outFile, "utf8"));
      passed = report.numPassedTests ?? 0;
      failed = report.numFailedTests ?? 0;
      skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
      brokenFiles = (report.testResults ?? []).filter(
        (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
      ).length;
    } catch (err) {
      console.error(red(`could not read the vitest JSON report ${outFile}: ${err.message}`));
    }
  } else {
    console.error(red(`vitest wrote no JSON report (${outFile}).`));
  }
  failed += brokenFiles;
  if (code !== 0 && failed === 0) failed = 1;
  if (brokenFiles > 0) console.log(yellow(`(${brokenFiles} test file(s) failed to load or run; each counts as one failure)`));

  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  console.log(`${label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return code;
}

function pgIsReady() {
  const r = spawnSync("pg_isready", ["-h", "127.0.0.1", "-p", "5432"], { stdio: "ignore" });
  return r.status === 0;
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

// ------------------------------------------------------------------------------- steps

async function typecheck() {
  const targets = workspaces().filter((dir) => existsSync(path.join(ROOT, dir, "tsconfig.json")));
  const without = workspaces().filter((dir) => !targets.includes(dir));
  if (without.length > 0) console.log(`no tsconfig.json (not typechecked): ${without.join(", ")}`);
  const { cmd, pre } = bin("tsc");
  const queue = [...targets];
  const results = new Map();
  const width = Math.max(1, Math.min(4, availableParallelism()));
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
        const started = performance.now();
        const result = await capture(cmd, [...pre, "--noEmit", "-p", dir]);
        results.set(dir, { ...result, ms: performance.now() - started });
      }
    }),
  );
  let failedCount = 0;
  for (const dir of targets) {
    const { code, output, ms } = results.get(dir);
    console.log(`${code === 0 ? green("ok  ") : red("FAIL")} tsc --noEmit -p ${dir} (${seconds(ms)})`);
    if (output.trim()) console.log(output.trimEnd().replace(/^/gm, "     "));
    if (code !== 0) failedCount++;
  }
  return failedCount === 0 ? 0 : 1;
}

async function lint() {
  return run("npm", ["run", "lint"]);
}

async function unitPglite() {
  // Force PGlite even when CI exported KEEL_TEST_DATABASE_URL for the Postgres pass.
  return vitest("unit-pglite", [], envWithout("KEEL_TEST_DATABASE_URL"));
}

async function unitPostgres() {
  let url = process.env.KEEL_TEST_DATABASE_URL;
  if (url) {
    console.log(`KEEL_TEST_DATABASE_URL is set: running the suite on ${redact(url)}`);
  } else if (pgIsReady()) {
    url = DEFAULT_PG_URL;
    console.log(
      `KEEL_TEST_DATABASE_URL is unset, but a Postgres server answers on 127.0.0.1:5432 (pg_isready): defaulting to ${url}`,
    );
  } else {
    console.log(yellow("SKIPPED: the Postgres pass was skipped because KEEL_TEST_DATABASE_URL is unset (and nothing answers pg_isready on 127.0.0.1:5432)."));
    return "skipped";
  }
  return vitest("unit-postgres", [], { ...process.env, KEEL_TEST_DATABASE_URL: url });
}

async function e2e() {
  const config = ["vitest.config.ts", "vitest.config.mts", "vitest.config.js", "vitest.config.mjs"].find((f) =>
    existsSync(path.join(ROOT, "test", f)),
  );
  if (!config) {
    console.log(yellow("SKIPPED: e2e was skipped because test/vitest.config.ts does not exist yet."));
    return "skipped";
  }
  const chromium = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (!existsSync(chromium)) {
    console.error(
      red(
        `Chromium not found at ${chromium}${process.env.CHROMIUM_PATH ? " (CHROMIUM_PATH)" : ""}. Install it with: apt-get install -y chromium (or point CHROMIUM_PATH at a Chromium binary).`,
      ),
    );
    return 1;
  }
  console.log(`Chromium: ${chromium}`);
  const before = totals.passed + totals.failed;
  // --passWithNoTests: the e2e workspace may exist before its first journey does.
  const code = await vitest("e2e", ["--root", "test", "--passWithNoTests"], { ...process.env, CHROMIUM_PATH: chromium });
  if (code === 0 && totals.passed + totals.failed === before) console.log(yellow("note: no e2e test files were found (test/e2e/**/*.test.ts)."));
  return code;
}

// ------------------------------------------------------------------------------- main

const steps = [
  ["typecheck", "typecheck (tsc --noEmit per workspace)", typecheck],
  ["lint", "lint (npm run lint: eslint via turbo + dependency-cruiser)", lint],
  ["unit-pglite", "unit + service tests on PGlite (vitest run)", unitPglite],
  ["unit-postgres", "unit + service tests on Postgres (KEEL_TEST_DATABASE_URL)", unitPostgres],
  ["e2e", "e2e browser journeys (vitest run --root test)", e2e],
];

/** `--only a,b` / `--skip a,b` (also `--only=a,b`). */
function stepFilter(argv) {
  const take = (flag) => {
    const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    const value = argv[i].includes("=") ? argv[i].slice(flag.length + 1) : argv[i + 1];
    return new Set((value ?? "").split(",").map((s) => s.trim()).filter(Boolean));
  };
  const only = take("--only");
  const skip = take("--skip") ?? new Set();
  const known = new Set(steps.map(([id]) => id));
  for (const id of [...(only ?? []), ...skip]) {
    if (!known.has(id)) {
      console.error(`unknown step "${id}" (steps: ${[...known].join(", ")})`);
      process.exit(2);
    }
  }
  return (id) => (only ? only.has(id) : true) && !skip.has(id);
}
const selected = stepFilter(process.argv.slice(2));

let failedStep;
const startedAll = performance.now();
console.log(`keel test: node ${process.version}, ${ROOT}`);
for (const [i, [id, title, fn]] of steps.entries()) {
  header(i + 1, title);
  if (!selected(id)) {
    console.log(yellow("SKIPPED: not selected (--only/--skip)."));
    recap.push({ id, status: "skipped", ms: 0 });
    continue;
  }
  const started = performance.now();
  let result;
  try {
    result = await fn();
  } catch (err) {
    console.error(red(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    result = 1;
  }
  const ms = performance.now() - started;
  const status = result === "skipped" ? "skipped" : result === 0 ? "ok" : "FAILED";
  recap.push({ id, status, ms });
  console.log(`-- ${id}: ${status === "ok" ? green(status) : status === "skipped" ? yellow(status) : red(status)} in ${seconds(ms)}`);
  if (status === "FAILED") {
    failedStep = id;
    break;
  }
}
for (const [id] of steps.slice(recap.length)) recap.push({ id, status: "not run", ms: 0 });

rmSync(reportDir, { recursive: true, force: true });

console.log(`\n${bold("== summary ".padEnd(100, "="))}`);
for (const { id, status, ms } of recap) console.log(`  ${id.padEnd(14)} ${status.padEnd(8)} ${ms ? seconds(ms) : ""}`);
console.log(`  total          ${seconds(performance.now() - startedAll)}`);
if (failedStep) console.log(red(`npm test FAILED at step "${failedStep}".`));
if (totals.skipped) console.log(`(${totals.skipped} test(s) skipped or todo)`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = failedStep ? 1 : 0;
