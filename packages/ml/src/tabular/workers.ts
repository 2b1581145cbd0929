/**
 * The profiler's helper thread (profile-worker.ts): one worker_thread per process, started on
 * first use (or ahead of it by `prewarmProfiler`), shared by every profile and closed after a
 * while idle. It profiles parts of CSV files and sorts numeric columns (parallel.ts) while the
 * main thread does the rest.
 *
 * Everything here is an optimisation: when the worker cannot start (no worker_threads, a bundle
 * without the worker's file, a failure while loading it), the profiler does all the work on the
 * main thread and gives the same results. Running from TypeScript sources (tsx, Vitest), the
 * worker registers tsx's loader first, as Node 20 does not pass module hooks on to workers.
 */
import { Worker } from "node:worker_threads";
import type { Stats } from "./finish";
import type { SegmentResult, SegmentTask } from "./segment";

export type WorkerRequest =
  | { kind: "segment"; id: number; task: SegmentTask }
  | { kind: "stats"; id: number; values: Float64Array<ArrayBuffer>; decimals: number };

export type WorkerReply =
  | { kind: "ready" }
  | { kind: "segment"; id: number; result: SegmentResult }
  | { kind: "stats"; id: number; stats: Stats }
  | { kind: "failed"; id: number; message: string };

/** An idle worker is closed after this long (a later profile starts a new one). */
const IDLE_MS = 30_000;

/** A request that cannot be answered because the worker went away. */
export class WorkerGoneError extends Error {
  constructor() {
    super("The profiler's worker thread stopped.");
    this.name = "WorkerGoneError";
  }
}

/** What the profiler asks of its worker (tests may give an in-process stand-in). */
export interface SegmentWorker {
  /** Resolves true once the worker has loaded its code, false if it never will. */
  readonly ready: Promise<boolean>;
  /** `ready` resolved true. */
  readonly loaded: boolean;
  segment(task: SegmentTask): Promise<SegmentResult>;
  stats(values: Float64Array<ArrayBuffer>, decimals: number): Promise<Stats>;
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (err: Error) => void;
}

export class ProfileWorker implements SegmentWorker {
  readonly ready: Promise<boolean>;
  private alive = true;
  loaded = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly worker: Worker) {
    let settle: (ok: boolean) => void = () => undefined;
    this.ready = new Promise((resolve) => (settle = resolve));
    worker.on("message", (reply: WorkerReply) => {
      if (reply.kind === "ready") {
        this.loaded = true;
        return settle(true);
      }
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
      this.release();
    });
    const gone = (): void => {
      this.alive = false;
      settle(false);
      for (const p of this.pending.values()) p.reject(new WorkerGoneError());
      this.pending.clear();
      if (shared === this) shared = null;
    };
    worker.on("error", gone);
    worker.on("exit", gone);
    worker.unref();
  }

  get usable(): boolean {
    return this.alive;
  }

  /** Profiles a part of a CSV file (see segment.ts). */
  async segment(task: SegmentTask): Promise<SegmentResult> {
    const reply = await this.request((id) => ({ kind: "segment", id, task }));
    if (reply.kind !== "segment") throw new Error(reply.kind === "failed" ? reply.message : "unexpected reply");
    return reply.result;
  }

  /** numericStats (finish.ts) of these values, which are handed over to the worker. */
  async stats(values: Float64Array<ArrayBuffer>, decimals: number): Promise<Stats> {
    const reply = await this.request((id) => ({ kind: "stats", id, values, decimals }), [values.buffer]);
    if (reply.kind !== "stats") throw new Error(reply.kind === "failed" ? reply.message : "unexpected reply");
    return reply.stats;
  }

  private request(make: (id: number) => WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (!this.alive) return Promise.reject(new WorkerGoneError());
    const id = this.nextId++;
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
    // Referenced while a reply is due, so the process waits for it.
    this.worker.ref();
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(make(id), transfer);
    });
  }

  private release(): void {
    if (this.pending.size > 0 || !this.alive) return;
    this.worker.unref();
    this.idle = setTimeout(() => void this.close(), IDLE_MS);
    this.idle.unref();
  }

  async close(): Promise<void> {
    this.alive = false;
    if (shared === this) shared = null;
    await this.worker.terminate();
  }
}

let shared: ProfileWorker | null = null;
/** Set once a worker failed to start: do not try again in this process. */
let unavailable = false;

/** The shared worker, started if need be; null when worker threads cannot be used here. */
export function profileWorker(): ProfileWorker | null {
  if (shared?.usable === true) return shared;
  if (unavailable) return null;
  try {
    const worker = new ProfileWorker(spawn());
    shared = worker;
    void worker.ready.then((ok) => {
      if (!ok) unavailable = true;
    });
    return worker;
  } catch {
    unavailable = true;
    return null;
  }
}

/** Starts the worker ahead of a profile (e.g. while an upload is still being received), so
 * that it has loaded its code by the time the profile begins. */
export function prewarmProfiler(): void {
  profileWorker();
}

function spawn(): Worker {
  if (import.meta.url.endsWith(".ts")) {
    // TypeScript sources: load tsx's ESM loader in the worker, then the worker's module.
    // (A computed specifier: bundlers are not to follow it.)
    const api = import.meta.resolve(["tsx", "esm", "api"].join("/"));
    const entry = new URL("./profile-worker.ts", import.meta.url).href;
    const code = `const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)});`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  }
  // Bundled (Next.js): the bundler builds the worker's entry from this expression.
  return new Worker(new URL("./profile-worker.ts", import.meta.url));
}
