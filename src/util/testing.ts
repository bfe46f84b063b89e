/**
 * Test support: waiting for something another task or process does.
 * @module
 */
import { sleep } from "./sleep.ts";

/**
 * Resolves once `check` holds, checking every 5 ms; rejects naming `what`
 * after `timeoutMs`.
 *
 * @example
 * ```ts
 * await until(() => server.sessionCount() === 0, "the sessions closed");
 * ```
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what = "the condition holds",
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(5);
  }
}
