/**
 * `Deno.serve` for `config`: listens first and answers `/healthz` at once,
 * loading the runtime (`runtime.ts`: services, MCP, app) on demand; every
 * other request waits for it. Tears it all down again on close. `main.ts`, the demo
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
import type { Hono } from "hono";
import type { AppEnv } from "./app.ts";

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

/** A server that listens, its runtime loaded on demand. */
export interface Listening {
  url: string;
  /** Loads the runtime (once) and resolves with the running server. */
  ready(): Promise<RunningServer>;
  /** Stops serving; closes the runtime when it was loaded. */
  close(): Promise<void>;
}

/**
 * Listens on `config`'s address (HTTPS with TLS files) and answers `/healthz`
 * at once. The runtime (`runtime.ts`: services, MCP, app) loads on the first
 * other request, on {@link Listening.ready}, or `warmAfterMs` after listening,
 * whichever comes first; requests wait for it meanwhile.
 *
 * @example
 * ```ts
 * const listening = await listen(config, {}, { warmAfterMs: 1_000 });
 * ```
 */
export async function listen(
  config: Config,
  overrides: ServiceOverrides = {},
  options: { warmAfterMs?: number } = {},
): Promise<Listening> {
  const tls = config.http.tls
    ? {
      cert: await readSetting("TLS_CERT_FILE", config.http.tls.certFile),
      key: await readSetting("TLS_KEY_FILE", config.http.tls.keyFile),
    }
    : {};
  let running: Promise<RunningServer> | undefined;
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
      return (await ready()).app.fetch(request, info);
    } catch {
      return Response.json({ error: "unavailable", message: "The server failed to start" }, {
        status: 503,
      });
    }
  });
  const address = await listening;
  const scheme = config.http.tls ? "https" : "http";
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  const url = `${scheme}://${host}:${address.port}`;

  async function load(): Promise<RunningServer & { app: Hono<AppEnv> }> {
    const { createHttpRuntime, startEventSocket } = await import("./runtime.ts");
    const { services, pipeline, factory, intake, mcp, events, app } = await createHttpRuntime(
      config,
      overrides,
    );
    // Started once serving, so a failed listen leaves no connection behind.
    const socketMode = events.socket = await startEventSocket(config, intake, overrides);
    logger("http").info("Serving MCP on {url}/mcp", { url });
    return {
      url,
      services,
      pipeline,
      factory,
      mcp,
      intake,
      socketMode,
      app,
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

  function ready() {
    running ??= load().catch((error) => {
      // Said once, here: the warm-up and requests only see the rejection (503 for requests).
      logger("lifecycle").error("The MCP stack failed to load: {error}", { error });
      throw error;
    });
    return running as ReturnType<typeof load>;
  }

  const warm = options.warmAfterMs === undefined
    ? undefined
    : setTimeout(() => ready().catch(() => {}), options.warmAfterMs);
  return {
    url,
    ready,
    async close() {
      clearTimeout(warm);
      const loaded = await running?.catch(() => undefined);
      if (loaded) return await loaded.close();
      await server.shutdown();
    },
  };
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
  const listening = await listen(config, overrides);
  try {
    return await listening.ready();
  } catch (error) {
    await listening.close().catch(() => {});
    throw error;
  }
}
