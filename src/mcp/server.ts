/**
 * Server assembly: the only place tools are registered. Tool listings and JSON
 * schemas are computed once at startup; each MCP session (or, stateless, each
 * request) gets a light `Server` whose handlers share them. Read-only mode,
 * the channel allowlist, the per-client rate limit, argument validation and
 * error rendering all happen here, in one loop, for every tool.
 * @module
 */
import { z } from "zod";
import {
  AjvJsonSchemaValidator,
  CallToolRequestSchema,
  type CallToolResult,
  type jsonSchemaValidator,
  ListToolsRequestSchema,
  Server,
  type Tool,
} from "./sdk.ts";
import type { ToolContext, ToolDefinition } from "./tool.ts";
import { ToolError } from "./tool.ts";
import type { Services } from "../services.ts";
import { SlackApiError } from "../slack/errors.ts";
import { logger } from "../log/logger.ts";
import { createRedactor } from "../util/redact.ts";
import { secretSettings } from "../config.ts";

/** Server name and version reported in `initialize`. */
export const serverInfo = { name: "slack-mcp", version: "0.1.0" } as const;

/** Who is calling: the rate-limit key and the request id for logs. */
export interface CallerInfo {
  clientId: string;
  requestId: string;
}

/** Options of one tool call made outside an MCP session (the compat route). */
export interface CallOptions {
  caller: CallerInfo;
  signal?: AbortSignal;
  progress?: ToolContext["progress"];
}

/**
 * Adds handlers to each new `Server` (prompts, resources, completion). Runs per
 * session, so it must only register handlers around precomputed data.
 */
export type ServerExtension = (server: Server, services: Services) => void;

/** What the server offers. */
export interface Catalog {
  tools: ToolDefinition[];
  extensions: ServerExtension[];
}

/** Builds MCP servers sharing one precomputed catalog. */
export interface McpServerFactory {
  /** The listed tools (after read-only filtering), as `tools/list` returns them. */
  readonly tools: Tool[];
  /** A new `Server` for one session or one stateless request. */
  newServer(): Server;
  /** Runs one tool call with every policy applied; never throws for user errors. */
  callTool(name: string, args: unknown, options: CallOptions): Promise<CallToolResult>;
}

/** `_meta` key of a rate-limited result: seconds until the client may call again. */
export const retryAfterKey = "slack-mcp/retryAfterSeconds";

/** Refused by the per-client rate limit. */
class RateLimitError extends ToolError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** Longest a tool call may run (wait_for_event's 60 s plus margin). */
const toolTimeoutMs = 90_000;

function toJsonSchema(schema: z.ZodObject): Tool["inputSchema"] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  delete json.$schema;
  return json as Tool["inputSchema"];
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) =>
    `${issue.path.length ? issue.path.join(".") : "arguments"}: ${issue.message}`
  ).join("; ");
}

/**
 * Creates the factory.
 *
 * @example
 * ```ts
 * const factory = createMcpServerFactory(services, { tools: allTools, extensions: [] });
 * await factory.newServer().connect(transport);
 * ```
 */
export function createMcpServerFactory(
  services: Services,
  catalog: Catalog,
): McpServerFactory {
  const definitions = catalog.tools;
  const { config } = services;
  const log = logger("mcp");
  const redact = createRedactor(secretSettings(config).map(([, value]) => value));
  const enabled = definitions.filter((t) =>
    !(config.slack.readOnly && !t.annotations.readOnlyHint)
  );
  const byName = new Map(enabled.map((t) => [t.name, t]));
  const tools: Tool[] = enabled.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: toJsonSchema(t.input),
    outputSchema: toJsonSchema(t.output) as Tool["outputSchema"],
    annotations: { title: t.title, ...t.annotations },
  }));
  const listResult = { tools };
  // Shared, and built on first use (never, unless a tool elicits): by default the SDK
  // builds a new Ajv, compiling its meta-schemas, for every Server (every stateless request).
  let ajv: AjvJsonSchemaValidator | undefined;
  const validator: jsonSchemaValidator = {
    getValidator: (schema) => (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema),
  };

  async function allowedChannels(): Promise<Set<string>> {
    const ids = await Promise.all(
      config.slack.writeChannels.map((c) => services.directory.channelId(c).catch(() => c)),
    );
    return new Set(ids);
  }

  async function checkWriteAllowed(tool: ToolDefinition, args: Record<string, unknown>) {
    if (!tool.channelArgument || config.slack.writeChannels.length === 0) return;
    const raw = args[tool.channelArgument] ?? config.slack.defaultChannel;
    if (typeof raw !== "string") return;
    const id = await services.directory.channelId(raw);
    if (!(await allowedChannels()).has(id)) {
      throw new ToolError(
        `${tool.name} may not write to ${raw}: SLACK_WRITE_CHANNELS allows only ${
          config.slack.writeChannels.join(", ")
        }.`,
      );
    }
  }

  async function checkRateLimit(clientId: string) {
    try {
      const result = await services.store.limit(
        `client:${clientId}`,
        config.rateLimitPerMinute,
        60_000,
      );
      if (!result.allowed) {
        const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
        logger("security").warn("Rate limit refused {clientId}: retry in {seconds} s", {
          clientId,
          seconds,
        });
        throw new RateLimitError(
          `Rate limit reached: at most ${config.rateLimitPerMinute} tool calls per minute per client. Retry in ${seconds} s.`,
          seconds,
        );
      }
    } catch (error) {
      if (error instanceof ToolError) throw error;
      // Fail open: a store outage must not take the server down with it.
      log.warn("Rate limit check failed, allowing the call: {error}", { error: String(error) });
    }
  }

  async function callTool(name: string, args: unknown, options: CallOptions) {
    const started = performance.now();
    const tool = byName.get(name);
    const outcome = (result: CallToolResult, cached?: boolean) => {
      log.info("Tool {tool} {outcome} in {ms} ms", {
        tool: name,
        outcome: result.isError ? "failed" : "succeeded",
        ms: Math.round(performance.now() - started),
        cached,
        requestId: options.caller.requestId,
        clientId: options.caller.clientId,
      });
      if (!result.isError) return result;
      const content = result.content.map((c) =>
        c.type === "text" ? { ...c, text: redact(c.text) } : c
      );
      return { ...result, content };
    };
    if (!tool) {
      const known = definitions.find((t) => t.name === name);
      return outcome(errorResult(
        known
          ? `${name} is disabled: the server runs with SLACK_READ_ONLY=true, so write tools are off.`
          : `Unknown tool ${name}: call tools/list to see the available tools.`,
      ));
    }
    // A timer cleared when the call ends: AbortSignal.timeout would keep every call's
    // signals (and whatever listens to them) alive for the full 90 s.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException("Tool call timed out", "TimeoutError")),
      toolTimeoutMs,
    );
    try {
      await checkRateLimit(options.caller.clientId);
      const parsed = tool.input.safeParse(args ?? {});
      if (!parsed.success) {
        throw new ToolError(`Invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
      }
      await checkWriteAllowed(tool, parsed.data);
      const signal = options.signal
        ? AbortSignal.any([options.signal, deadline.signal])
        : deadline.signal;
      const output = await tool.handler(parsed.data, {
        services,
        signal,
        progress: options.progress ?? (() => Promise.resolve()),
      });
      const structured = output.structured as Record<string, unknown>;
      return outcome(
        { content: [{ type: "text", text: output.text }], structuredContent: structured },
        typeof structured.cached === "boolean" ? structured.cached : undefined,
      );
    } catch (error) {
      if (error instanceof RateLimitError) {
        return outcome({
          ...errorResult(error.message),
          _meta: { [retryAfterKey]: error.retryAfterSeconds },
        });
      }
      if (error instanceof ToolError) return outcome(errorResult(error.message));
      if (error instanceof SlackApiError) return outcome(errorResult(error.message));
      if (error instanceof DOMException && error.name === "TimeoutError") {
        return outcome(
          errorResult(`${name} took longer than ${toolTimeoutMs / 1000} s and was stopped.`),
        );
      }
      if (options.signal?.aborted) return outcome(errorResult(`${name} was cancelled.`));
      log.error("Tool {tool} crashed: {error}", {
        tool: name,
        error: error instanceof Error ? error.stack ?? error.message : String(error),
        requestId: options.caller.requestId,
      });
      return outcome(errorResult(
        `${name} failed with an unexpected server error (request id ${options.caller.requestId}); the server log has the details.`,
      ));
    } finally {
      clearTimeout(timer);
    }
  }

  function newServer(): Server {
    const server = new Server(serverInfo, {
      capabilities: {
        tools: { listChanged: false },
        prompts: { listChanged: false },
        resources: { subscribe: true, listChanged: false },
        completions: {},
      },
      instructions:
        "Slack workspace tools. Channel parameters take an ID (C…) or a name (#general); user parameters take an ID (U…) or @handle.",
      jsonSchemaValidator: validator,
    });
    server.setRequestHandler(ListToolsRequestSchema, () => listResult);
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      const info = extra.authInfo?.extra as CallerInfo | undefined;
      const token = request.params._meta?.progressToken;
      return callTool(request.params.name, request.params.arguments, {
        caller: info ?? { clientId: "stdio", requestId: String(extra.requestId) },
        signal: extra.signal,
        progress: token === undefined
          ? undefined
          : (progress, total, message) =>
            extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress, total, message },
            }),
      });
    });
    for (const extend of catalog.extensions) extend(server, services);
    return server;
  }

  return { tools, newServer, callTool };
}
