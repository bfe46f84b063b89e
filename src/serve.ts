/**
 * Wires config → services → MCP factory → app → `Deno.serve`, and tears it all
 * down again. `main.ts`, the demo and the end-to-end tests start servers here.
 * @module
 */
import { type Config, ConfigError } from "./config.ts";
import { createServices, type ServiceOverrides, type Services } from "./services.ts";
import { createServerFactory, type ServerFactory } from "./mcp/server.ts";
import { createToolPipeline, type ToolPipeline } from "./mcp/pipeline.ts";
import { createEventBus } from "./mcp/event_bus.ts";
import { tools } from "./mcp/catalog.ts";
import type { CallerInfo } from "./mcp/pipeline.ts";
import { createPeople } from "./people.ts";
import { createRedactor } from "./util/redact.ts";
import { secretSettings } from "./config.ts";
import { createMcpEndpoint, type McpEndpoint } from "./http/mcp_route.ts";
import { createApp, type ReadinessChecks } from "./app.ts";
import { createIntake, type Intake } from "./events/intake.ts";
import { createWebhook } from "./events/webhook.ts";
import { type SocketMode, startSocketMode } from "./events/socket_mode.ts";
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

/** Builds the services and the MCP factory for `config` (shared by HTTP and stdio). */
export async function createRuntime(config: Config, overrides: ServiceOverrides = {}) {
  const services = await createServices(config, overrides);
  const oauth = config.multiUser && config.mode !== "stdio"
    ? await startOAuth(config, services, overrides)
    : undefined;
  const people = oauth ? createPeople({ services, oauth }) : undefined;
  const depsOf = (caller: CallerInfo) =>
    caller.principal && people ? people.deps(caller.principal) : services;
  const pipeline = createToolPipeline({
    tools,
    policy: {
      readOnly: config.slack.readOnly,
      writeChannels: config.slack.writeChannels,
      defaultChannel: config.slack.defaultChannel,
      ratePerMinute: config.rateLimitPerMinute,
    },
    deps: depsOf,
    limit: (key, max, windowMs) => services.store.limit(key, max, windowMs),
    redact: createRedactor(secretSettings(config).map(([, value]) => value)),
  });
  const factory = createServerFactory({
    pipeline,
    deps: depsOf,
    cacheTtlSeconds: config.cacheTtlSeconds,
  });
  const intake = createIntake({
    store: services.store,
    events: services.events,
    cache: services.cache,
    now: services.now,
    observe: oauth &&
      ((envelope) => oauth.handleSlackEvent(envelope.team_id ?? "", envelope.event)),
  });
  return { services, pipeline, factory, intake, oauth };
}

/** Starts Socket Mode when `SLACK_APP_TOKEN` is set (HTTP and stdio alike). */
/**
 * Multi-user mode's authorization server. Each person is asked for the user
 * scopes of the tools this server lists (none for writing when read-only).
 */
async function startOAuth(config: Config, services: Services, overrides: ServiceOverrides) {
  const { createOAuthServer } = await import("./oauth/oauth_server.ts");
  const listed = tools.filter((t) => !(config.slack.readOnly && !t.annotations.readOnlyHint));
  const multiUser = config.multiUser!;
  return createOAuthServer({
    publicUrl: multiUser.publicUrl,
    slackApiUrl: config.slack.apiUrl,
    slackClientId: multiUser.clientId,
    slackClientSecret: multiUser.clientSecret,
    encryptionKey: multiUser.encryptionKey,
    allowedTeams: multiUser.allowedTeams,
    userScopes: [...new Set(listed.flatMap((t) => [...t.slack.bot, ...t.slack.user ?? []]))].sort(),
    store: services.store,
    fetch: overrides.fetch,
    now: overrides.now,
    allowPrivateClientMetadata: overrides.allowPrivateClientMetadata,
  });
}

export function startEventSocket(
  config: Config,
  intake: Intake,
  overrides: ServiceOverrides = {},
): SocketMode | undefined {
  if (!config.slack.appToken) return undefined;
  return startSocketMode({
    apiUrl: config.slack.apiUrl,
    appToken: config.slack.appToken,
    intake,
    fetch: overrides.fetch,
  });
}

/**
 * Starts serving `config` over HTTP (HTTPS with TLS files).
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
  const { services, pipeline, factory, intake, oauth } = await createRuntime(config, overrides);
  const mcp = createMcpEndpoint({
    factory,
    stateless: config.http.stateless,
    bus: createEventBus(services.events),
  });
  // Filled in once serving; readiness probes may come before that.
  const events: { socket?: SocketMode } = {};
  const app = createApp({
    config,
    pipeline,
    mcp,
    oauth,
    // The webhook checks Slack's timestamps against the real clock, never a test clock.
    webhook: config.slack.signingSecret
      ? createWebhook({ signingSecret: config.slack.signingSecret, intake })
      : undefined,
    readiness: async () => {
      // Multi-user mode may run with no bot token: then only the store is checked.
      const [slack, store] = await Promise.allSettled([
        config.slack.botToken ? services.slack.call("auth.test") : Promise.resolve(),
        services.store.ping(),
      ]);
      const check = (r: PromiseSettledResult<unknown>) =>
        r.status === "fulfilled"
          ? { ok: true }
          : { ok: false, detail: String(r.reason?.message ?? r.reason) };
      const checks: ReadinessChecks = { slack: check(slack), store: check(store) };
      if (events.socket) {
        const state = events.socket.state();
        checks.socket_mode = state === "connected" ? { ok: true } : { ok: false, detail: state };
      }
      return checks;
    },
  });
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: config.http.host,
    port: config.http.port,
    ...tls,
    onListen: resolve,
  }, (request, info) => app.fetch(request, info));
  const address = await listening;
  // Started once serving, so a failed listen leaves no connection behind.
  const socketMode = events.socket = startEventSocket(config, intake, overrides);
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
