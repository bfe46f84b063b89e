/**
 * The {@link Store} shared by every instance: Upstash Redis over REST, with
 * `@upstash/ratelimit` for limits. Each operation is bounded in time and any
 * failure becomes a {@link StoreUnavailableError}, so callers can fail open.
 * @module
 */
import { Redis } from "@upstash/redis";
import { Ratelimit } from "@upstash/ratelimit";
import type { Store } from "./store.ts";
import { storeKeys } from "./keys.ts";

/** Options of {@link createUpstashStore}. */
export interface UpstashStoreOptions {
  /** REST URL of the database, e.g. `https://eu1-x.upstash.io`. */
  url: string;
  /** REST token; sent as a bearer token and never put in messages. */
  token: string;
  /** Most time one operation may take, default 1000 ms. */
  timeoutMs?: number;
}

/** Upstash did not answer in time, could not be reached, or refused the operation. */
export class StoreUnavailableError extends Error {
  /** The store operation that failed, e.g. `"get"`. */
  readonly operation: string;

  constructor(operation: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreUnavailableError";
    this.operation = operation;
  }
}

/**
 * Creates a store on Upstash Redis.
 *
 * @example
 * ```ts
 * const store = createUpstashStore({ url: env.UPSTASH_URL, token: env.UPSTASH_TOKEN });
 * await store.ping();
 * ```
 */
export function createUpstashStore(options: UpstashStoreOptions): Store {
  const timeoutMs = options.timeoutMs ?? 1000;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    enableTelemetry: false,
    // Values must come back exactly as stored, not JSON-parsed ("123" stays a string).
    automaticDeserialization: false,
    // One HTTP request per operation, so each has its own deadline and error.
    enableAutoPipelining: false,
    retry: { retries: 1, backoff: () => 50 },
    // A function, so each request gets its own deadline; with a plain signal
    // the client would turn an abort into a successful "Aborted" result.
    signal: () => AbortSignal.timeout(timeoutMs),
  });
  const limiters = new Map<string, Ratelimit>();

  function limiter(max: number, windowMs: number): Ratelimit {
    const id = `${max}/${windowMs}`;
    let ratelimit = limiters.get(id);
    if (!ratelimit) {
      ratelimit = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(max, `${windowMs} ms`),
        prefix: storeKeys.limitPrefix,
        // The ephemeral cache would refuse locally until the window ends,
        // without asking Redis, though the previous window's decaying weight
        // may free calls sooner; instances would then disagree on the budget.
        ephemeralCache: false,
        enableProtection: false,
        analytics: false,
        enableTelemetry: false,
        // Its own timeout silently allows the call; ours reports the outage instead.
        timeout: 0,
      });
      limiters.set(id, ratelimit);
    }
    return ratelimit;
  }

  async function bounded<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new StoreUnavailableError(
            operation,
            `Upstash did not answer ${operation} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
    });
    const attempt = run().catch((cause: unknown) => {
      throw new StoreUnavailableError(
        operation,
        `Upstash could not ${operation}: ${describe(cause)}`,
        { cause },
      );
    });
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    kind: "upstash",

    get: (key) => bounded("get", () => redis.get<string>(key)),

    mget: (keys) =>
      keys.length === 0
        ? Promise.resolve([])
        : bounded("mget", () => redis.mget<(string | null)[]>(keys)),

    set: (key, value, ttlSeconds) =>
      bounded("set", async () => {
        await redis.set(key, value, { px: Math.ceil(ttlSeconds * 1000) });
      }),

    setIfAbsent: (key, value, ttlSeconds) =>
      bounded("setIfAbsent", async () => {
        const reply = await redis.set(key, value, { nx: true, px: Math.ceil(ttlSeconds * 1000) });
        return reply === "OK";
      }),

    del: (...keys) =>
      keys.length === 0 ? Promise.resolve() : bounded("del", async () => {
        await redis.del(...keys);
      }),

    incr: (key) => bounded("incr", () => redis.incr(key)),

    limit(key, max, windowMs) {
      const ratelimit = limiter(max, windowMs);
      return bounded("limit", async () => {
        const { success, remaining, reset } = await ratelimit.limit(key);
        // `reset` ends the current fixed window; at that very millisecond the
        // previous window still weighs in fully, so one more is needed.
        return {
          allowed: success,
          remaining,
          retryAfterMs: success ? 0 : Math.max(0, reset + 1 - Date.now()),
        };
      });
    },

    append(key, value, maxLength) {
      // LTRIM with -0 would keep the whole list.
      if (!Number.isInteger(maxLength) || maxLength < 1) {
        return Promise.reject(
          new RangeError(`maxLength must be a positive integer, got ${maxLength}`),
        );
      }
      return bounded("append", async () => {
        await redis.multi().rpush(key, value).ltrim(key, -maxLength, -1).exec();
      });
    },

    tail: (key, count) =>
      // LRANGE -0 -1 would return the whole list.
      count > 0
        ? bounded("tail", () => redis.lrange<string>(key, -count, -1))
        : Promise.resolve([]),

    ping: () =>
      bounded("ping", async () => {
        await redis.ping();
      }),
  };
}

/** The cause's message without the command the client appends, which can carry stored values. */
function describe(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split(", command was:")[0];
}
