/** Shared by the reader tests: a temp folder per test file, and ways to drain a source. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type Cell, type RowBatch, type TabularSource, TabularInputError } from "../types";

/** A temp folder made before the file's tests and removed after; `write` puts content in a new file there. */
export function tempFiles(prefix: string): { dir: () => string; write: (content: string | Uint8Array | ArrayBuffer, ext?: string) => Promise<string> } {
  let dir = "";
  let seq = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `keel-${prefix}-`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    write: async (content, ext = "") => {
      const path = join(dir, `f${++seq}${ext}`);
      await writeFile(path, content instanceof ArrayBuffer ? new Uint8Array(content) : content);
      return path;
    },
  };
}

export async function batchesOf(source: TabularSource, signal?: AbortSignal): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const batch of source.batches({ signal })) out.push(batch);
  return out;
}

export async function rowsOf(source: TabularSource): Promise<Cell[][]> {
  return (await batchesOf(source)).flatMap((b) => b.rows);
}

/** The TabularInputError a promise rejects with (anything else fails the test). */
export async function problem(promise: Promise<unknown>): Promise<TabularInputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TabularInputError) return error;
    throw error;
  }
  throw new Error("expected a TabularInputError");
}

/** Reads a source, aborting after the first batch: resolves to how many batches arrived before the AbortError. */
export async function batchesBeforeAbort(source: TabularSource): Promise<number> {
  const controller = new AbortController();
  let batches = 0;
  try {
    for await (const _batch of source.batches({ signal: controller.signal })) {
      batches++;
      controller.abort();
    }
  } catch (err) {
    if (err instanceof Error && err.name === "AbortError") return batches;
    throw err;
  }
  throw new Error("expected the read to stop with an AbortError");
}
