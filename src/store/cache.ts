/**
 * Read-through cache over a {@link Store}: set-with-expiry entries, single
 * flight for concurrent misses, and tag invalidation. A tag is a generation
 * counter kept in the store (so every instance sees it); bumping it makes every
 * entry stored under the old generation a miss, without scanning keys.
 * @module
 */
import type { Store } from "./store.ts";
import { createLru } from "../util/lru.ts";

/** A cached value and where it came from. */
export interface CacheResult<T> {
  value: T;
  /** True when served from the cache rather than loaded now. */
  cached: boolean;
  /** Seconds since the value was loaded. */
  ageSeconds: number;
}

/** Options of {@link createCache}. */
export interface CacheOptions {
  store: Store;
  /** Entry lifetime; 0 disables caching. */
  ttlSeconds: number;
  /** Namespaces keys, e.g. by a hash of the token, so tokens never share entries. */
  prefix: string;
  /**
   * Where tag generations live, default `prefix`. Caches of several tokens
   * (one per person) share one, so an event drops everyone's stale copies.
   */
  tagPrefix?: string;
  /**
   * Where tag generations live, default `store`. Apart from the entries, an
   * entry store that evicts (memory) never drops a generation: one dropped
   * would count up again from 0 and make old entries read as fresh.
   */
  tagStore?: Store;
  now?: () => number;
  /** Called when the store fails; the call then goes to Slack. */
  onError?: (operation: string, error: unknown) => void;
  /**
   * Where parses of hot entries are kept. Caches of several tokens (one per
   * person) share one, so what they keep is bounded once, not per person;
   * default one of its own.
   */
  parsed?: ParseMemo;
}

/** The cache the tools read through. */
export interface Cache {
  /** The cached value for `key`, or `load()`'s, stored under the current generation of `tags`. */
  getOrLoad<T>(key: string, load: () => Promise<T>, tags?: string[]): Promise<CacheResult<T>>;
  /** Makes every entry stored under `tag` stale, on every instance. */
  invalidate(tag: string): Promise<void>;
}

interface Entry {
  /** The value. */
  v: unknown;
  /** Loaded at, unix ms. */
  at: number;
  /** Generations of its tags when stored. */
  g: (string | null)[];
}

/** The last parse of each hot cache entry (see {@link createParseMemo}). */
export interface ParseMemo {
  /** `raw`, the text stored at `storeKey`, parsed: the same object again while the text is unchanged. */
  parse(storeKey: string, raw: string): unknown;
}

/** Options of {@link createParseMemo}. */
export interface ParseMemoOptions {
  /** How long cache entries live: a parse unused for as long is dropped. */
  ttlSeconds: number;
  /** Most parses kept, default 500. */
  maxEntries?: number;
  /** Most characters of parsed text kept, default 4 Mi (the parses take a few times that). */
  maxChars?: number;
  now?: () => number;
}

/**
 * Creates a parse memo: a hit whose stored text is unchanged reuses the last
 * parse instead of parsing the same JSON again. Bounded by count, by the
 * size of the text and by idle time; one not used lately goes first.
 *
 * @example
 * ```ts
 * const parsed = createParseMemo({ ttlSeconds: 300 });
 * const cache = createCache({ store, ttlSeconds: 300, prefix: "c:ab12", parsed });
 * ```
 */
export function createParseMemo(options: ParseMemoOptions): ParseMemo {
  const parses = createLru<string, { raw: string; value: unknown }>({
    maxEntries: options.maxEntries ?? 500,
    maxWeight: options.maxChars ?? 4 * 1024 * 1024,
    weigh: ({ raw }) => raw.length,
    maxIdleMs: Math.max(options.ttlSeconds, 1) * 1000,
    now: options.now,
  });
  return {
    parse(storeKey, raw) {
      const known = parses.get(storeKey);
      if (known?.raw === raw) return known.value;
      const value = JSON.parse(raw);
      parses.set(storeKey, { raw, value });
      return value;
    },
  };
}

/**
 * Creates a cache.
 *
 * @example
 * ```ts
 * const cache = createCache({ store, ttlSeconds: 300, prefix: "c:ab12" });
 * const { value } = await cache.getOrLoad("history:C1", loadHistory, ["history:C1"]);
 * ```
 */
export function createCache(options: CacheOptions): Cache {
  const { store, ttlSeconds, prefix } = options;
  const tagStore = options.tagStore ?? store;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, { promise: Promise<CacheResult<unknown>>; tags: string[] }>();
  const genKey = (tag: string) => `${options.tagPrefix ?? prefix}:gen:${tag}`;
  const parsed = options.parsed ?? createParseMemo({ ttlSeconds, now });

  async function lookup(key: string, tags: string[]) {
    try {
      const storeKey = `${prefix}:${key}`;
      const tagKeys = tags.map(genKey);
      // One round trip when both live in one store (Upstash).
      const [raw, ...gens] = tagStore === store
        ? await store.mget([storeKey, ...tagKeys])
        : [...await store.mget([storeKey]), ...await tagStore.mget(tagKeys)];
      const entry = raw ? parsed.parse(storeKey, raw) as Entry : null;
      const fresh = entry && entry.g.length === gens.length &&
        entry.g.every((g, i) => g === gens[i]);
      return { entry: fresh ? entry : null, gens };
    } catch (error) {
      options.onError?.("read", error);
      return { entry: null, gens: null };
    }
  }

  async function loadAndStore<T>(key: string, load: () => Promise<T>, tags: string[]) {
    const { entry, gens } = await lookup(key, tags);
    if (entry) {
      return {
        value: entry.v as T,
        cached: true,
        ageSeconds: Math.floor((now() - entry.at) / 1000),
      };
    }
    const value = await load();
    if (gens) {
      const stored: Entry = { v: value, at: now(), g: gens };
      store.set(`${prefix}:${key}`, JSON.stringify(stored), ttlSeconds).catch((error) =>
        options.onError?.("write", error)
      );
    }
    return { value, cached: false, ageSeconds: 0 };
  }

  return {
    getOrLoad<T>(key: string, load: () => Promise<T>, tags: string[] = []) {
      if (ttlSeconds <= 0) return load().then((value) => ({ value, cached: false, ageSeconds: 0 }));
      const flightKey = `${key}\n${tags.join(",")}`;
      const pending = inFlight.get(flightKey);
      if (pending) return pending.promise as Promise<CacheResult<T>>;
      const promise = loadAndStore(key, load, tags).finally(() => {
        if (inFlight.get(flightKey)?.promise === promise) inFlight.delete(flightKey);
      });
      inFlight.set(flightKey, { promise, tags });
      return promise;
    },
    async invalidate(tag: string) {
      // A load that started before now may miss the change: later callers must not join it.
      for (const [key, flight] of inFlight) if (flight.tags.includes(tag)) inFlight.delete(key);
      try {
        await tagStore.incr(genKey(tag));
      } catch (error) {
        options.onError?.("invalidate", error);
      }
    },
  };
}
