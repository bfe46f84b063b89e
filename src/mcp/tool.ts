/**
 * A tool is plain data: name, description, zod schemas, annotations and a
 * handler. Only `server.ts` registers tools, applying read-only mode and the
 * channel allowlist in one place.
 * @module
 */
import type { z } from "zod";
import type { Services } from "../services.ts";

/** MCP tool annotations; every tool must say whether it only reads. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** What a handler gets besides its arguments. */
export interface ToolContext {
  services: Services;
  /** Aborted when the client cancels or goes away. */
  signal: AbortSignal;
  /** Sends `notifications/progress` when the client asked for it. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

/** A handler's success: the structured result and its compact text rendering. */
export interface ToolOutput<O> {
  structured: O;
  text: string;
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
  /** For write tools: the channel argument the allowlist checks. */
  channelArgument?: keyof z.infer<I> & string;
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
 *   handler: () => Promise.resolve({ structured: { ok: true }, text: "ok" }),
 * });
 * ```
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

/** A failure the caller can fix (bad argument, refused by policy): an `isError` result. */
export class ToolError extends Error {
  override name = "ToolError";
}
