import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { REPO_ROOT, chromiumPath } from "./harness";

/** Builds the portal once (next build) and checks that Chromium is there. */
export default function setup(): void {
  if (!existsSync(chromiumPath())) {
    throw new Error(`Chromium not found at ${chromiumPath()}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  console.log("e2e: building the portal (next build)…");
  execFileSync("npm", ["run", "build", "-w", "@keel/web"], { cwd: REPO_ROOT, stdio: "inherit" });
}
