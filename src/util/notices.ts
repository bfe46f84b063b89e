/**
 * Notices for the person watching a client (a long Slack rate-limit wait, a
 * retry, a partial result), carried with the call that causes them: the MCP
 * layer opens a scope per tool call, and the Slack layer reports into
 * whatever scope it runs in, without knowing about MCP.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** Receives one notice. */
export type NoticeSink = (level: "info" | "warning", message: string) => void;

const scope = new AsyncLocalStorage<NoticeSink>();

/**
 * Runs `fn` with `sink` receiving the notices raised inside it.
 *
 * @example
 * ```ts
 * await withNotices((level, text) => console.log(level, text), () => work());
 * ```
 */
export function withNotices<T>(sink: NoticeSink, fn: () => T): T {
  return scope.run(sink, fn);
}

/** Raises a notice in the current scope; a no-op outside one. */
export function notice(level: "info" | "warning", message: string): void {
  scope.getStore()?.(level, message);
}
