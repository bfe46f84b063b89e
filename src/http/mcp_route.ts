/**
 * The MCP Streamable HTTP endpoint. Stateful mode keeps one transport and one
 * `Server` per session (a map with idle expiry and a cap); stateless mode builds
 * both per request, so any instance can answer any request. A transport is
 * never shared between sessions or concurrent stateless requests.
 * @module
 */
import { isInitializeRequest, WebStandardStreamableHTTPServerTransport } from "../mcp/sdk.ts";
import type { CallerInfo, McpServerFactory } from "../mcp/server.ts";
import { logger } from "../log/logger.ts";

/** Options of {@link createMcpEndpoint}. */
export interface McpEndpointOptions {
  factory: McpServerFactory;
  stateless: boolean;
  /** Most concurrent sessions, default 1000. */
  maxSessions?: number;
  /** A session with no request for this long is closed, default 30 min. */
  idleMs?: number;
  now?: () => number;
}

/** The endpoint's request handler and lifecycle. */
export interface McpEndpoint {
  handle(request: Request, caller: CallerInfo): Promise<Response>;
  /** Open sessions. */
  sessionCount(): number;
  /** Closes every session (shutdown). */
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  lastSeen: number;
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}

/** Reads a JSON-RPC body; `undefined` when it is not JSON (the transport then answers). */
async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

function startsSession(body: unknown): boolean {
  return Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
}

/**
 * Creates the endpoint.
 *
 * @example
 * ```ts
 * const mcp = createMcpEndpoint({ factory, stateless: false });
 * app.all("/mcp", (c) => mcp.handle(c.req.raw, caller));
 * ```
 */
export function createMcpEndpoint(options: McpEndpointOptions): McpEndpoint {
  const { factory } = options;
  const maxSessions = options.maxSessions ?? 1000;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const log = logger("mcp");

  const sweeper = setInterval(() => {
    const cutoff = now() - idleMs;
    for (const [id, session] of sessions) {
      if (session.lastSeen < cutoff) {
        log.info("Closing idle MCP session {sessionId}", { sessionId: id });
        sessions.delete(id);
        session.transport.close();
      }
    }
  }, Math.min(idleMs, 60_000));
  Deno.unrefTimer(sweeper);

  async function handleStateless(request: Request, caller: CallerInfo) {
    if (request.method !== "POST") {
      return jsonRpcError(405, -32000, "Method not allowed: this server is stateless (POST only)");
    }
    const server = factory.newServer();
    // JSON responses are safe here: the transport lives for this one request.
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, { authInfo: authInfo(caller) });
    } finally {
      await server.close();
    }
  }

  async function handleStateful(request: Request, caller: CallerInfo) {
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return jsonRpcError(404, -32001, "Session not found: initialize a new session");
      session.lastSeen = now();
      return await session.transport.handleRequest(request, { authInfo: authInfo(caller) });
    }
    if (request.method !== "POST") {
      return jsonRpcError(400, -32000, "Bad request: send Mcp-Session-Id, or POST initialize first");
    }
    const body = await readJson(request);
    if (body === undefined) return jsonRpcError(400, -32700, "Parse error: the body is not JSON");
    if (!startsSession(body)) {
      return jsonRpcError(400, -32000, "Bad request: no Mcp-Session-Id header; initialize first");
    }
    if (sessions.size >= maxSessions) {
      return jsonRpcError(503, -32000, `Too many sessions (${maxSessions}); retry later`);
    }
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, lastSeen: now() });
          log.info("MCP session {sessionId} started", { sessionId: id, requestId: caller.requestId });
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          log.info("MCP session {sessionId} ended", { sessionId: id });
        },
      });
    const server = factory.newServer();
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      server.close();
    };
    await server.connect(transport);
    return await transport.handleRequest(request, { parsedBody: body, authInfo: authInfo(caller) });
  }

  return {
    handle: (request, caller) =>
      options.stateless ? handleStateless(request, caller) : handleStateful(request, caller),
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((s) => s.transport.close()));
    },
  };
}

function authInfo(caller: CallerInfo) {
  return { token: "", clientId: caller.clientId, scopes: [], extra: { ...caller } };
}
