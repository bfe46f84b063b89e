/**
 * A tool is plain data: name, description, zod schemas, annotations, the Slack
 * methods and scopes it uses, and a handler. Only the pipeline
 * (`pipeline.ts`) runs tools, applying validation, channel resolution,
 * read-only mode, the allowlist and the rate limit in one place.
 * @module
 */
import type { z } from "zod";
import type { SlackClient } from "../slack/client.ts";
import type { Directory } from "../slack/directory.ts";
import type { Cache } from "../store/cache.ts";
import type { EventStream } from "../events/event.ts";

/** MCP tool annotations; every tool must say whether it only reads. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** What a tool may use of the server: Slack, names, the cache, events and the clock. */
export interface ToolDeps {
  slack: SlackClient;
  directory: Directory;
  cache: Cache;
  events: EventStream;
  now(): number;
}

/** What a handler gets besides its arguments. */
export interface ToolContext {
  deps: ToolDeps;
  /** `SLACK_WRITE_CHANNELS`, for tools that create conversations. */
  policy: { writeChannels: readonly string[] };
  /** Aborted when the client cancels or goes away, or at the deadline. */
  signal: AbortSignal;
  /** Sends `notifications/progress` when the client asked for it. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

/** A handler's success: the structured result, its compact text, and extra content blocks. */
export interface ToolOutput<O> {
  structured: O;
  text: string;
  /** Blocks after the text, e.g. an image. */
  extra?: ({ type: "image"; data: string; mimeType: string })[];
}

/** The Slack side of a tool: the Web API methods it calls and the scopes they need. */
export interface SlackUse {
  methods: readonly string[];
  /** Bot token scopes. */
  bot: readonly string[];
  /** User token scopes (search, unreads, a person's own view in multi-user mode). */
  user?: readonly string[];
}

/** One tool. `I` and `O` are zod object schemas. */
export interface ToolDefinition<
  I extends z.ZodObject = z.ZodObject,
  O extends z.ZodObject = z.ZodObject,
> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  slack: SlackUse;
  /**
   * The argument naming a conversation. The pipeline resolves it (name,
   * `@handle` DM, default channel) once, so the handler receives the ID, and
   * applies `SLACK_WRITE_CHANNELS` to it for write tools.
   */
  channelArgument?: keyof z.infer<I> & string;
  /**
   * A write tool's channel argument may be left out (a standalone canvas):
   * then no `SLACK_CHANNEL_ID` fallback and no allowlist check apply.
   */
  channelOptional?: boolean;
  /** `_meta` listed with the tool (an MCP Apps view). */
  meta?: Record<string, unknown>;
  handler(args: z.infer<I>, context: ToolContext): Promise<ToolOutput<z.infer<O>>>;
}

/**
 * Declares a tool; the identity function, there for type inference.
 *
 * @example
 * ```ts
 * export const ping = defineTool({
 *   name: "slack_ping", title: "Ping", description: "Checks the connection.",
 *   input: z.object({}), output: z.object({ ok: z.boolean() }),
 *   annotations: { readOnlyHint: true },
 *   slack: { methods: ["auth.test"], bot: [] },
 *   handler: () => Promise.resolve({ structured: { ok: true }, text: "ok" }),
 * });
 * ```
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

/**
 * The annotations of a write tool, every hint stated (MCP defaults
 * `destructiveHint` to true).
 */
export function writeHints(
  { destructive = false, idempotent = false } = {},
): ToolAnnotations {
  return {
    readOnlyHint: false,
    destructiveHint: destructive,
    idempotentHint: idempotent,
    openWorldHint: true,
  };
}

/** A failure the caller can fix (bad argument, refused by policy): an `isError` result. */
export class ToolError extends Error {
  override name = "ToolError";
}

/** Refuses a user-token-only call up front when no user token is configured. */
export function requireUserToken(deps: ToolDeps, tool: string, what: string): void {
  if (deps.slack.hasUserToken) return;
  throw new ToolError(
    `${tool} needs a user token: ${what} belong to a person, and Slack shows them only to that person's token. Set SLACK_USER_TOKEN (xoxp-…) and restart, or sign in with Slack (multi-user mode).`,
  );
}
