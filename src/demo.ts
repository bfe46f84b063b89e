/**
 * `deno task demo`: the embedded Slack emulator with a seeded workspace, our
 * server pointed at it, and events delivered back as Slack would (signed to
 * our webhook, or with `--socket-mode` over the emulator's Socket Mode), so
 * every tool works with no Slack account and no network.
 * @module
 */
import type { Config } from "./config.ts";
import { type RunningServer, startServer } from "./serve.ts";
import { defaultTokens as demoTokens, serveEmulator } from "./slack_emulator/emulator.ts";
import { createSeedWorkspace } from "./slack_emulator/seed.ts";
import { defaultOAuthClient } from "./slack_emulator/oauth.ts";
import { startEventDelivery, startSimulatedActivity } from "./slack_emulator/event_delivery.ts";

function banner(url: string, config: Config): string {
  const mcpUrl = `${url}/mcp`;
  const auth = config.http.authToken ? { Authorization: "Bearer <MCP_AUTH_TOKEN>" } : undefined;
  const clientConfig = {
    mcpServers: { slack: { type: "http", url: mcpUrl, ...(auth ? { headers: auth } : {}) } },
  };
  return [
    "",
    "slack-mcp demo: a seeded Slack workspace (Acme Demo) is running in-process.",
    "",
    `  MCP endpoint:  ${mcpUrl}`,
    `  Health:        ${url}/healthz`,
    `  Events:        ${config.slack.appToken ? "Socket Mode" : "signed webhook"}`,
    "",
    "Client config (Claude Desktop, Cursor, VS Code: paste into its MCP servers file):",
    JSON.stringify(clientConfig, null, 2),
    "",
    ...(config.multiUser
      ? [
        "Multi-user mode: the client signs in with Slack (OAuth); the emulator approves at once",
        "as the demo person Alice. Tokens are per person: /mcp answers 401 until signed in.",
        "",
      ]
      : []),
    "Try it with the MCP Inspector:",
    `  npx @modelcontextprotocol/inspector --cli ${mcpUrl} --transport http --method tools/list`,
    "",
    "Press Ctrl+C to stop.",
    "",
  ].join("\n");
}

/** A free loopback port, for a multi-user demo asked to pick one. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Multi-user settings against the emulator's OAuth app, with a fresh encryption key. */
function demoSignIn(host: string, port: number): Config["multiUser"] {
  const key = crypto.getRandomValues(new Uint8Array(32));
  return {
    clientId: defaultOAuthClient.id,
    clientSecret: defaultOAuthClient.secret,
    encryptionKey: btoa(String.fromCharCode(...key)),
    allowedTeams: [],
    publicUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
  };
}

/**
 * Starts the demo and prints where to connect.
 *
 * @example
 * ```ts
 * const demo = await startDemo(loadConfig({}, ["--demo"]));
 * ```
 */
export async function startDemo(config: Config): Promise<RunningServer> {
  const workspace = createSeedWorkspace({ now: Date.now() });
  const emulator = await serveEmulator({ workspace, now: () => Date.now() });
  const signingSecret = config.slack.signingSecret ?? crypto.randomUUID().replaceAll("-", "");
  // Sign-in needs the public URL before serving: fix the port now.
  const port = config.demoMultiUser && config.http.port === 0 ? freePort() : config.http.port;
  const demoConfig: Config = {
    ...config,
    http: { ...config.http, port },
    multiUser: config.demoMultiUser ? demoSignIn(config.http.host, port) : config.multiUser,
    slack: {
      ...config.slack,
      apiUrl: emulator.url,
      botToken: demoTokens.bot,
      // Signed in, each person brings their own user token.
      userToken: config.demoMultiUser ? undefined : demoTokens.user,
      // A real app token would not open the emulator's Socket Mode.
      appToken: config.socketMode ? demoTokens.app : undefined,
      signingSecret,
    },
  };
  const server = await startServer(demoConfig);
  // Over Socket Mode the server connects for its events; otherwise they are POSTed to it.
  const delivery = config.socketMode
    ? { stop: startSimulatedActivity(emulator.emulator, 20_000) }
    : startEventDelivery({
      emulator: emulator.emulator,
      webhookUrl: `${server.url}/slack/events`,
      signingSecret,
    });
  console.log(banner(server.url, demoConfig));
  return {
    ...server,
    async close() {
      await delivery.stop();
      await server.close();
      await emulator.close();
    },
  };
}
