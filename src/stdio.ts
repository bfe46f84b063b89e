/**
 * The same tools over the MCP stdio transport, for desktop clients that spawn
 * the server. Logs go to stderr; stdout carries only protocol messages.
 * @module
 */
import type { Config } from "./config.ts";
import { StdioServerTransport } from "./mcp/sdk.ts";
import { createRuntime, startEventSocket } from "./serve.ts";
import type { ServiceOverrides } from "./services.ts";

/** Serves one MCP session on stdin/stdout until stdin closes. */
export async function serveStdio(config: Config, overrides: ServiceOverrides = {}): Promise<void> {
  const { factory, intake } = await createRuntime(config, overrides);
  // Over stdio there is no webhook: Socket Mode is how events arrive.
  const socket = startEventSocket(config, intake, overrides);
  const server = factory.newServer();
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  await closed;
  await socket?.stop();
  await intake.drain(5_000);
}
