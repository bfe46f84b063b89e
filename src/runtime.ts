/**
 * The server's runtime: services, the tool pipeline, the MCP server factory
 * (shared by HTTP and stdio), and for HTTP the endpoint and the Hono app.
 * `serve.ts` loads it only once it listens, so `/healthz` answers while the
 * MCP stack is still loading.
 * @module
 */
import type { Config } from "./config.ts";
import { createServices, type ServiceOverrides, type Services } from "./services.ts";
import { createServerFactory } from "./mcp/server.ts";
import { createToolPipeline } from "./mcp/pipeline.ts";
import { createEventBus } from "./mcp/event_bus.ts";
import { tools } from "./mcp/catalog.ts";
import type { CallerInfo } from "./mcp/pipeline.ts";
import { createPeople } from "./people.ts";
import { createRedactor } from "./util/redact.ts";
import { secretSettings } from "./config.ts";
import { createMcpEndpoint } from "./http/mcp_route.ts";
import { createApp, type ReadinessChecks } from "./app.ts";
import { createIntake, type Intake } from "./events/intake.ts";
import { createWebhook } from "./events/webhook.ts";
import type { SocketMode } from "./events/socket_mode.ts";

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

/** Socket Mode, when `SLACK_APP_TOKEN` is set (its module loaded only then). */
export async function startEventSocket(
  config: Config,
  intake: Intake,
  overrides: ServiceOverrides = {},
): Promise<SocketMode | undefined> {
  if (!config.slack.appToken) return undefined;
  const { startSocketMode } = await import("./events/socket_mode.ts");
  return startSocketMode({
    apiUrl: config.slack.apiUrl,
    appToken: config.slack.appToken,
    intake,
    fetch: overrides.fetch,
  });
}

/**
 * Everything HTTP serving needs, built from `config`: the runtime, the MCP
 * endpoint and the app. `events.socket` is filled in once serving.
 */
export async function createHttpRuntime(config: Config, overrides: ServiceOverrides = {}) {
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
  return { services, pipeline, factory, intake, mcp, app, events };
}
