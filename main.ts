/**
 * Entry point: reads the config, then serves over HTTP, over stdio, as the
 * demo, or prints the Slack app manifest.
 * @module
 */
import { ConfigError, loadConfig } from "./src/config.ts";
import { run } from "./src/cli.ts";

try {
  await run(loadConfig(Deno.env.toObject(), Deno.args), Deno.args);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`slack-mcp: ${error.message}`);
  Deno.exit(2);
}
