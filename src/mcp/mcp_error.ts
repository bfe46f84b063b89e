/**
 * Failures of prompts and resources as JSON-RPC errors: what the caller can
 * fix is invalid params, Slack's failures keep their actionable message, and
 * anything else is logged and reported without internals.
 * @module
 */
import { ErrorCode, McpError } from "./sdk.ts";
import { ToolError } from "./tool.ts";
import { SlackApiError } from "../slack/errors.ts";
import { logger } from "../log/logger.ts";

/**
 * The `McpError` to answer with after `action` (e.g. `Reading slack://…`) failed.
 *
 * @example
 * ```ts
 * try { … } catch (error) { throw toMcpError(`Reading ${uri}`, error); }
 * ```
 */
export function toMcpError(action: string, error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof ToolError) return new McpError(ErrorCode.InvalidParams, error.message);
  if (error instanceof SlackApiError) return new McpError(ErrorCode.InternalError, error.message);
  logger("mcp").error("{action} failed: {error}", {
    action,
    error: error instanceof Error ? error.stack ?? error.message : String(error),
  });
  return new McpError(ErrorCode.InternalError, `${action} failed; the server log has the details.`);
}
