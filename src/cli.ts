/**
 * What `main.ts` runs once the config is valid: logging, then the chosen mode,
 * and a graceful stop on SIGINT/SIGTERM.
 * @module
 */
import { type Config, settingNames } from "./config.ts";
import { configureLogging, logger, stopLogging } from "./log/logger.ts";
import { type RunningServer, startServer } from "./serve.ts";
import { serveStdio } from "./stdio.ts";
import { startDemo } from "./demo/demo.ts";
import { serverInfo } from "./mcp/server.ts";

const help = `slack-mcp ${serverInfo.version}: a Model Context Protocol server for Slack

Usage: slack-mcp [--demo | --stdio | --manifest] [--socket-mode] [--setting value …]

  (no mode)     serve MCP over HTTP on HOST:PORT (needs SLACK_BOT_TOKEN)
  --demo        serve an embedded demo workspace (no Slack account needed)
  --stdio       serve MCP over stdin/stdout for desktop clients
  --manifest    print a Slack app manifest and exit
  --socket-mode with --demo: deliver events over Socket Mode

Settings (environment variables, or flags in kebab case, e.g. --cache-ttl-seconds 60):
  ${settingNames.join("\n  ")}
`;

/** The secret values to mask in logs. */
function secretsOf(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.userToken,
    config.slack.appToken,
    config.slack.signingSecret,
    config.http.authToken,
    config.store.upstash?.token,
  ].filter((s): s is string => Boolean(s));
}

/** Waits for SIGINT/SIGTERM, then closes `server` and exits 0. */
function stopOnSignal(server: RunningServer): void {
  const stop = async () => {
    logger("lifecycle").info("Shutting down: draining in-flight requests");
    await server.close();
    await stopLogging();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

/** Runs the mode `config` selects. */
export async function run(config: Config, args: string[]): Promise<void> {
  if (args.includes("--help")) return console.log(help);
  if (args.includes("--version")) return console.log(serverInfo.version);
  await configureLogging({ ...config.log, secrets: secretsOf(config) });
  switch (config.mode) {
    case "stdio":
      return await serveStdio(config);
    case "demo":
      return stopOnSignal(await startDemo(config));
    case "manifest":
      return console.log("manifest: not yet");
    case "start":
      return stopOnSignal(await startServer(config));
  }
}
