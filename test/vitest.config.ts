import { defineConfig } from "vitest/config";

/** Browser and cross-app journeys: one built portal, started per file on its own data folder. */
export default defineConfig({
  test: {
    name: "e2e",
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
