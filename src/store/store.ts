/**
 * The storage contract shared by the cache, the rate limiters and the event
 * stream. Two implementations: in-process memory (the default) and Upstash
 * Redis REST (shared by every instance). Values are strings; callers encode.
 * @module
 */

/** Outcome of one rate-limit check. */
export interface LimitResult {
  /** Whether the call may proceed now (it has been counted if so). */
  allowed: boolean;
  /** Calls still allowed in the current window after this one. */
  remaining: number;
  /** Milliseconds until a refused call could succeed (0 when allowed). */
  retryAfterMs: number;
}

/** Key-value, counters, sliding-window limits and capped lists. */
export interface Store {
  /** Which implementation this is, for logs and `/readyz`. */
  readonly kind: "memory" | "upstash";
  /** The value at `key`, or `null` when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Many values at once, `null` for each missing key, in order. */
  mget(keys: string[]): Promise<(string | null)[]>;
  /** Sets `key` to `value`, expiring after `ttlSeconds` (like `SETEX`). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets `key` only when absent (like `SET NX EX`); `true` when it was set. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Deletes keys; missing keys are ignored. */
  del(...keys: string[]): Promise<void>;
  /** Increments an integer counter (created at 0) and returns the new value. */
  incr(key: string): Promise<number>;
  /**
   * Sliding-window limit: at most `max` calls per `windowMs` for `key`.
   * Upstash uses `@upstash/ratelimit`; memory runs the same algorithm.
   */
  limit(key: string, max: number, windowMs: number): Promise<LimitResult>;
  /** Appends to the list at `key`, keeping only the newest `maxLength` items. */
  append(key: string, value: string, maxLength: number): Promise<void>;
  /** The newest `count` items of the list at `key`, oldest first. */
  tail(key: string, count: number): Promise<string[]>;
  /** Resolves when the store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
}
