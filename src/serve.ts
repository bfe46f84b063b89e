/**
 * `Deno.serve` for `config`: listens first and answers `/healthz` at once,
 * while the runtime (`runtime.ts`: services, MCP, app) loads; every other
 * request waits for it. Tears it all down again on close. `main.ts`, the demo
 * and the end-to-end tests start servers here.
 * @module
 */
import { type Config, ConfigError } from "./config.ts";
import type { ServiceOverrides, Services } from "./services.ts";
import type { ToolPipeline } from "./mcp/pipeline.ts";
import type { ServerFactory } from "./mcp/server.ts";
import type { McpEndpoint } from "./http/mcp_route.ts";
import type { Intake } from "./events/intake.ts";
import type { SocketMode } from "./events/socket_mode.ts";
import { logger } from "./log/logger.ts";

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8126`. */
  url: string;
  services: Services;
  pipeline: ToolPipeline;
  factory: ServerFactory;
  mcp: McpEndpoint;
  /** Where webhook and Socket Mode events go. */
  intake: Intake;
  /** Socket Mode, running when `SLACK_APP_TOKEN` is set. */
  socketMode?: SocketMode;
  /** Stops accepting, lets in-flight requests finish, closes sessions. */
  close(): Promise<void>;
}

/** Reads a file a setting names; a failure is a configuration error naming the setting. */
async function readSetting(name: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read ${name} (${path}): ${(error as Error).message}`);
  }
}

/** `/healthz`, answered before the runtime has loaded; with a request id, as every answer. */
function healthy(request: Request): Response {
  const id = request.headers.get("x-request-id");
  const requestId = id && id.length <= 128 && /^[\w\-.]+$/.test(id) ? id : crypto.randomUUID();
  return Response.json({ status: "ok" }, { headers: { "x-request-id": requestId } });
}

/**
 * Starts serving `config` over HTTP (HTTPS with TLS files); resolves once the
 * whole runtime is ready.
 *
 * @example
 * ```ts
 * const server = await startServer(loadConfig(Deno.env.toObject()));
 * ```
 */
export async function startServer(
  config: Config,
  overrides: ServiceOverrides = {},
): Promise<RunningServer> {
  const tls = config.http.tls
    ? {
      cert: await readSetting("TLS_CERT_FILE", config.http.tls.certFile),
      key: await readSetting("TLS_KEY_FILE", config.http.tls.keyFile),
    }
    : {};
  const runtime = import("./runtime.ts").then((m) => m.createHttpRuntime(config, overrides));
  // A failed start is reported by the await below; requests meanwhile get a 503.
  runtime.catch(() => {});
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: config.http.host,
    port: config.http.port,
    ...tls,
    onListen: resolve,
  }, async (request, info) => {
    if (request.method === "GET" && new URL(request.url).pathname === "/healthz") {
      return healthy(request);
    }
    try {
      return (await runtime).app.fetch(request, info);
    } catch {
      return Response.json({ error: "unavailable", message: "The server failed to start" }, {
        status: 503,
      });
    }
  });
  const address = await listening;
  let ready;
  try {
    ready = await runtime;
  } catch (error) {
    await server.shutdown();
    throw error;
  }
  const { services, pipeline, factory, intake, mcp, events } = ready;
  // Started once serving, so a failed listen leaves no connection behind.
  const { startEventSocket } = await import("./runtime.ts");
  const socketMode = events.socket = await startEventSocket(config, intake, overrides);
  const scheme = config.http.tls ? "https" : "http";
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  const url = `${scheme}://${host}:${address.port}`;
  logger("http").info("Serving MCP on {url}/mcp", { url });
  return {
    url,
    services,
    pipeline,
    factory,
    mcp,
    intake,
    socketMode,
    async close() {
      // Before the intake drains: the events in hand get acknowledged, no new ones come.
      await socketMode?.stop();
      // Stop accepting first; in-flight requests keep running.
      const stopped = server.shutdown();
      // Let MCP calls finish, then close sessions: that ends their SSE streams,
      // which the shutdown waits for.
      await mcp.close();
      await stopped;
      await intake.drain(5_000);
    },
  };
}
