/** Helpers shared by the tests (real folders, a real in-process S3 server; no mocks). */
import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type S3ConnectionOptions, createArtifactStore } from "../config";
import type { ArtifactStore } from "../types";

export const BUCKET = "keel-test";

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function freshDir(label: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `keel-storage-${label}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Every entry below `dir` as "relative/path type size", sorted; [] if `dir` does not exist. */
export async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(current: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(current);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(current, name);
      const info = await lstat(full);
      const type = info.isDirectory() ? "dir" : info.isSymbolicLink() ? "link" : "file";
      out.push(`${path.relative(dir, full)} ${type} ${info.isDirectory() ? 0 : info.size}`);
      if (info.isDirectory()) await walk(full);
    }
  }
  await walk(dir);
  return out.sort();
}

export async function listNames(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface S3TestServer {
  s3: S3ConnectionOptions & { endpoint: string };
  client: S3Client;
  listKeys(prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** s3rver on 127.0.0.1, a random port and a fresh folder, with the bucket "keel-test". */
export async function startS3rver(): Promise<S3TestServer> {
  const directory = await freshDir("s3rver");
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const address = await server.run();
  const s3 = {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  const client = new S3Client({
    ...s3,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    s3,
    client,
    async listKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
        for (const item of page.Contents ?? []) if (item.Key !== undefined) keys.push(item.Key);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async close() {
      client.destroy();
      await server.close();
      await removeDir(directory);
    },
  };
}

const HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/**
 * Keys that must never reach the filesystem or the bucket: MLflow's artifact CVE inputs
 * (docs/reference "Artifact and URI handling") and their neighbours.
 */
export const HOSTILE_KEYS: readonly string[] = [
  "../x",
  "..%2fx",
  "%2e%2e%2f",
  "%252e%252e%252f",
  "%25252e%25252e%25252f",
  "..\\x",
  "..%5cx",
  "..;/x",
  "/etc/passwd",
  "C:\\x",
  "C:/x",
  "\\\\host\\x",
  "\\\\?\\C:\\x",
  "x\0",
  "\0",
  "x%00",
  "x%00.png",
  "file:///etc/",
  "//proc/self/root",
  "http:///?/../../",
  "http:///#/../../",
  "a%23/../../",
  "s3://b/../other",
  "..%c0%af",
  "%u002e%u002e%u002f",
  "%",
  "%zz",
  "%2",
  "?",
  "#",
  ";",
  "",
  ".",
  "..",
  "~",
  "~/.ssh/id_rsa",
  "%66oo",
  HEX.slice(0, 63),
  `${HEX}a`,
  "g".repeat(64),
  `${HEX.slice(0, 63)}\uff41`,
  `${HEX.slice(0, 62)}..`,
  `${HEX.slice(0, 60)}%2e%2e%2f`,
  `${HEX.slice(0, 32)}%2f${HEX.slice(32)}`,
  `../${HEX}`,
  `./${HEX}`,
  `/${HEX}`,
  `${HEX}/`,
  `${HEX}/../x`,
  `sha256/9f/${HEX}`,
  `${HEX}\0`,
  `${HEX}%00`,
  `${HEX}?`,
  `${HEX}#`,
  `${HEX};`,
  ` ${HEX}`,
  `${HEX} `,
  `${HEX}\n`,
  `0x${HEX.slice(2)}`,
  `${"%25".repeat(12)}${HEX}`,
  // "a" percent-encoded twelve times over: decodes to valid hex, but only after too many rounds.
  `%${"25".repeat(11)}61${HEX.slice(1)}`,
];

/** The digest used by HOSTILE_KEYS (sha256 of "test"). */
export const SAMPLE_HEX = HEX;

export const BACKENDS = [{ kind: "local" }, { kind: "s3" }] as const;
export type BackendKind = (typeof BACKENDS)[number]["kind"];

export interface BackendContext {
  store: ArtifactStore;
  /** A fresh folder per test holding dataDir and an "outside" folder with a secret file. */
  work: string;
  dataDir: string;
  stagingDir: string;
  outside: string;
  /** The S3 server (s3 backend only). */
  server: S3TestServer | undefined;
  /** Object keys under this test's prefix (s3) or files under the artifacts folder (local). */
  listStored(): Promise<string[]>;
}

let prefixCounter = 0;

/**
 * Registers hooks that give every test a fresh store of the given kind: local under a temp
 * dataDir, or S3 on one s3rver per suite with a fresh key prefix per test.
 */
export function useBackend(kind: BackendKind): BackendContext {
  const ctx = { server: undefined } as BackendContext;
  beforeAll(async () => {
    if (kind === "s3") ctx.server = await startS3rver();
  });
  afterAll(async () => {
    await ctx.server?.close();
  });
  beforeEach(async () => {
    ctx.work = await freshDir(kind);
    ctx.dataDir = path.join(ctx.work, "data");
    ctx.stagingDir = path.join(ctx.dataDir, "artifacts", ".staging");
    ctx.outside = path.join(ctx.work, "outside");
    await mkdir(ctx.outside);
    await writeFile(path.join(ctx.outside, "secret"), "do not read");
    const server = ctx.server;
    if (server) {
      const prefix = `t${++prefixCounter}/blobs`;
      ctx.store = createArtifactStore({ dataDir: ctx.dataDir, url: `s3://${BUCKET}/${prefix}`, s3: server.s3 });
      ctx.listStored = () => server.listKeys(`${prefix}/`);
    } else {
      ctx.store = createArtifactStore({ dataDir: ctx.dataDir });
      const blobs = path.join(ctx.dataDir, "artifacts", "sha256");
      ctx.listStored = async () => (await tree(blobs)).filter((line) => / file \d+$/.test(line));
    }
  });
  afterEach(async () => {
    await removeDir(ctx.work);
  });
  return ctx;
}
