/**
 * A closed-loop load generator: `concurrency` virtual clients, each sending
 * its next request as soon as the previous one is answered, for a fixed time
 * or a fixed number of requests. Latency is timed per request after warm-up.
 * @module
 */

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Virtual clients sending at the same time. */
  concurrency: number;
  /** Stop after this long (timed part, warm-up excluded). */
  durationMs: number;
  /** Stop after this many timed requests, whichever comes first; default unbounded. */
  maxRequests?: number;
  /** Untimed requests per client first (JIT, connection pool); default 20. */
  warmupPerClient?: number;
  /**
   * Sends one request for virtual client `client`; resolves `true` when the
   * answer is the expected one, `false` (an error) otherwise.
   */
  request(client: number): Promise<boolean>;
}

/** Throughput and latency of one load run. */
export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** The `q` quantile (0…1) of ascending `sorted`, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];
}

/** The median of `values` (any order). */
export function median(values: number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Runs the load and reports requests/s and p50/p99 latency. A request that
 * throws counts as an error and its client carries on.
 *
 * @example
 * ```ts
 * const result = await runLoad({
 *   concurrency: 32, durationMs: 3_000,
 *   request: async () => (await fetch(url)).ok,
 * });
 * ```
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { concurrency, request } = options;
  const maxRequests = options.maxRequests ?? Infinity;
  const warmup = options.warmupPerClient ?? 20;
  const attempt = (client: number) => request(client).catch(() => false);

  await Promise.all(Array.from({ length: concurrency }, async (_, client) => {
    for (let i = 0; i < warmup; i++) await attempt(client);
  }));

  let latencies = new Float64Array(65_536);
  let count = 0;
  let errors = 0;
  let started = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;
  await Promise.all(Array.from({ length: concurrency }, async (_, client) => {
    while (started < maxRequests && performance.now() < deadline) {
      started++;
      const sent = performance.now();
      const ok = await attempt(client);
      const ms = performance.now() - sent;
      if (!ok) errors++;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = ms;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  return {
    concurrency,
    requests: count,
    errors,
    seconds: round(seconds),
    perSecond: round(count / seconds, 0),
    p50Ms: round(quantile(sorted, 0.5), 3),
    p99Ms: round(quantile(sorted, 0.99), 3),
  };
}
