/**
 * Deadlines whose timer stops when the work ends. `AbortSignal.timeout` keeps
 * its timer, its signal and whatever listens to it alive for the full time
 * even when the work took a millisecond: under load that is every recent
 * call's signals (thousands of them at a 10 s timeout).
 * @module
 */

/** A running deadline (see {@link startDeadline}). */
export interface Deadline {
  /** Aborts at the deadline (reason: a `TimeoutError` DOMException) or with the parent signal. */
  signal: AbortSignal;
  /** Whether the deadline itself has passed, or {@link Deadline.abort} ended it (not the parent signal). */
  readonly expired: boolean;
  /** Ends it early, aborting its signal with `reason` (a fatal error ending the work). */
  abort(reason: unknown): void;
  /** Stops the timer: call when the work is over. */
  clear(): void;
}

/**
 * Starts a deadline `ms` from now, also aborting when `parent` does.
 *
 * @example
 * ```ts
 * const deadline = startDeadline(10_000, request.signal);
 * try {
 *   return await (await fetch(url, { signal: deadline.signal })).json();
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export function startDeadline(
  ms: number,
  parent?: AbortSignal,
  message = "Signal timed out.",
): Deadline {
  const own = new AbortController();
  const timer = setTimeout(() => own.abort(new DOMException(message, "TimeoutError")), ms);
  return {
    signal: parent ? AbortSignal.any([parent, own.signal]) : own.signal,
    get expired() {
      return own.signal.aborted;
    },
    abort: (reason) => own.abort(reason),
    clear: () => clearTimeout(timer),
  };
}
