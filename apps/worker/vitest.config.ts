import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "worker",
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the files start workers, child processes and timers that expire jobs: one at a time keeps timings honest
    fileParallelism: false,
  },
});
