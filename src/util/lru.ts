/**
 * The one bounded map every in-process cache uses: capped by entry count,
 * optionally by total weight (e.g. characters) and by idle time, evicting
 * entries not used lately first. Recency is a second chance (the CLOCK
 * approximation of least recently used): a read only marks its entry used;
 * eviction walks from the oldest insert, moving a used entry to the back
 * (unmarked) and dropping the first unused one. Moving every read key to the
 * back instead (delete, then set) makes V8 rehash a large `Map` every few
 * operations: at 50,000 keys that cost 190 µs per webhook event, against 8.
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
  /**
   * An entry neither read nor written for this long reads as missing, and is
   * dropped by the next sweep (a read or write, at most once a second);
   * default never.
   */
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

/** A bounded map (see {@link createLru}). */
export interface Lru<K, V> {
  /** The live value at `key`, now marked used; `undefined` when absent, idle or expired. */
  get(key: K): V | undefined;
  /**
   * Stores `value` (in place when `key` is there, which counts as a use),
   * then evicts down to the caps. A value heavier than `maxWeight` on its own
   * is not kept (and `key` is left empty).
   */
  set(key: K, value: V): void;
  /** Removes `key`; `true` when it was there. */
  delete(key: K): boolean;
  /** Keys, next to be looked at for eviction first (idle or expired ones included until dropped). */
  keys(): K[];
  /** Total weight of the entries. */
  readonly weight: number;
}

/** How often a map may walk every entry looking for idle (or, when full, expired) ones. */
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
  const slots = new Map<K, { value: V; weight: number; usedAt: number; used: boolean }>();
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
  const idle = (slot: { usedAt: number }, time: number) => time - slot.usedAt >= maxIdleMs;

  /** Drops idle entries, and expired ones when over a cap: a walk over all, at most once a second. */
  function sweep(time: number) {
    const full = over();
    if (time < nextSweepAt || (maxIdleMs === Infinity && !(full && expired))) return;
    nextSweepAt = time + sweepIntervalMs;
    for (const [key, slot] of slots) {
      if (idle(slot, time) || (full && expired?.(slot.value, time))) drop(key);
    }
  }

  /**
   * Sweeps, then evicts until within the caps, giving used entries a second
   * chance; `keep`, the entry just stored, is not a candidate.
   */
  function trim(time: number, keep: K) {
    sweep(time);
    for (const [key, slot] of slots) {
      if (!over()) break;
      if (key === keep) continue;
      if (!slot.used) {
        drop(key);
        continue;
      }
      slot.used = false;
      slots.delete(key);
      slots.set(key, slot);
    }
  }

  return {
    get(key) {
      const time = now();
      // Reads sweep too: a map that is only read (people) still lets idle entries go.
      sweep(time);
      const slot = slots.get(key);
      if (!slot) return undefined;
      if (idle(slot, time) || expired?.(slot.value, time)) {
        drop(key);
        return undefined;
      }
      slot.usedAt = time;
      slot.used = true;
      return slot.value;
    },
    set(key, value) {
      const entryWeight = weigh(value, key);
      if (entryWeight > maxWeight) {
        drop(key);
        return;
      }
      const time = now();
      const slot = slots.get(key);
      if (slot) {
        // In place: the key keeps its position, and a rewrite is a use.
        weight += entryWeight - slot.weight;
        Object.assign(slot, { value, weight: entryWeight, usedAt: time, used: true });
      } else {
        slots.set(key, { value, weight: entryWeight, usedAt: time, used: false });
        weight += entryWeight;
      }
      trim(time, key);
    },
    delete: drop,
    keys: () => [...slots.keys()],
    get weight() {
      return weight;
    },
  };
}
