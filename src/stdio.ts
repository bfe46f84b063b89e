/**
 * The same tools over the MCP stdio transport, for desktop clients that spawn
 * the server. The SDK's `serveStdio` picks the era from the opening message
 * (2025 `initialize` or a 2026-07-28 envelope). Logs go to stderr; stdout
 * carries only protocol messages.
 * @module
 */
import {
  serveStdio as serveMcpStdio,
  StdioServerTransport,
} from "@modelcontextprotocol/server/stdio";
import type { Config } from "./config.ts";
import { createRuntime, startEventSocket } from "./runtime.ts";
import type { ServiceOverrides } from "./services.ts";

/** Serves one MCP connection on stdin/stdout until stdin closes. */
export async function serveStdio(config: Config, overrides: ServiceOverrides = {}): Promise<void> {
  const { factory, intake } = await createRuntime(config, overrides);
  // Over stdio there is no webhook: Socket Mode is how events arrive.
  const socket = await startEventSocket(config, intake, overrides);
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  // The entry closes the transport when the connection ends (stdin closed).
  const transport = new StdioServerTransport();
  const close = transport.close.bind(transport);
  transport.close = async () => {
    await close();
    resolve();
  };
  serveMcpStdio(factory, { transport });
  await closed;
  await socket?.stop();
  await intake.drain(5_000);
}
