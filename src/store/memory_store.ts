/**
 * The in-process {@link Store}: one `Map` for strings, lists and rate-limit
 * windows. Expiry follows the injected clock (checked on read, swept when
 * full), and at `maxKeys` keys not used since they were last passed over are
 * evicted (second chance, an approximate LRU), so memory stays bounded
 * without any timer running.
 * @module
 */
import type { LimitResult, Store } from "./store.ts";
import { storeKeys } from "./keys.ts";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock in unix milliseconds, default `Date.now`. */
  now?: () => number;
  /** Most keys kept before evicting the least recently used, default 100,000. */
  maxKeys?: number;
}

type Entry =
  & (
    | { kind: "string"; value: string; expiresAt: number }
    | { kind: "list"; items: string[]; expiresAt: number }
    | { kind: "window"; window: SlidingWindow; expiresAt: number }
  )
  & { used?: boolean };

/** Calls counted in the fixed window `index` (of `windowMs`) and in the one before it. */
interface SlidingWindow {
  windowMs: number;
  index: number;
  current: number;
  previous: number;
}

/** Limit counters live under the prefix the Upstash limiter uses, so both stores name them alike. */
const LIMIT_PREFIX = `${storeKeys.limitPrefix}:`;
/** A full store looks for expired entries at most this often before evicting live ones. */
const SWEEP_INTERVAL_MS = 1_000;

/**
 * Creates an in-process store.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * await store.set("greeting", "hi", 60);
 * const { allowed, retryAfterMs } = await store.limit("client:42", 30, 60_000);
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  requirePositiveInteger("maxKeys", maxKeys);
  // Insertion order is age; a use only sets a flag. Moving a key to the end on
  // every use (delete, then set) costs V8 a rehash of a big, full map every few
  // operations: at 50,000 keys, 190 µs per webhook event instead of 2.
  const entries = new Map<string, Entry>();
  let nextSweepAt = -Infinity;

  function read(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry;
  }

  function write(key: string, entry: Entry) {
    // Rewriting a key uses it, and keeps its place.
    entry.used = entries.has(key);
    entries.set(key, entry);
    if (entries.size <= maxKeys) return;
    const time = now();
    if (time >= nextSweepAt) {
      nextSweepAt = time + SWEEP_INTERVAL_MS;
      for (const [k, e] of entries) if (e.expiresAt <= time) entries.delete(k);
    }
    // Oldest first: a key used since it was last passed over moves to the end, unused; others go.
    for (const [k, e] of entries) {
      if (entries.size <= maxKeys) break;
      entries.delete(k);
      if (e.used) {
        e.used = false;
        entries.set(k, e);
      }
    }
  }

  /** The live entry at `key` when it is of `kind`; throws, like Redis' WRONGTYPE, when not. */
  function readAs<K extends Entry["kind"]>(key: string, kind: K) {
    const entry = read(key);
    if (entry && entry.kind !== kind) {
      throw new TypeError(`Key "${key}" holds a ${entry.kind}, not a ${kind}`);
    }
    return entry as Extract<Entry, { kind: K }> | undefined;
  }

  function expiryAfter(ttlSeconds: number): number {
    if (!(ttlSeconds > 0)) throw new RangeError(`ttlSeconds must be positive, got ${ttlSeconds}`);
    return now() + ttlSeconds * 1000;
  }

  // Promise.try turns a thrown error into a rejection, as from a remote store.
  return {
    kind: "memory",

    get: (key) => Promise.try(() => readAs(key, "string")?.value ?? null),

    mget: (keys) =>
      Promise.try(() =>
        // Like Redis MGET: a key holding a list reads as missing rather than failing the batch.
        keys.map((key) => {
          const entry = read(key);
          return entry?.kind === "string" ? entry.value : null;
        })
      ),

    set: (key, value, ttlSeconds) =>
      Promise.try(() => {
        write(key, { kind: "string", value, expiresAt: expiryAfter(ttlSeconds) });
      }),

    setIfAbsent: (key, value, ttlSeconds) =>
      Promise.try(() => {
        const expiresAt = expiryAfter(ttlSeconds);
        if (read(key)) return false;
        write(key, { kind: "string", value, expiresAt });
        return true;
      }),

    del: (...keys) =>
      Promise.try(() => {
        for (const key of keys) entries.delete(key);
      }),

    incr: (key) =>
      Promise.try(() => {
        const text = readAs(key, "string")?.value ?? "0";
        const value = Number(text);
        if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value + 1)) {
          throw new RangeError(`Value at "${key}" is not an integer: ${text}`);
        }
        // Like Redis INCR, an existing expiry is kept.
        const expiresAt = entries.get(key)?.expiresAt ?? Infinity;
        write(key, { kind: "string", value: String(value + 1), expiresAt });
        return value + 1;
      }),

    limit: (key, max, windowMs) =>
      Promise.try(() => {
        requirePositiveInteger("max", max);
        requirePositiveInteger("windowMs", windowMs);
        const time = now();
        const window = advance(readAs(LIMIT_PREFIX + key, "window")?.window, windowMs, time);
        const result = check(window, max, time);
        if (result.allowed) {
          window.current++;
          write(LIMIT_PREFIX + key, {
            kind: "window",
            window,
            expiresAt: (window.index + 2) * windowMs,
          });
        }
        return result;
      }),

    append: (key, value, maxLength) =>
      Promise.try(() => {
        requirePositiveInteger("maxLength", maxLength);
        const items = readAs(key, "list")?.items ?? [];
        items.push(value);
        if (items.length > maxLength) items.splice(0, items.length - maxLength);
        write(key, { kind: "list", items, expiresAt: Infinity });
      }),

    tail: (key, count) =>
      Promise.try(() => {
        const items = readAs(key, "list")?.items ?? [];
        // slice(-0) would return the whole list.
        return count > 0 ? items.slice(-count) : [];
      }),

    ping: () => Promise.resolve(),
  };
}

/** The counts as seen at `time`, rolling the stored window forward (a new `windowMs` starts afresh). */
function advance(stored: SlidingWindow | undefined, windowMs: number, time: number): SlidingWindow {
  const index = Math.floor(time / windowMs);
  if (stored?.windowMs === windowMs && stored.index === index) return { ...stored };
  const previous = stored?.windowMs === windowMs && stored.index === index - 1 ? stored.current : 0;
  return { windowMs, index, current: 0, previous };
}

/**
 * `@upstash/ratelimit`'s slidingWindow: the previous window's count weighs in
 * by the share of it still inside the sliding window, rounded down, and a
 * call is refused once that plus the current count reaches `max`.
 */
function check(window: SlidingWindow, max: number, time: number): LimitResult {
  const { windowMs, index, current, previous } = window;
  const start = index * windowMs;
  const used = current + weighted(previous, windowMs, time - start);
  if (used < max) return { allowed: true, remaining: max - used - 1, retryAfterMs: 0 };
  // Only the previous window's weight decays before this window ends; past
  // that, this window's calls become the decaying "previous" ones.
  const retryAt = current < max
    ? start + firstFreeOffset(previous, max - current, windowMs)
    : start + windowMs + firstFreeOffset(current, max, windowMs);
  return { allowed: false, remaining: 0, retryAfterMs: retryAt - time };
}

/** Integer arithmetic, so the floor is exact where Lua's float math could be off by a hair. */
function weighted(previous: number, windowMs: number, offset: number): number {
  return Math.floor(((windowMs - offset) * previous) / windowMs);
}

/** The first whole-millisecond offset into a window at which `weighted(previous)` drops below `room`. */
function firstFreeOffset(previous: number, room: number, windowMs: number): number {
  return Math.max(0, windowMs - Math.ceil((room * windowMs) / previous) + 1);
}

function requirePositiveInteger(name: string, value: number) {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}
