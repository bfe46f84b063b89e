/**
 * The MCP SDK's client side, typed the same way as `src/mcp/sdk.ts` (whose
 * server-side exports it also re-exports), kept out of the server's import
 * graph: only tests and benchmarks are MCP clients.
 * @module
 */

export * from "../src/mcp/sdk.ts";
// @ts-types="../node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.d.ts"
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="../node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.d.ts"
export { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
