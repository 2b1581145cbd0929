/**
 * The prediction server's model cache. Each deployment the server has answered for keeps its
 * current revision's routes, each route holding a loaded version (a Predictor plus its
 * micro-batcher). Versions are loaded once per deployment revision change and reused across
 * revisions while still routed.
 *
 * Hot swap: a request that sees (in the deployment row it read anyway) a newer current revision
 * than the cached one starts a background reload and is answered by the routes it already has;
 * the reload loads the new versions, then swaps the routes in one assignment. Versions no longer
 * routed are retired: disposed once their last in-flight request (or shadow copy) is done.
 */
import type { ServingDeployment, ServingRevision } from "@keel/api/services/serving";
import { createMicroBatcher, type MicroBatcher, type Prediction, type Predictor, type Signature, ZSignature } from "@keel/ml/serving";
import type { Cell } from "@keel/ml/tabular";

export type Row = Record<string, Cell>;

export interface BatchOptions {
  /** How long a lone single-row request waits for company (ms). Default 1. */
  maxWaitMs: number;
  /** Most rows per micro-batch. Default 64. */
  maxBatch: number;
}

const one = (p: Prediction): Prediction[] => [p];

/** One loaded model version. */
export class LoadedVersion {
  /** Requests (and shadow copies) using this version now. */
  active = 0;
  retired = false;
  readonly signature: Signature;
  private readonly batcher: MicroBatcher<Row, Prediction>;
  private closing: Promise<void> | null = null;

  constructor(
    readonly versionId: string,
    readonly version: number,
    readonly predictor: Predictor,
    batch: BatchOptions,
    private readonly onPredict: (versionId: string, rows: number) => void,
  ) {
    this.signature = predictor.signature;
    this.batcher = createMicroBatcher<Row, Prediction>({ maxBatch: batch.maxBatch, maxWaitMs: batch.maxWaitMs, run: (rows) => this.run(rows) });
  }

  private run(rows: Row[]): Promise<Prediction[]> {
    this.onPredict(this.versionId, rows.length);
    return this.predictor.predict(rows);
  }

  /** False once disposed (or disposing): the caller must not use it. */
  acquire(): boolean {
    if (this.closing !== null || this.predictor.disposed) return false;
    this.active += 1;
    return true;
  }

  release(): void {
    this.active -= 1;
    if (this.retired && this.active <= 0) void this.dispose();
  }

  /** Single rows go through the micro-batcher (concurrent requests share one predict); larger requests run at once. */
  predict(rows: Row[]): Promise<Prediction[]> {
    const [only] = rows;
    if (rows.length === 1 && only !== undefined) return this.batcher.submit(only).then(one);
    return this.run(rows);
  }

  retire(): void {
    this.retired = true;
    if (this.active <= 0) void this.dispose();
  }

  dispose(): Promise<void> {
    this.closing ??= this.batcher.close().then(() => this.predictor.dispose());
    return this.closing;
  }
}

export interface CachedRoute {
  mode: "live" | "shadow";
  weight: number | null;
  version: number;
  loaded: LoadedVersion;
}

export interface DeploymentState {
  deployment: ServingDeployment;
  revision: number;
  routes: CachedRoute[];
  reloading: Promise<void> | null;
  /** A revision whose load failed, and when (retried after a pause). */
  failed: { revision: number; at: number; error: string } | null;
}

export interface ModelCacheOptions {
  loadRevision: (deploymentId: string, revision: number) => Promise<ServingRevision>;
  loadPredictor: (route: ServingRevision["routes"][number]) => Promise<Predictor>;
  currentRevision: (deploymentId: string) => Promise<number | null>;
  batch: BatchOptions;
  onPredict: (versionId: string, rows: number) => void;
  onError: (message: string, error: unknown) => void;
  /** Wait before retrying a revision that failed to load (ms). */
  retryAfterMs?: number;
}

export interface ModelCacheStats {
  deployments: number;
  loadedVersions: number;
  retiredVersions: number;
  loads: number;
  swaps: number;
  failedLoads: number;
}

export class ModelCache {
  private readonly states = new Map<string, Promise<DeploymentState>>();
  private readonly retiring = new Set<LoadedVersion>();
  private counts = { loads: 0, swaps: 0, failedLoads: 0 };
  private closed = false;

  constructor(private readonly opts: ModelCacheOptions) {}

  /**
   * The deployment's state for a request that read the deployment row just now: loads it the
   * first time (awaited), and starts a background reload when the row's current revision is newer.
   */
  async get(deployment: ServingDeployment): Promise<DeploymentState> {
    let pending = this.states.get(deployment.id);
    if (!pending) {
      pending = this.initial(deployment);
      this.states.set(deployment.id, pending);
      pending.catch(() => this.states.delete(deployment.id));
    }
    const state = await pending;
    // Revisions only grow: a caller holding an older row (a cached one) never moves traffic back.
    if (deployment.currentRevision > state.revision) this.startReload(state, deployment.currentRevision);
    return state;
  }

  /**
   * get() without waiting, for the hot path: the loaded state (starting a background reload when
   * `deployment` says a newer revision is current), or undefined until the first load is done.
   */
  ready(deployment: ServingDeployment): DeploymentState | undefined {
    const state = this.loaded.get(deployment.id);
    if (state && deployment.currentRevision > state.revision) this.startReload(state, deployment.currentRevision);
    return state;
  }

  /** Re-reads every cached deployment's current revision and waits for any reload (tests call it). */
  async refresh(): Promise<void> {
    for (const pending of [...this.states.values()]) {
      const state = await pending.catch(() => null);
      if (!state) continue;
      const current = await this.opts.currentRevision(state.deployment.id);
      if (current === null) {
        this.forget(state);
        continue;
      }
      if (current !== state.revision) {
        if (state.failed?.revision === current) state.failed = null;
        this.startReload(state, current);
      }
      if (state.reloading) await state.reloading;
    }
  }

  stats(): ModelCacheStats {
    const seen = new Set<LoadedVersion>();
    for (const state of this.loaded.values()) for (const r of state.routes) seen.add(r.loaded);
    return { deployments: this.loaded.size, loadedVersions: seen.size, retiredVersions: [...this.retiring].filter((v) => !v.predictor.disposed).length, ...this.counts };
  }

  /** Disposes everything (after in-flight work: the caller waits for requests first). */
  async close(): Promise<void> {
    this.closed = true;
    const all = new Set<LoadedVersion>(this.retiring);
    for (const pending of this.states.values()) {
      const state = await pending.catch(() => null);
      if (state?.reloading) await state.reloading.catch(() => undefined);
      for (const r of state?.routes ?? []) all.add(r.loaded);
    }
    this.states.clear();
    this.loaded.clear();
    await Promise.all([...all].map((v) => v.dispose()));
  }

  /** Loaded (settled) states by deployment id: what ready() answers from and stats() counts. */
  private readonly loaded = new Map<string, DeploymentState>();

  private async initial(deployment: ServingDeployment): Promise<DeploymentState> {
    const routes = await this.loadRoutes(deployment.id, deployment.currentRevision, []);
    const state: DeploymentState = { deployment, revision: deployment.currentRevision, routes, reloading: null, failed: null };
    if (!this.closed) this.loaded.set(deployment.id, state);
    return state;
  }

  private async loadRoutes(deploymentId: string, revision: number, reuse: CachedRoute[]): Promise<CachedRoute[]> {
    const rev = await this.opts.loadRevision(deploymentId, revision);
    const have = new Map(reuse.map((r) => [r.loaded.versionId, r.loaded]));
    const fresh: LoadedVersion[] = [];
    try {
      const routes: CachedRoute[] = [];
      for (const route of rev.routes) {
        let loaded = have.get(route.versionId);
        if (!loaded) {
          const predictor = await this.opts.loadPredictor(route);
          // The stored signature is the contract; loadPredictor checked it against the model.
          ZSignature.parse(route.signature);
          loaded = new LoadedVersion(route.versionId, route.version, predictor, this.opts.batch, this.opts.onPredict);
          fresh.push(loaded);
          have.set(route.versionId, loaded);
          this.counts.loads += 1;
        }
        routes.push({ mode: route.mode, weight: route.weight, version: route.version, loaded });
      }
      return routes;
    } catch (error) {
      await Promise.all(fresh.map((v) => v.dispose()));
      this.counts.failedLoads += 1;
      throw error;
    }
  }

  private startReload(state: DeploymentState, revision: number): void {
    if (this.closed || state.reloading) return;
    if (state.failed?.revision === revision && Date.now() - state.failed.at < (this.opts.retryAfterMs ?? 5000)) return;
    state.reloading = (async () => {
      try {
        const routes = await this.loadRoutes(state.deployment.id, revision, state.routes);
        const keep = new Set(routes.map((r) => r.loaded));
        const old = state.routes;
        if (this.closed) {
          for (const r of routes) if (!old.some((o) => o.loaded === r.loaded)) await r.loaded.dispose();
          return;
        }
        state.routes = routes;
        state.revision = revision;
        state.deployment = { ...state.deployment, currentRevision: revision };
        state.failed = null;
        this.counts.swaps += 1;
        for (const r of old) {
          if (!keep.has(r.loaded) && !r.loaded.retired) {
            this.retiring.add(r.loaded);
            r.loaded.retire();
          }
        }
      } catch (error) {
        state.failed = { revision, at: Date.now(), error: error instanceof Error ? error.message : String(error) };
        this.opts.onError(`could not load revision ${revision} of deployment ${state.deployment.name}; the previous revision keeps serving`, error);
      } finally {
        state.reloading = null;
        for (const v of [...this.retiring]) if (v.predictor.disposed) this.retiring.delete(v);
      }
    })();
  }

  private forget(state: DeploymentState): void {
    this.states.delete(state.deployment.id);
    this.loaded.delete(state.deployment.id);
    for (const r of state.routes) {
      this.retiring.add(r.loaded);
      r.loaded.retire();
    }
  }
}
