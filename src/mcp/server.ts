/**
 * Server assembly: one factory builds the MCP `Server` for either protocol era
 * (2025 sessions, stateless requests, 2026-07-28 per-request envelopes, stdio)
 * from lists and JSON schemas computed once at startup. Building a server only
 * attaches handlers to that shared data; every tool call, prompt and resource
 * read goes through the one pipeline (`pipeline.ts`).
 * @module
 */
import { z } from "zod";
import {
  type CallToolResult,
  type McpRequestContext,
  Server,
  type ServerContext,
  type Tool,
} from "@modelcontextprotocol/server";
import type { CallerInfo, RunOptions, ToolPipeline } from "./pipeline.ts";
import type { ToolDefinition, ToolDeps } from "./tool.ts";
import { complete, getPrompt, promptContext, promptList } from "./prompts.ts";
import {
  readResource,
  resourceList,
  resourceTemplateList,
  trackSubscriptions,
} from "./resources.ts";
import { toProtocolError } from "./errors.ts";
import { withNotices } from "../util/notices.ts";
import { logger } from "../log/logger.ts";
import { serverInfo } from "../version.ts";

const instructions =
  "Slack workspace tools. Channel parameters take an ID (C…), a name (#general) or a person (@alice) for the direct message with them; user parameters take an ID (U…) or @handle.";

/** Options of {@link createServerFactory}. */
export interface ServerFactoryOptions {
  pipeline: ToolPipeline;
  /** The caller's dependencies, for prompts, resources and completion. */
  deps(caller: CallerInfo): ToolDeps | Promise<ToolDeps>;
  /** `CACHE_TTL_SECONDS`: how long clients may cache what we cache. */
  cacheTtlSeconds: number;
}

/** Builds a server per session, request or stdio connection. */
export type ServerFactory = (context?: Partial<McpRequestContext>) => Server;

/** The listed form of a tool, as `tools/list` returns it. */
export function listedTool(t: ToolDefinition): Tool {
  const schema = (s: z.ZodObject) => {
    const json = z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
    delete json.$schema;
    return json;
  };
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: schema(t.input) as Tool["inputSchema"],
    outputSchema: schema(t.output) as Tool["outputSchema"],
    annotations: { title: t.title, ...t.annotations },
    ...(t.meta && { _meta: t.meta }),
  };
}

/** Who is calling, from what the HTTP layer passed as `authInfo` (stdio: nobody in particular). */
function callerOf(ctx: ServerContext): CallerInfo {
  const extra = ctx.http?.authInfo?.extra as CallerInfo | undefined;
  return extra ?? { clientId: "stdio", requestId: String(ctx.mcpReq.id) };
}

function runOptions(ctx: ServerContext): RunOptions {
  const token = ctx.mcpReq._meta?.progressToken;
  return {
    caller: callerOf(ctx),
    signal: ctx.mcpReq.signal,
    progress: token === undefined ? undefined : (progress, total, message) =>
      ctx.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken: token, progress, total, message },
      }),
  };
}

/**
 * Creates the factory.
 *
 * @example
 * ```ts
 * const factory = createServerFactory({ pipeline, deps: () => deps, cacheTtlSeconds: 300 });
 * const handler = createMcpHandler(factory);
 * ```
 */
export function createServerFactory(options: ServerFactoryOptions): ServerFactory {
  const { pipeline } = options;
  const toolList = { tools: pipeline.tools.map(listedTool) };
  const promptsResult = { prompts: promptList };
  const resourcesResult = { resources: resourceList };
  const templatesResult = { resourceTemplates: resourceTemplateList };
  const cacheTtlMs = options.cacheTtlSeconds * 1000;
  // The lists are the same for every caller and change only with a restart.
  const listHint = { ttlMs: cacheTtlMs, cacheScope: "public" } as const;
  const log = logger("mcp");

  return function newServer(): Server {
    const server = new Server(serverInfo, {
      capabilities: {
        tools: { listChanged: false },
        prompts: { listChanged: false },
        resources: { subscribe: true, listChanged: false },
        completions: {},
        logging: {},
      },
      instructions,
      cacheHints: {
        "tools/list": listHint,
        "prompts/list": listHint,
        "resources/list": listHint,
        "resources/templates/list": listHint,
        "server/discover": listHint,
      },
    });

    server.setRequestHandler("tools/list", () => toolList);
    server.setRequestHandler("tools/call", (request, ctx): Promise<CallToolResult> =>
      withNotices(
        (level, data) => void ctx.mcpReq.log(level, data).catch(() => {}),
        () => pipeline.call(request.params.name, request.params.arguments, runOptions(ctx)),
      ));

    server.setRequestHandler("prompts/list", () => promptsResult);
    server.setRequestHandler("prompts/get", async (request, ctx) => {
      const run = runOptions(ctx);
      const deps = await options.deps(run.caller);
      return await getPrompt(
        request.params.name,
        request.params.arguments ?? {},
        promptContext(pipeline, deps, run),
      );
    });
    server.setRequestHandler("completion/complete", async (request, ctx) => {
      try {
        const deps = await options.deps(callerOf(ctx));
        return await complete(request.params.ref, request.params.argument, deps);
      } catch (error) {
        throw toProtocolError("Completing", error);
      }
    });

    server.setRequestHandler("resources/list", () => resourcesResult);
    server.setRequestHandler("resources/templates/list", () => templatesResult);
    server.setRequestHandler("resources/read", async (request, ctx) => {
      const run = runOptions(ctx);
      try {
        const deps = await options.deps(run.caller);
        return await readResource(request.params.uri, { pipeline, deps, cacheTtlMs, run });
      } catch (error) {
        throw toProtocolError(`Reading ${request.params.uri}`, error);
      }
    });

    // 2025 era: subscriptions live as long as the session's server.
    let subscriptions: ReturnType<typeof trackSubscriptions> | undefined;
    server.setRequestHandler("resources/subscribe", async (request, ctx) => {
      const { uri } = request.params;
      try {
        const deps = await options.deps(callerOf(ctx));
        subscriptions ??= trackSubscriptions({
          events: deps.events,
          channelId: (input) => deps.directory.channelId(input),
          send: (updated) =>
            void server.sendResourceUpdated({ uri: updated }).catch((error) =>
              log.debug("Resource update for {uri} not sent: {error}", {
                uri: updated,
                error: String(error),
              })
            ),
        });
        await subscriptions.add(uri);
      } catch (error) {
        throw toProtocolError(`Subscribing to ${uri}`, error);
      }
      return {};
    });
    server.setRequestHandler("resources/unsubscribe", (request) => {
      subscriptions?.remove(request.params.uri);
      return {};
    });
    server.onclose = () => subscriptions?.clear();
    return server;
  };
}
