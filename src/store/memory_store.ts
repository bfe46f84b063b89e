/**
 * The in-process {@link Store}: one bounded map for strings, lists and
 * rate-limit windows. Expiry follows the injected clock (checked on read,
 * swept when full), and past `maxKeys` keys or `maxBytes` of keys and values
 * the keys not used lately are evicted, so memory stays bounded without
 * any timer running.
 * @module
 */
import type { LimitResult, Store } from "./store.ts";
import { storeKeys } from "./keys.ts";
import { createLru } from "../util/lru.ts";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock in unix milliseconds, default `Date.now`. */
  now?: () => number;
  /** Most keys kept before evicting those not used lately, default 100,000. */
  maxKeys?: number;
  /**
   * Most bytes of keys and values kept before evicting those not used
   * lately, default 64 MiB. Estimated as one byte a character (Slack's JSON is
   * mostly ASCII, which V8 stores so) plus {@link entryOverhead} a key; a
   * value larger than this on its own is not kept.
   */
  maxBytes?: number;
}

/** `chars`: the characters of the value (string or list items), for the byte budget. */
type Entry =
  | { kind: "string"; value: string; chars: number; expiresAt: number }
  | { kind: "list"; items: string[]; maxLength: number; chars: number; expiresAt: number }
  | { kind: "window"; window: SlidingWindow; chars: number; expiresAt: number };

/**
 * Bytes counted for each key besides its characters: the map slot, the entry
 * objects and string headers (a V8 heap snapshot showed about 260 a key).
 */
export const entryOverhead = 256;

/** Calls counted in the fixed window `index` (of `windowMs`) and in the one before it. */
interface SlidingWindow {
  windowMs: number;
  index: number;
  current: number;
  previous: number;
}

/** Limit counters live under the prefix the Upstash limiter uses, so both stores name them alike. */
const LIMIT_PREFIX = `${storeKeys.limitPrefix}:`;

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
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  requirePositiveInteger("maxKeys", maxKeys);
  requirePositiveInteger("maxBytes", maxBytes);
  // Eviction gives recently used keys a second chance (see util/lru.ts).
  const entries = createLru<string, Entry>({
    maxEntries: maxKeys,
    maxWeight: maxBytes,
    weigh: (entry, key) => key.length + entry.chars + entryOverhead,
    expired: (entry, time) => entry.expiresAt <= time,
    now,
  });

  /** The live entry at `key` when it is of `kind`; throws, like Redis' WRONGTYPE, when not. */
  function readAs<K extends Entry["kind"]>(key: string, kind: K) {
    const entry = entries.get(key);
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
          const entry = entries.get(key);
          return entry?.kind === "string" ? entry.value : null;
        })
      ),

    set: (key, value, ttlSeconds) =>
      Promise.try(() => {
        entries.set(key, {
          kind: "string",
          value,
          chars: value.length,
          expiresAt: expiryAfter(ttlSeconds),
        });
      }),

    setIfAbsent: (key, value, ttlSeconds) =>
      Promise.try(() => {
        const expiresAt = expiryAfter(ttlSeconds);
        if (entries.get(key)) return false;
        entries.set(key, { kind: "string", value, chars: value.length, expiresAt });
        return true;
      }),

    del: (...keys) =>
      Promise.try(() => {
        for (const key of keys) entries.delete(key);
      }),

    incr: (key) =>
      Promise.try(() => {
        const entry = readAs(key, "string");
        const text = entry?.value ?? "0";
        const value = Number(text);
        if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value + 1)) {
          throw new RangeError(`Value at "${key}" is not an integer: ${text}`);
        }
        const next = String(value + 1);
        // Like Redis INCR, an existing expiry is kept.
        const expiresAt = entry?.expiresAt ?? Infinity;
        entries.set(key, { kind: "string", value: next, chars: next.length, expiresAt });
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
          entries.set(LIMIT_PREFIX + key, {
            kind: "window",
            window,
            chars: 0,
            expiresAt: (window.index + 2) * windowMs,
          });
        }
        return result;
      }),

    append: (key, value, maxLength) =>
      Promise.try(() => {
        requirePositiveInteger("maxLength", maxLength);
        const list = readAs(key, "list");
        const items = list?.items ?? [];
        let chars = (list?.chars ?? 0) + value.length;
        items.push(value);
        // Trimmed in batches, so an append does not shift the whole list each time;
        // tail() never shows more than maxLength.
        if (items.length > maxLength + (maxLength >> 3)) {
          for (const dropped of items.splice(0, items.length - maxLength)) chars -= dropped.length;
        }
        entries.set(key, { kind: "list", items, maxLength, chars, expiresAt: Infinity });
      }),

    tail: (key, count) =>
      Promise.try(() => {
        const list = readAs(key, "list");
        const take = Math.min(count, list?.maxLength ?? 0);
        // slice(-0) would return the whole list.
        return take > 0 ? list!.items.slice(-take) : [];
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
