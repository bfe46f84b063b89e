/**
 * The one bounded map every in-process cache uses: capped by entry count,
 * optionally by total weight (e.g. characters) and by idle time, evicting the
 * least recently used first. A `Map` keeps insertion order, and every read or
 * write re-inserts its key, so the first key is always the least recently
 * used: eviction and idle expiry are both a walk from the front.
 * @module
 */

/** Options of {@link createLru}. */
export interface LruOptions<K, V> {
  /** Most entries kept. */
  maxEntries: number;
  /** Most total weight kept (see `weigh`); default unbounded. */
  maxWeight?: number;
  /** An entry's weight, e.g. its length in characters; default 0. */
  weigh?: (value: V, key: K) => number;
  /** An entry neither read nor written for this long is dropped; default never. */
  maxIdleMs?: number;
  /**
   * Whether an entry has expired on its own (e.g. its TTL ran out): it then
   * reads as missing, and expired entries anywhere in the map go before live
   * ones are evicted (looked for at most once a second).
   */
  expired?: (value: V, now: number) => boolean;
  /** Clock in milliseconds, default `Date.now`. */
  now?: () => number;
}

/** A bounded map, least recently used first (see {@link createLru}). */
export interface Lru<K, V> {
  /** The live value at `key`, now the most recently used; `undefined` when absent, idle or expired. */
  get(key: K): V | undefined;
  /**
   * Stores `value` as the most recently used, then evicts down to the caps.
   * A value heavier than `maxWeight` on its own is not kept (and `key` is
   * left empty).
   */
  set(key: K, value: V): void;
  /** Removes `key`; `true` when it was there. */
  delete(key: K): boolean;
  /** Keys, least recently used first (idle or expired ones included until dropped). */
  keys(): K[];
  /** Total weight of the entries. */
  readonly weight: number;
}

/** How often a full map may walk every entry looking for expired ones. */
const sweepIntervalMs = 1_000;

/**
 * Creates a bounded map.
 *
 * @example
 * ```ts
 * const parsed = createLru<string, object>({
 *   maxEntries: 500,
 *   maxWeight: 4 * 1024 * 1024,
 *   weigh: (value) => JSON.stringify(value).length,
 *   maxIdleMs: 300_000,
 * });
 * parsed.set("k", { a: 1 });
 * ```
 */
export function createLru<K, V>(options: LruOptions<K, V>): Lru<K, V> {
  const { maxEntries, maxWeight = Infinity, maxIdleMs = Infinity, expired } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }
  if (!(maxWeight >= 0)) throw new RangeError(`maxWeight must be 0 or more, got ${maxWeight}`);
  if (!(maxIdleMs > 0)) throw new RangeError(`maxIdleMs must be positive, got ${maxIdleMs}`);
  const weigh = options.weigh ?? (() => 0);
  const now = options.now ?? Date.now;
  const slots = new Map<K, { value: V; weight: number; usedAt: number }>();
  let weight = 0;
  let nextSweepAt = -Infinity;

  function drop(key: K) {
    const slot = slots.get(key);
    if (!slot) return false;
    slots.delete(key);
    weight -= slot.weight;
    return true;
  }

  const over = () => slots.size > maxEntries || weight > maxWeight;

  /** Drops idle entries (all at the front), then evicts until within the caps. */
  function trim(time: number) {
    for (const [key, slot] of slots) {
      if (time - slot.usedAt < maxIdleMs) break;
      drop(key);
    }
    if (!over()) return;
    if (expired && time >= nextSweepAt) {
      nextSweepAt = time + sweepIntervalMs;
      for (const [key, slot] of slots) if (expired(slot.value, time)) drop(key);
    }
    for (const key of slots.keys()) {
      if (!over()) break;
      drop(key);
    }
  }

  return {
    get(key) {
      const slot = slots.get(key);
      if (!slot) return undefined;
      const time = now();
      slots.delete(key);
      if (time - slot.usedAt >= maxIdleMs || expired?.(slot.value, time)) {
        weight -= slot.weight;
        return undefined;
      }
      slot.usedAt = time;
      slots.set(key, slot);
      trim(time);
      return slot.value;
    },
    set(key, value) {
      drop(key);
      const entryWeight = weigh(value, key);
      if (entryWeight > maxWeight) return;
      const time = now();
      slots.set(key, { value, weight: entryWeight, usedAt: time });
      weight += entryWeight;
      trim(time);
    },
    delete: drop,
    keys: () => [...slots.keys()],
    get weight() {
      return weight;
    },
  };
}
