/**
 * Failures of prompts and resources as JSON-RPC errors: what the caller can
 * fix is invalid params, Slack's failures keep their actionable message, and
 * anything else is logged and reported without internals.
 * @module
 */
import { ErrorCode } from "./sdk.ts";
import { ToolError } from "./tool.ts";
import { SlackApiError } from "../slack/errors.ts";
import { logger } from "../log/logger.ts";

/** An error the SDK answers as `{code, message}`. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  /**
   * Unlike the SDK's `McpError`, whose message already starts "MCP error
   * <code>:", so clients show the prefix twice, the message stays as written.
   */
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** An invalid-params error: the caller can fix it. */
export function invalidParams(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidParams, message);
}

/**
 * The error to answer with after `action` (e.g. `Reading slack://…`) failed.
 *
 * @example
 * ```ts
 * try { … } catch (error) { throw toProtocolError(`Reading ${uri}`, error); }
 * ```
 */
export function toProtocolError(action: string, error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof ToolError) return invalidParams(error.message);
  if (error instanceof SlackApiError) {
    return new ProtocolError(ErrorCode.InternalError, error.message);
  }
  logger("mcp").error("{action} failed: {error}", {
    action,
    error: error instanceof Error ? error.stack ?? error.message : String(error),
  });
  return new ProtocolError(
    ErrorCode.InternalError,
    `${action} failed; the server log has the details.`,
  );
}
