import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "cli",
    include: ["src/**/*.test.ts"],
    // The process-level tests spawn the real CLI (tsx + PGlite start-up) and open embedded databases.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
