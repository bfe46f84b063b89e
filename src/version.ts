/**
 * The server's name and version, as `initialize`, `server/discover` and
 * `--version` report them (a module of its own: the command line needs it
 * without loading the MCP stack).
 * @module
 */

/** Server name and version. */
export const serverInfo = { name: "slack-mcp", version: "0.2.0" } as const;
