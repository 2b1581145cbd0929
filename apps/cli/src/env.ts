import path from "node:path";
import { z } from "zod";

/** The only file of the CLI that reads process.env. */
const ZCliEnv = z.object({
  /** Postgres: when set, the CLI talks to this database directly. */
  DATABASE_URL: z.string().url("must be a URL such as postgres://user:pass@host:5432/keel").optional(),
  /** The embedded database folder when DATABASE_URL is unset. */
  KEEL_DATA_DIR: z.string().min(1).default("./.keel"),
  /** Set by npm to the folder npm was started in (`npm run keel` runs the CLI in apps/cli). */
  INIT_CWD: z.string().min(1).optional(),
});

export interface CliEnv {
  databaseUrl: string | undefined;
  /** KEEL_DATA_DIR as an absolute path. A relative one is taken from where the user ran the command (INIT_CWD under npm). */
  dataDir: string;
}

export function cliEnv(): CliEnv {
  const empty = (v: string | undefined): string | undefined => (v === "" ? undefined : v);
  const e = ZCliEnv.parse({
    DATABASE_URL: empty(process.env.DATABASE_URL),
    KEEL_DATA_DIR: empty(process.env.KEEL_DATA_DIR),
    INIT_CWD: empty(process.env.INIT_CWD),
  });
  return { databaseUrl: e.DATABASE_URL, dataDir: path.resolve(e.INIT_CWD ?? process.cwd(), e.KEEL_DATA_DIR) };
}
