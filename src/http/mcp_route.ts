/**
 * The MCP Streamable HTTP endpoint, both protocol eras on one URL, chosen per
 * request by the SDK's own classifier (`isLegacyRequest`):
 * - 2026-07-28 (per-request `_meta` envelope, `server/discover`,
 *   `subscriptions/listen`): the SDK's `createMcpHandler`, stateless by design,
 *   with our event bus so listeners hear of events from every instance.
 * - 2025-03-26 … 2025-11-25: stateful mode keeps one transport and one
 *   `Server` per session (a map with idle expiry and a cap); with
 *   `MCP_STATELESS=true` each request gets its own, so any instance can answer
 *   any request. A transport is never shared between sessions or concurrent
 *   stateless requests.
 *
 * Limits: sessions, standalone SSE streams (GET) and the size of a JSON-RPC
 * batch are capped; over a cap the request gets a JSON-RPC error and every
 * other request is served as before. `close()` drains in-flight requests
 * (bounded) before it closes the sessions.
 * @module
 */
import {
  type AuthInfo,
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  legacyStatelessFallback,
  type ServerEventBus,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { CallerInfo } from "../mcp/pipeline.ts";
import type { ServerFactory } from "../mcp/server.ts";
import { logger } from "../log/logger.ts";

/** Options of {@link createMcpEndpoint}. */
export interface McpEndpointOptions {
  factory: ServerFactory;
  /** 2025 era without sessions (`MCP_STATELESS=true`). */
  stateless: boolean;
  /** Feeds `subscriptions/listen` streams (2026-07-28). */
  bus: ServerEventBus;
  /** Largest request body, default 8 MiB (a 5 MiB upload as base64 fits). */
  maxBodyBytes?: number;
  /** Most concurrent sessions, default 1000. */
  maxSessions?: number;
  /** Most concurrent standalone SSE streams (`GET /mcp`), default 200. */
  maxStreams?: number;
  /** Most JSON-RPC messages in one POSTed batch, default 20. */
  maxBatch?: number;
  /** How long `close()` lets in-flight requests finish before closing sessions, default 10 s. */
  drainMs?: number;
  /** A session with no request for this long is closed, default 30 min. */
  idleMs?: number;
  now?: () => number;
}

/** The endpoint's request handler and lifecycle. */
export interface McpEndpoint {
  handle(request: Request, caller: CallerInfo): Promise<Response>;
  /** Open sessions. */
  sessionCount(): number;
  /** Open standalone SSE streams (2025 GET streams). */
  streamCount(): number;
  /**
   * Shutdown: refuses new requests (503), waits up to `drainMs` for in-flight
   * ones to finish, then closes every session and its streams.
   */
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  /** Only the client that opened a session may use it. */
  clientId: string;
  lastSeen: number;
  /** Open standalone streams: a client listening for notifications is not idle. */
  streams: number;
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}

/** Reads a JSON-RPC body; `undefined` when it is not JSON. */
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
 * Calls `onEnd` once the response body has been fully sent, failed, or been
 * cancelled by the client (at once when there is no body): SSE responses
 * outlive the handler, so this is when a request is really over.
 */
function onBodyEnd(response: Response, onEnd: () => void): Response {
  if (!response.body) {
    onEnd();
    return response;
  }
  const reader = response.body.getReader();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (!chunk.done) return controller.enqueue(chunk.value);
        end();
        controller.close();
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  return new Response(body, response);
}

/**
 * Creates the endpoint.
 *
 * @example
 * ```ts
 * const mcp = createMcpEndpoint({ factory, stateless: false, maxSessions: 100 });
 * app.all("/mcp", (c) => mcp.handle(c.req.raw, caller));
 * ```
 */
export function createMcpEndpoint(options: McpEndpointOptions): McpEndpoint {
  const { factory } = options;
  const maxSessions = options.maxSessions ?? 1000;
  const maxStreams = options.maxStreams ?? 200;
  const maxBatch = options.maxBatch ?? 20;
  const drainMs = options.drainMs ?? 10_000;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  /** Requests whose response is not finished yet (standalone streams excluded: they never finish). */
  const inFlight = new Set<Promise<void>>();
  let streams = 0;
  /** Initialize requests between the cap check and their session's registration. */
  let starting = 0;
  let closing = false;
  const log = logger("mcp");
  const security = logger("security");
  const maxRequestBodySize = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const onerror = (error: Error) =>
    log.debug("MCP request refused: {error}", { error: error.message });
  const modern = createMcpHandler(factory, {
    legacy: "reject",
    bus: options.bus,
    maxRequestBodySize,
    onerror,
  });
  const legacyPerRequest = legacyStatelessFallback(factory, onerror, { maxRequestBodySize });

  const sweeper = setInterval(() => {
    const cutoff = now() - idleMs;
    for (const [id, session] of sessions) {
      if (session.lastSeen < cutoff && session.streams === 0) {
        log.info("Closing idle MCP session {sessionId}", { sessionId: id });
        sessions.delete(id);
        session.transport.close();
      }
    }
  }, Math.min(idleMs, 60_000));
  Deno.unrefTimer(sweeper);

  function refuse(status: number, code: number, message: string, caller: CallerInfo) {
    security.warn("Refused MCP request: {reason}", {
      reason: message,
      clientId: caller.clientId,
      requestId: caller.requestId,
    });
    return jsonRpcError(status, code, message);
  }

  /** The error response when the body is unusable or too large a batch. */
  function checkMessages(body: unknown, caller: CallerInfo): Response | undefined {
    if (body === undefined) return jsonRpcError(400, -32700, "Parse error: the body is not JSON");
    if (Array.isArray(body) && body.length > maxBatch) {
      return refuse(
        400,
        -32600,
        `Invalid request: a batch holds at most ${maxBatch} messages, this one has ${body.length}; send them in smaller batches`,
        caller,
      );
    }
  }

  async function handleStateless(request: Request, caller: CallerInfo, body: unknown) {
    if (request.method !== "POST") {
      return jsonRpcError(405, -32000, "Method not allowed: this server is stateless (POST only)");
    }
    const error = checkMessages(body, caller);
    return error ??
      await legacyPerRequest(request, { parsedBody: body, authInfo: authInfo(caller) });
  }

  async function handleSessionRequest(
    request: Request,
    caller: CallerInfo,
    sessionId: string,
    body: unknown,
  ) {
    const session = sessions.get(sessionId);
    if (!session || session.clientId !== caller.clientId) {
      return jsonRpcError(404, -32001, "Session not found: initialize a new session");
    }
    session.lastSeen = now();
    if (request.method !== "POST") {
      return await session.transport.handleRequest(request, { authInfo: authInfo(caller) });
    }
    return checkMessages(body, caller) ?? await session.transport.handleRequest(request, {
      parsedBody: body,
      authInfo: authInfo(caller),
    });
  }

  async function startSession(request: Request, caller: CallerInfo, body: unknown) {
    if (request.method !== "POST") {
      return jsonRpcError(
        400,
        -32000,
        "Bad request: send Mcp-Session-Id, or POST initialize first",
      );
    }
    const error = checkMessages(body, caller);
    if (error) return error;
    if (!startsSession(body)) {
      return jsonRpcError(400, -32000, "Bad request: no Mcp-Session-Id header; initialize first");
    }
    if (sessions.size + starting >= maxSessions) {
      return refuse(503, -32000, `Too many sessions (${maxSessions}): retry later`, caller);
    }
    starting++;
    try {
      const transport: WebStandardStreamableHTTPServerTransport =
        new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: () => crypto.randomUUID(),
          onsessioninitialized: (id) => {
            sessions.set(id, {
              transport,
              clientId: caller.clientId,
              lastSeen: now(),
              streams: 0,
            });
            log.info("MCP session {sessionId} started", {
              sessionId: id,
              requestId: caller.requestId,
            });
          },
          onsessionclosed: (id) => {
            sessions.delete(id);
            log.info("MCP session {sessionId} ended", { sessionId: id });
          },
        });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      const server = factory({ era: "legacy" });
      try {
        await server.connect(transport);
        const response = await transport.handleRequest(request, {
          parsedBody: body,
          authInfo: authInfo(caller),
        });
        // Refused before initializing (bad headers): nothing to keep.
        if (transport.sessionId === undefined) await server.close();
        return response;
      } catch (error) {
        await server.close();
        throw error;
      }
    } finally {
      starting--;
    }
  }

  function handleStateful(request: Request, caller: CallerInfo, body: unknown) {
    const sessionId = request.headers.get("mcp-session-id");
    return sessionId
      ? handleSessionRequest(request, caller, sessionId, body)
      : startSession(request, caller, body);
  }

  /**
   * Serves a long-lived event stream (a 2025-era GET stream, a 2026-07-28
   * `subscriptions/listen`), counted against `maxStreams` while its body is
   * open; `opened` runs once it is, and returns what to do when it ends.
   */
  async function eventStream(
    caller: CallerInfo,
    open: () => Promise<Response>,
    opened: () => () => void = () => () => {},
  ) {
    if (streams >= maxStreams) {
      return refuse(
        503,
        -32000,
        `Too many open event streams (${maxStreams}): retry later`,
        caller,
      );
    }
    streams++;
    const response = await open().catch((error) => {
      streams--;
      throw error;
    });
    if (!response.ok || !response.body) {
      streams--;
      return response;
    }
    const ended = opened();
    return onBodyEnd(response, () => {
      streams--;
      ended();
    });
  }

  function openStream(request: Request, caller: CallerInfo) {
    return eventStream(caller, () => handleStateful(request, caller, undefined), () => {
      const session = sessions.get(request.headers.get("mcp-session-id") ?? "");
      if (!session) return () => {};
      session.streams++;
      return () => {
        session.streams--;
        session.lastSeen = now();
      };
    });
  }

  /** Sends a request to the era it belongs to; the body is parsed once. */
  async function route(request: Request, caller: CallerInfo): Promise<Response> {
    const body = request.method === "POST" ? await readJson(request) : undefined;
    // An unparseable POST is answered by the 2025 leg's parse error, as before.
    const legacy = request.method !== "POST" || body === undefined ||
      await isLegacyRequest(request, body, { maxRequestBodySize });
    if (!legacy) {
      const serve = () => modern.fetch(request, { parsedBody: body, authInfo: authInfo(caller) });
      return isListen(body) ? await eventStream(caller, serve) : await serve();
    }
    return options.stateless
      ? await handleStateless(request, caller, body)
      : await handleStateful(request, caller, body);
  }

  async function handle(request: Request, caller: CallerInfo): Promise<Response> {
    if (closing) return jsonRpcError(503, -32000, "Server is shutting down: retry shortly");
    if (request.method === "GET" && !options.stateless) return await openStream(request, caller);
    const { promise, resolve } = Promise.withResolvers<void>();
    inFlight.add(promise);
    const done = () => {
      inFlight.delete(promise);
      resolve();
    };
    try {
      return onBodyEnd(await route(request, caller), done);
    } catch (error) {
      done();
      throw error;
    }
  }

  async function close() {
    if (closing) return;
    closing = true;
    clearInterval(sweeper);
    if (inFlight.size > 0) {
      log.info("Waiting up to {seconds} s for {count} in-flight MCP requests", {
        seconds: drainMs / 1000,
        count: inFlight.size,
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
      await Promise.race([Promise.all(inFlight), deadline]);
      clearTimeout(timer);
      if (inFlight.size > 0) {
        log.warn("Closing {count} MCP requests still running after {seconds} s", {
          count: inFlight.size,
          seconds: drainMs / 1000,
        });
      }
    }
    const open = [...sessions.values()];
    sessions.clear();
    await Promise.all([modern.close(), ...open.map((s) => s.transport.close())]);
  }

  return {
    handle,
    sessionCount: () => sessions.size,
    streamCount: () => streams,
    close,
  };
}

/** Whether a body opens a 2026-07-28 `subscriptions/listen` stream. */
function isListen(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) =>
    (m as { method?: unknown } | null)?.method === "subscriptions/listen"
  );
}

/** The caller, passed through the SDK to the server's handlers. */
function authInfo(caller: CallerInfo): AuthInfo {
  return { token: "", clientId: caller.clientId, scopes: [], extra: { ...caller } };
}
