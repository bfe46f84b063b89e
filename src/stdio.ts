/**
 * The same tools over the MCP stdio transport, for desktop clients that spawn
 * the server. Logs go to stderr; stdout carries only protocol messages.
 * @module
 */
import type { Config } from "./config.ts";
import { StdioServerTransport } from "./mcp/sdk.ts";
import { createRuntime } from "./serve.ts";
import type { ServiceOverrides } from "./services.ts";

/** Serves one MCP session on stdin/stdout until stdin closes. */
export async function serveStdio(config: Config, overrides: ServiceOverrides = {}): Promise<void> {
  const { factory } = await createRuntime(config, overrides);
  const server = factory.newServer();
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  await closed;
}
