import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript sources: Next compiles them with the app.
  transpilePackages: ["@keel/api", "@keel/auth", "@keel/db", "@keel/ml", "@keel/storage"],
  // Native, wasm or Node-specific packages are loaded with Node's own resolver, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "postgres",
    "pg-boss",
    "pg",
    "@aws-sdk/client-s3",
    "@aws-sdk/lib-storage",
    "busboy",
    "papaparse",
    "hyparquet",
    "hyparquet-compressors",
    "bloom-filters",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
