/**
 * The one tool pipeline. Every tool call, whether from `tools/call` in either
 * protocol era, the compatibility route, a prompt or a resource, goes through
 * {@link ToolPipeline.run}: the per-client rate limit, argument validation,
 * read-only mode, resolution of the declared channel argument (once: the
 * handler receives the ID), the write allowlist, a deadline joined with the
 * client's cancellation, and error rendering with secrets redacted.
 * @module
 */
import { z } from "zod";
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { ToolContext, ToolDefinition, ToolDeps, ToolOutput } from "./tool.ts";
import { ToolError } from "./tool.ts";
import { userMessage } from "./errors.ts";
import type { LimitResult } from "../store/store.ts";
import { logger } from "../log/logger.ts";
import { startDeadline } from "../util/deadline.ts";

/** Who is calling: the rate-limit key and the request id for logs. */
export interface CallerInfo {
  clientId: string;
  requestId: string;
  /** Multi-user mode: the person acting (`team:user`), whose Slack token is used. */
  principal?: string;
}

/** What the pipeline enforces besides each tool's schema. */
export interface ToolPolicy {
  /** `SLACK_READ_ONLY`: write tools are not listed and refuse to run. */
  readOnly: boolean;
  /** `SLACK_WRITE_CHANNELS`: conversations write tools may touch; empty = all. */
  writeChannels: readonly string[];
  /** `SLACK_CHANNEL_ID`: the channel when a call names none. */
  defaultChannel?: string;
  /** Tool calls per minute per client. */
  ratePerMinute: number;
}

/** Options of {@link createToolPipeline}. */
export interface ToolPipelineOptions {
  tools: readonly ToolDefinition[];
  policy: ToolPolicy;
  /** The Slack access, names and cache of a caller (per person in multi-user mode). */
  deps(caller: CallerInfo): ToolDeps | Promise<ToolDeps>;
  /** The client rate limit: a sliding window keyed by client. */
  limit(key: string, max: number, windowMs: number): Promise<LimitResult>;
  /** Removes secrets from error text. */
  redact(text: string): string;
  /** Longest a call may run, default 90 s (wait_for_event's 60 s plus margin). */
  timeoutMs?: number;
}

/** Options of one call. */
export interface RunOptions {
  caller: CallerInfo;
  signal?: AbortSignal;
  progress?: ToolContext["progress"];
}

/** Refused by the per-client rate limit. */
export class RateLimitError extends ToolError {
  override name = "RateLimitError";
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** `_meta` key of a rate-limited result: seconds until the client may call again. */
export const retryAfterKey = "slack-mcp/retryAfterSeconds";

/** Runs tools with every policy applied. */
export interface ToolPipeline {
  /** The tools clients may call (write tools dropped in read-only mode), in listing order. */
  readonly tools: readonly ToolDefinition[];
  /** Runs a tool; throws {@link ToolError}, Slack and lookup errors for the caller to render. */
  run(name: string, args: unknown, options: RunOptions): Promise<ToolOutput<unknown>>;
  /** Runs a tool and renders the outcome as a `tools/call` result; never throws. */
  call(name: string, args: unknown, options: RunOptions): Promise<CallToolResult>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) =>
    `${issue.path.length ? issue.path.join(".") : "arguments"}: ${issue.message}`
  ).join("; ");
}

function errorResult(message: string, meta?: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: "text", text: message }],
    isError: true,
    ...(meta && { _meta: meta }),
  };
}

/**
 * Creates the pipeline.
 *
 * @example
 * ```ts
 * const pipeline = createToolPipeline({ tools, policy, deps: () => deps, limit, redact });
 * const result = await pipeline.call("slack_list_channels", {}, { caller });
 * ```
 */
export function createToolPipeline(options: ToolPipelineOptions): ToolPipeline {
  const { policy } = options;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const tools = options.tools.filter((t) => !(policy.readOnly && !t.annotations.readOnlyHint));
  const byName = new Map(tools.map((t) => [t.name, t]));
  const log = logger("mcp");

  async function checkRateLimit(clientId: string) {
    let result;
    try {
      result = await options.limit(`client:${clientId}`, policy.ratePerMinute, 60_000);
    } catch (error) {
      // Fail open: a store outage must not take the server down with it.
      log.warn("Rate limit check failed, allowing the call: {error}", { error: String(error) });
      return;
    }
    if (result.allowed) return;
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    logger("security").warn("Rate limit refused {clientId}: retry in {seconds} s", {
      clientId,
      seconds,
    });
    throw new RateLimitError(
      `Rate limit reached: at most ${policy.ratePerMinute} tool calls per minute per client. Retry in ${seconds} s.`,
      seconds,
    );
  }

  function lookUp(name: string): ToolDefinition {
    const tool = byName.get(name);
    if (tool) return tool;
    throw new ToolError(
      options.tools.some((t) => t.name === name)
        ? `${name} is disabled: the server runs with SLACK_READ_ONLY=true, so write tools are off.`
        : `Unknown tool ${name}: call tools/list to see the available tools.`,
    );
  }

  /**
   * Resolves the channel argument to an ID and applies the write allowlist to
   * it. An absent argument stays absent (an optional filter), except that a
   * write tool falls back to `SLACK_CHANNEL_ID`.
   */
  async function resolveChannel(
    tool: ToolDefinition,
    args: Record<string, unknown>,
    deps: ToolDeps,
  ) {
    const key = tool.channelArgument;
    if (!key) return args;
    const write = !tool.annotations.readOnlyHint;
    const raw = args[key] ?? (write && !tool.channelOptional ? policy.defaultChannel : undefined);
    if (raw === undefined && (!write || tool.channelOptional)) return args;
    if (typeof raw !== "string") {
      throw new ToolError(
        `${tool.name} needs ${key}: name a channel (#general), a person (@alice) or an ID, or set SLACK_CHANNEL_ID.`,
      );
    }
    const id = await deps.directory.channelId(raw);
    if (write && policy.writeChannels.length > 0) {
      const allowed = await Promise.all(
        policy.writeChannels.map((c) => deps.directory.channelId(c).catch(() => c)),
      );
      if (!allowed.includes(id)) {
        throw new ToolError(
          `${tool.name} may not write to ${raw}: SLACK_WRITE_CHANNELS allows only ${
            policy.writeChannels.join(", ")
          }.`,
        );
      }
    }
    return { ...args, [key]: id };
  }

  async function run(name: string, args: unknown, runOptions: RunOptions) {
    const tool = lookUp(name);
    await checkRateLimit(runOptions.caller.clientId);
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) {
      throw new ToolError(`Invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
    }
    const deadline = startDeadline(timeoutMs, runOptions.signal, "Tool call timed out");
    try {
      const deps = await options.deps(runOptions.caller);
      const resolved = await resolveChannel(tool, parsed.data, deps);
      return await tool.handler(resolved, {
        deps,
        policy,
        signal: deadline.signal,
        progress: runOptions.progress ?? (() => Promise.resolve()),
      });
    } catch (error) {
      if (deadline.expired) {
        throw new ToolError(`${name} took longer than ${timeoutMs / 1000} s and was stopped.`);
      }
      if (runOptions.signal?.aborted) throw new ToolError(`${name} was cancelled.`);
      throw error;
    } finally {
      deadline.clear();
    }
  }

  async function call(name: string, args: unknown, runOptions: RunOptions) {
    const started = performance.now();
    let result: CallToolResult;
    try {
      const output = await run(name, args, runOptions);
      result = {
        content: [{ type: "text", text: output.text }, ...(output.extra ?? [])],
        structuredContent: output.structured as Record<string, unknown>,
      };
    } catch (error) {
      const message = userMessage(error);
      if (message === undefined) {
        log.error("Tool {tool} crashed: {error}", {
          tool: name,
          error: error instanceof Error ? error.stack ?? error.message : String(error),
          requestId: runOptions.caller.requestId,
        });
      }
      result = errorResult(
        options.redact(
          message ??
            `${name} failed with an unexpected server error (request id ${runOptions.caller.requestId}); the server log has the details.`,
        ),
        error instanceof RateLimitError ? { [retryAfterKey]: error.retryAfterSeconds } : undefined,
      );
    }
    log.debug("Tool {tool} {outcome} in {ms} ms", {
      tool: name,
      outcome: result.isError ? "failed" : "succeeded",
      ms: Math.round(performance.now() - started),
      requestId: runOptions.caller.requestId,
      clientId: runOptions.caller.clientId,
    });
    return result;
  }

  return { tools, run, call };
}
