import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript sources: Next compiles them with the app.
  transpilePackages: ["@keel/api", "@keel/auth", "@keel/db"],
  // Native, wasm or Node-specific packages are loaded with Node's own resolver, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "postgres",
    "pg-boss",
    "pg",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
