/**
 * The command line: `--help` and `--version` (no configuration needed), the
 * manifest, then logging and the chosen mode, and a graceful stop on
 * SIGINT/SIGTERM.
 * @module
 */
import {
  type Config,
  ConfigError,
  configSummary,
  loadConfig,
  secretSettings,
  settingNames,
} from "./config.ts";
import { configureLogging, logger, stopLogging } from "./log/logger.ts";
import { listen } from "./serve.ts";
import { serverInfo } from "./version.ts";

/** How long `start` waits after listening before it loads the MCP stack unasked. */
const warmAfterMs = 1_000;

/** Longest a graceful stop may take before the process exits anyway (MCP drain is 10 s). */
const shutdownTimeoutMs = 15_000;

const help = `slack-mcp ${serverInfo.version}: a Model Context Protocol server for Slack

Usage: slack-mcp [--demo | --stdio | --manifest] [--socket-mode] [--multi-user] [--setting value …]

  (no mode)     serve MCP over HTTP on HOST:PORT (needs SLACK_BOT_TOKEN)
  --demo        serve an embedded demo workspace (no Slack account needed)
  --stdio       serve MCP over stdin/stdout for desktop clients
  --manifest    print a Slack app manifest (JSON) and exit
  --socket-mode events over Socket Mode (the demo delivers them so; the manifest enables it)
  --multi-user  the demo runs "Sign in with Slack" against its emulator
  --help        print this help; --version prints the version

Settings (environment variables, or flags in kebab case, e.g. --cache-ttl-seconds 60):
  ${settingNames.join("\n  ")}

On SIGINT/SIGTERM the server stops accepting, lets in-flight calls finish
(at most ${shutdownTimeoutMs / 1000} s), closes the MCP sessions and exits 0.
`;

/** Prints help or the version when asked; true if it did. */
function printedInfo(args: string[]): boolean {
  if (args.includes("--help")) console.log(help);
  else if (args.includes("--version")) console.log(serverInfo.version);
  else return false;
  return true;
}

/** Prints the Slack app manifest on stdout, and what it leaves out on stderr. */
async function printManifest(config: Config): Promise<void> {
  const [{ tools }, { buildManifest }] = await Promise.all([
    import("./mcp/catalog.ts"),
    import("./manifest.ts"),
  ]);
  const { manifest, notes } = buildManifest({
    tools: config.slack.readOnly ? tools.filter((t) => t.annotations.readOnlyHint) : tools,
    publicUrl: config.http.publicUrl,
    socketMode: config.socketMode || Boolean(config.slack.appToken),
    multiUser: Boolean(config.multiUser),
  });
  for (const note of notes) console.error(`slack-mcp: ${note}`);
  console.log(JSON.stringify(manifest, null, 2));
}

/**
 * On SIGINT/SIGTERM: stops accepting, drains in flight work, closes `server`
 * and exits 0 (1 when the stop fails or outlasts {@link shutdownTimeoutMs}).
 * A second signal exits at once.
 */
function stopOnSignal(server: { close(): Promise<void> }): void {
  const log = logger("lifecycle");
  let stopping = false;
  const exit = async (code: number) => {
    await stopLogging();
    Deno.exit(code);
  };
  const stop = async (signal: Deno.Signal) => {
    if (stopping) {
      log.warn("{signal} again: exiting without waiting", { signal });
      return await exit(1);
    }
    stopping = true;
    log.info("{signal}: shutting down, letting in-flight calls finish", { signal });
    const timer = setTimeout(() => {
      log.error("Shutdown took over {seconds} s: exiting anyway", {
        seconds: shutdownTimeoutMs / 1000,
      });
      exit(1);
    }, shutdownTimeoutMs);
    try {
      await server.close();
      log.info("Stopped");
      await exit(0);
    } catch (error) {
      log.error("Shutdown failed: {error}", { error });
      await exit(1);
    } finally {
      clearTimeout(timer);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, () => stop(signal));
}

/** Runs the mode `config` selects. */
async function run(config: Config): Promise<void> {
  if (config.mode === "manifest") return await printManifest(config);
  await configureLogging({ ...config.log, secrets: secretSettings(config).map(([, v]) => v) });
  logger("lifecycle").info("Starting slack-mcp {version}: {config}", {
    version: serverInfo.version,
    config: JSON.stringify(configSummary(config)),
  });
  switch (config.mode) {
    case "stdio":
      // Each mode loads its own modules only (start-up time, memory).
      return await (await import("./stdio.ts")).serveStdio(config);
    case "demo":
      return stopOnSignal(await (await import("./demo.ts")).startDemo(config));
    case "start":
      // Liveness at once; the MCP stack loads on the first request, or a moment later.
      return stopOnSignal(await listen(config, {}, { warmAfterMs: warmAfterMs }));
  }
}

/**
 * The whole command line, as `main.ts` runs it: `--help`/`--version` first
 * (they need no configuration), then the config, then {@link run}. A bad
 * setting prints one line naming it and exits 2.
 *
 * @example
 * ```ts
 * await main(Deno.env.toObject(), Deno.args);
 * ```
 */
export async function main(env: Record<string, string | undefined>, args: string[]) {
  if (printedInfo(args)) return;
  try {
    await run(loadConfig(env, args));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`slack-mcp: ${error.message}`);
    Deno.exit(2);
  }
}
