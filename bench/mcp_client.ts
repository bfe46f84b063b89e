/**
 * A bare MCP Streamable HTTP client on `fetch`, for load: no SDK on the
 * client side, so what is timed is the server. Stateful sessions initialize
 * once and send `Mcp-Session-Id`; stateless requests carry only the headers.
 * @module
 */

/** Protocol version requested in `initialize`. */
const protocolVersion = "2025-11-25";

const baseHeaders = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

/** A JSON-RPC response. */
export interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/**
 * The JSON-RPC message text of an answer: the body itself (JSON) or the
 * `data:` of its first `message` event (SSE).
 */
export function messageText(body: string, contentType: string | null): string {
  if (!contentType?.includes("text/event-stream")) return body;
  const data = body.split("\n").filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart()).find((line) => line.startsWith("{"));
  if (data === undefined) throw new Error(`No JSON-RPC message in the SSE stream: ${body}`);
  return data;
}

/** POSTs one JSON-RPC message and returns the answer's message (or null for 202). */
async function post(
  url: string,
  headers: Record<string, string>,
  message: unknown,
): Promise<{ response: Response; message: JsonRpcResponse | null }> {
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(message) });
  const body = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}: ${body}`);
  return {
    response,
    message: body ? JSON.parse(messageText(body, response.headers.get("content-type"))) : null,
  };
}

/** A way to talk to one server: the headers every request carries. */
export interface McpChannel {
  url: string;
  headers: Record<string, string>;
  /** Ends the session (stateful); nothing to do stateless. */
  close(): Promise<void>;
}

/**
 * Opens a channel to `url` (the `/mcp` endpoint): a new session when
 * `stateless` is false (initialize, then `notifications/initialized`).
 */
export async function openChannel(url: string, stateless: boolean): Promise<McpChannel> {
  const headers: Record<string, string> = {
    ...baseHeaders,
    "mcp-protocol-version": protocolVersion,
  };
  if (stateless) return { url, headers, close: () => Promise.resolve() };
  const { response, message } = await post(url, baseHeaders, {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion,
      capabilities: {},
      clientInfo: { name: "slack-mcp-bench", version: "1.0.0" },
    },
  });
  const sessionId = response.headers.get("mcp-session-id");
  if (!sessionId) throw new Error("initialize answered without an Mcp-Session-Id");
  headers["mcp-session-id"] = sessionId;
  headers["mcp-protocol-version"] = String(message?.result?.protocolVersion ?? protocolVersion);
  await post(url, headers, { jsonrpc: "2.0", method: "notifications/initialized" });
  return {
    url,
    headers,
    async close() {
      await (await fetch(url, { method: "DELETE", headers })).body?.cancel();
    },
  };
}

/** Calls a tool once and returns the parsed answer (for checks and sizes, not for load). */
export async function callTool(
  channel: McpChannel,
  name: string,
  args: Record<string, unknown>,
): Promise<JsonRpcResponse> {
  const { message } = await post(channel.url, channel.headers, {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: args },
  });
  if (!message?.result || message.result.isError) {
    throw new Error(`${name} failed: ${JSON.stringify(message)}`);
  }
  return message;
}

/**
 * A load request: POSTs `tools/call` of `name` (fresh id each time) and
 * checks the answer cheaply (200, a result, not `isError`) without parsing it,
 * so the client's cost stays the same as against the baseline.
 */
export function toolCaller(
  channel: McpChannel,
  name: string,
  args: Record<string, unknown>,
): () => Promise<boolean> {
  const params = JSON.stringify({ name, arguments: args });
  let id = 1;
  return async () => {
    const body = `{"jsonrpc":"2.0","id":${id++},"method":"tools/call","params":${params}}`;
    const response = await fetch(channel.url, { method: "POST", headers: channel.headers, body });
    const text = await response.text();
    return response.status === 200 && text.includes('"result"') && !text.includes('"isError":true');
  };
}
