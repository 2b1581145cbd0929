import { defineConfig } from "vitest/config";

export default defineConfig({
  // next-auth imports `next/server` without an extension; let Vite resolve it instead of Node.
  test: { name: "auth", include: ["src/**/*.test.ts"], testTimeout: 30_000, server: { deps: { inline: ["next-auth", "@auth/core"] } } },
});
