/**
 * Entry of the profiler's worker thread (workers.ts): answers requests one at a time, in order.
 * The segment's column values go back to the main thread without a copy (transferred).
 */
import { parentPort } from "node:worker_threads";
import { numericStats } from "./finish";
import { profileSegment } from "./segment";
import { SortScratch } from "./sort";
import type { WorkerReply, WorkerRequest } from "./workers";

const port = parentPort;
const scratch = new SortScratch();

async function answer(request: WorkerRequest): Promise<[WorkerReply, ArrayBuffer[]]> {
  if (request.kind === "stats") {
    return [{ kind: "stats", id: request.id, stats: numericStats(request.values, request.decimals, null, request.values.length, scratch) }, []];
  }
  const result = await profileSegment(request.task);
  return [{ kind: "segment", id: request.id, result }, result.columns.map((c) => c.values.buffer)];
}

if (port !== null) {
  let queue = Promise.resolve();
  port.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      try {
        const [reply, transfer] = await answer(request);
        port.postMessage(reply, transfer);
      } catch (err) {
        port.postMessage({ kind: "failed", id: request.id, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
      }
    });
  });
  port.postMessage({ kind: "ready" } satisfies WorkerReply);
}
