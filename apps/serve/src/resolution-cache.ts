/**
 * The prediction server's cache of resolutions (who may predict on which deployment), so the hot
 * path does not query the database:
 *
 * - an entry is reused for `ttlMs`;
 * - in its last quarter, one caller refreshes it in the background while the others keep using it;
 *   a refresh that fails (token revoked, membership or deployment gone) drops it, so the next
 *   caller looks it up again and gets the error;
 * - once lapsed (or never there), concurrent callers share one lookup;
 * - a null key (no credential, or `ttlMs` ≤ 0) always looks up.
 */
export interface ResolutionCacheStats {
  /** Answered from the cache. */
  hits: number;
  /** Looked up (in the database), background refreshes included. */
  lookups: number;
}

interface Entry<T> {
  value: T;
  until: number;
  refreshing: boolean;
}

export class ResolutionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly pending = new Map<string, Promise<T>>();
  private readonly counts: ResolutionCacheStats = { hits: 0, lookups: 0 };

  /** `maxEntries`: beyond it the cache starts over (a bound on memory, not an LRU). */
  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  stats(): ResolutionCacheStats {
    return { ...this.counts };
  }

  /** The cached value when there is a fresh one (no promise on the hot path), else a promise of one. */
  get(key: string | null, lookup: () => Promise<T>): T | Promise<T> {
    if (key === null || this.ttlMs <= 0) return this.lookup(lookup);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) {
      this.counts.hits += 1;
      if (!hit.refreshing && hit.until - now < this.ttlMs / 4) {
        hit.refreshing = true;
        this.lookup(lookup).then(
          (value) => this.remember(key, value),
          () => {
            if (this.entries.get(key) === hit) this.entries.delete(key);
          },
        );
      }
      return hit.value;
    }
    let shared = this.pending.get(key);
    if (!shared) {
      shared = this.lookup(lookup).then((value) => this.remember(key, value));
      this.pending.set(key, shared);
      void shared.catch(() => undefined).finally(() => this.pending.delete(key));
    }
    return shared;
  }

  private lookup(lookup: () => Promise<T>): Promise<T> {
    this.counts.lookups += 1;
    return lookup();
  }

  private remember(key: string, value: T): T {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs, refreshing: false });
    return value;
  }
}
