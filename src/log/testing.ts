/**
 * Test support: logging written into memory, to check what the logs hold.
 * @module
 */
import { configureLogging, type LoggingOptions } from "./logger.ts";

/**
 * Configures logging to write into the returned array, one entry per write
 * (a line). No secrets are configured unless given: what is logged must then
 * be clean by itself. Undo with `stopLogging()`.
 *
 * @example
 * ```ts
 * const lines = await captureLogs({ level: "debug", format: "json" });
 * ```
 */
export async function captureLogs(
  options: Omit<LoggingOptions, "stream" | "secrets"> & { secrets?: string[] },
): Promise<string[]> {
  const lines: string[] = [];
  const decoder = new TextDecoder();
  await configureLogging({
    secrets: [],
    ...options,
    stream: new WritableStream({ write: (chunk) => void lines.push(decoder.decode(chunk)) }),
  });
  return lines;
}
