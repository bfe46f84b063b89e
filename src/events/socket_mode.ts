/**
 * Slack Socket Mode: events over a WebSocket this server opens, so no public
 * URL is needed. Each `events_api` envelope goes to the same intake as the
 * webhook and is acknowledged once recorded (stored, or known as a duplicate);
 * a refused event is not acknowledged, so Slack sends it again. Nothing is
 * lost or stored twice across reconnects: Slack redelivers what was not
 * acknowledged, and the intake drops `event_id`s it already has.
 *
 * Reconnect policy:
 * - `disconnect` (`refresh_requested`, `warning`): a fresh connection is
 *   opened first; the old one is closed once the new one said `hello` and the
 *   old one's events in hand are acknowledged.
 * - a dropped or dead connection: reconnect after a full-jitter exponential
 *   backoff (`random() × min(maxMs, baseMs × 2^failures)`), reset by `hello`;
 *   a 429 from `apps.connections.open` waits at least its `Retry-After`.
 * - `disconnect: link_disabled` or a token Slack rejects: stop and log why.
 *
 * Keepalive: a connection silent for `pingIntervalMs` is pinged
 * (`{"type":"ping"}`); one silent for twice that is dead. The WebSocket API
 * hides protocol-level pings, so until the server has answered a ping once,
 * silence after `hello` is not held against it: a quiet workspace is not a
 * dead link. Before `hello`, silence always is.
 * @module
 */
import { type Intake, IntakeRefusedError } from "./intake.ts";
import { SlackApiError } from "../slack/errors.ts";
import { createSlackClient, type SlackClient } from "../slack/client.ts";
import type { SlackResponse } from "../slack/types.ts";
import { sleep } from "../util/sleep.ts";
import { logger } from "../log/logger.ts";

/** Where Socket Mode stands. */
export type SocketModeState = "connecting" | "connected" | "reconnecting" | "stopped";

/** Full-jitter exponential backoff settings. */
export interface Backoff {
  /** Upper bound of the first wait, default 1000 ms. */
  baseMs?: number;
  /** Cap of any wait, default 30 000 ms. */
  maxMs?: number;
}

/** Options of {@link startSocketMode}. */
export interface SocketModeOptions {
  /** Web API base URL ending in `/`, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  /** App-level token `xapp-…` with `connections:write`. */
  appToken: string;
  intake: Pick<Intake, "accept">;
  fetch?: typeof fetch;
  /** Opens a WebSocket, default `new WebSocket(url)`. */
  webSocket?: (url: string) => WebSocket;
  backoff?: Backoff;
  /** Silence before a ping, default 30 000 ms; twice this without a word is a dead connection. */
  pingIntervalMs?: number;
  /** Per `apps.connections.open` attempt, default 10 000 ms. */
  openTimeoutMs?: number;
  /** For the jitter, default `Math.random`. */
  random?: () => number;
}

/** A running Socket Mode client. */
export interface SocketMode {
  state(): SocketModeState;
  /** Acknowledges the events in hand, closes every connection and stops reconnecting. */
  stop(): Promise<void>;
}

/** `apps.connections.open` errors that retrying cannot fix. */
const fatalOpenErrors = new Set([
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
  "missing_scope",
  "no_permission",
]);

/** How long {@link SocketMode.stop} waits for Slack to finish each close handshake. */
const closeWaitMs = 1000;

/**
 * The wait before reconnect attempt `failures` (0 for the first): full jitter,
 * a uniform pick in `[0, min(maxMs, baseMs × 2^failures))`.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseMs: 1000, maxMs: 30_000 }); // somewhere in [0, 8000)
 * ```
 */
export function backoffDelay(
  failures: number,
  backoff: Backoff = {},
  random = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs ?? 30_000, (backoff.baseMs ?? 1000) * 2 ** failures);
  return Math.floor(random() * ceiling);
}

/**
 * Calls `apps.connections.open` with the app token, through the Slack client
 * (its 429 and error handling; no retries: the reconnect loop backs off), and
 * returns the WebSocket URL.
 *
 * @throws {SlackApiError} with Slack's error code, or `ratelimited` with its `Retry-After`.
 */
async function openConnection(slack: SlackClient, signal: AbortSignal): Promise<string> {
  const method = "apps.connections.open";
  const body = await slack.call<SlackResponse & { url?: unknown }>(method, {}, {
    token: "app",
    signal,
    maxRetries: 0,
  });
  if (typeof body.url !== "string" || !/^wss?:\/\//.test(body.url)) {
    throw new SlackApiError(method, "invalid_url");
  }
  return body.url;
}

/** One WebSocket to Slack. */
interface Connection {
  id: number;
  socket: WebSocket;
  /** Said `hello`. */
  live: boolean;
  /** Told to go away: closed once a fresh connection is live. */
  retiring: boolean;
  /** Closed, or given up as dead. */
  lost: boolean;
  lastHeard: number;
  watchdog: ReturnType<typeof setInterval>;
  /** Settles at `hello`; rejects when the connection is lost first. */
  hello: PromiseWithResolvers<void>;
  /** Envelopes being recorded, to acknowledge before closing. */
  inFlight: Set<Promise<void>>;
}

/** Socket Mode messages, only the fields read here typed. */
interface SocketMessage {
  type?: string;
  reason?: string;
  envelope_id?: string;
  payload?: { event_id?: unknown };
  retry_attempt?: number;
  retry_reason?: string;
}

/**
 * Starts Socket Mode in the background: connecting begins at once, and
 * {@link SocketMode.state} tells how it goes.
 *
 * @example
 * ```ts
 * const socket = startSocketMode({ apiUrl: config.slack.apiUrl, appToken, intake });
 * socket.state(); // "connecting", then "connected"
 * await socket.stop();
 * ```
 */
export function startSocketMode(options: SocketModeOptions): SocketMode {
  const { intake } = options;
  const slack = createSlackClient({
    apiUrl: options.apiUrl,
    appToken: options.appToken,
    fetch: options.fetch,
  });
  const webSocket = options.webSocket ?? ((url: string) => new WebSocket(url));
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const openTimeoutMs = options.openTimeoutMs ?? 10_000;
  const random = options.random ?? Math.random;
  const log = logger("socket");
  const stopping = new AbortController();
  const connections = new Set<Connection>();
  /** Every socket not yet closed, including lost ones still closing. */
  const closing = new Set<Promise<void>>();
  let connecting: Promise<void> | undefined;
  let everConnected = false;
  let pingsAnswered = false;
  let failures = 0;
  let connectionCount = 0;
  let pingCount = 0;

  const stopped = () => stopping.signal.aborted;
  const hasLive = (filter: (c: Connection) => boolean = () => true) =>
    [...connections].some((c) => c.live && filter(c));

  function send(connection: Connection, message: Record<string, unknown>) {
    if (connection.socket.readyState === WebSocket.OPEN) {
      connection.socket.send(JSON.stringify(message));
    }
  }

  function close(connection: Connection, code: number, reason: string) {
    if (connection.socket.readyState <= WebSocket.OPEN) connection.socket.close(code, reason);
  }

  /** Forgets a closed or dead connection; reconnects when no connection that stays is left. */
  function lose(connection: Connection, why: string) {
    if (connection.lost) return;
    connection.lost = true;
    clearInterval(connection.watchdog);
    connections.delete(connection);
    connection.hello.reject(new Error(why));
    if (!connection.live || stopped()) return;
    if (!connection.retiring) {
      log.warn("Socket Mode connection {connection} lost: {why}", {
        connection: connection.id,
        why,
      });
    }
    if (!hasLive((c) => !c.retiring)) {
      ensureConnecting(backoffDelay(failures, options.backoff, random));
    }
  }

  /** Closes `connection` once the events in hand on it are acknowledged (or refused). */
  function retire(connection: Connection, reason: string) {
    Promise.allSettled(connection.inFlight).then(() => close(connection, 1000, reason));
  }

  async function record(connection: Connection, message: SocketMessage) {
    const envelopeId = message.envelope_id!;
    const eventId = String(message.payload?.event_id ?? "");
    try {
      const outcome = await intake.accept(message.payload);
      send(connection, { envelope_id: envelopeId });
      if (outcome === "duplicate") {
        log.info("Acknowledged duplicate event {eventId} (retry {retryAttempt}: {retryReason})", {
          eventId,
          retryAttempt: message.retry_attempt ?? 0,
          retryReason: message.retry_reason || "none",
        });
      }
    } catch (error) {
      if (error instanceof IntakeRefusedError) {
        log.warn("Left event {eventId} unacknowledged so Slack sends it again: {reason}", {
          eventId,
          reason: error.reason,
        });
      } else {
        // Not an event_callback: redelivery would bring the same thing back.
        send(connection, { envelope_id: envelopeId });
        log.warn("Acknowledged and dropped an unreadable events_api envelope: {error}", {
          error: String(error),
        });
      }
    }
  }

  function onDisconnect(connection: Connection, reason: string) {
    if (reason === "link_disabled") {
      log.error(
        "Slack turned Socket Mode off for this app (link_disabled): events stop until it is turned on again in the app settings and the server restarts",
      );
      shutdown();
    } else if (!connection.live) {
      close(connection, 1000, "disconnect before hello");
      lose(connection, `disconnect (${reason}) before hello`);
    } else if (reason === "refresh_requested" || reason === "warning") {
      if (connection.retiring) return;
      log.info("Slack asked to refresh connection {connection} ({reason}): opening a new one", {
        connection: connection.id,
        reason,
      });
      connection.retiring = true;
      ensureConnecting(0);
    } else {
      close(connection, 1000, "disconnect");
      lose(connection, `disconnect (${reason})`);
    }
  }

  function onMessage(connection: Connection, data: unknown) {
    if (connection.lost) return;
    connection.lastHeard = Date.now();
    let message: SocketMessage;
    try {
      message = JSON.parse(String(data));
    } catch {
      log.warn("Ignored a Socket Mode message that is not JSON");
      return;
    }
    switch (message?.type) {
      case "hello":
        connection.hello.resolve();
        return;
      case "pong":
        pingsAnswered = true;
        return;
      case "disconnect":
        return onDisconnect(connection, String(message.reason));
      case "events_api": {
        if (typeof message.envelope_id !== "string") return;
        const task = record(connection, message);
        connection.inFlight.add(task);
        task.finally(() => connection.inFlight.delete(task));
        return;
      }
      default:
        // slash_commands, interactive and the like: nothing here handles them, and an
        // unacknowledged envelope would only come back.
        if (typeof message?.envelope_id === "string") {
          send(connection, { envelope_id: message.envelope_id });
          log.debug("Acknowledged a {type} envelope this server does not handle", {
            type: String(message.type),
          });
        }
    }
  }

  function checkAlive(connection: Connection) {
    const silentMs = Date.now() - connection.lastHeard;
    const dead = silentMs >= 2 * pingIntervalMs && (!connection.live || pingsAnswered);
    if (dead) {
      close(connection, 4000, "keepalive timeout");
      lose(connection, `silent for ${silentMs} ms`);
    } else if (connection.live && silentMs >= pingIntervalMs) {
      send(connection, { type: "ping", id: ++pingCount });
    }
  }

  /** Opens a WebSocket to `url`; resolves once Slack says `hello`. */
  async function dial(url: string): Promise<Connection> {
    let socket: WebSocket;
    try {
      socket = webSocket(url);
    } catch {
      // The error would quote the URL, ticket included.
      throw new Error("the WebSocket URL Slack returned cannot be opened");
    }
    const closed = Promise.withResolvers<void>();
    const connection: Connection = {
      id: ++connectionCount,
      socket,
      live: false,
      retiring: false,
      lost: false,
      lastHeard: Date.now(),
      watchdog: setInterval(() => checkAlive(connection), pingIntervalMs),
      hello: Promise.withResolvers(),
      inFlight: new Set(),
    };
    connection.hello.promise.catch(() => {});
    connections.add(connection);
    closing.add(closed.promise);
    closed.promise.then(() => closing.delete(closed.promise));
    socket.onmessage = (event) => onMessage(connection, event.data);
    // A close event follows every error; that is where the connection is handled.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      closed.resolve();
      lose(connection, `closed with code ${event.code}`);
    };
    await connection.hello.promise;
    connection.live = true;
    return connection;
  }

  /** Opens connections until one says `hello`, waiting `firstWaitMs` first. */
  async function connect(firstWaitMs: number) {
    let waitMs = firstWaitMs;
    while (!stopped()) {
      try {
        if (waitMs > 0) await sleep(waitMs, stopping.signal);
        const url = await openConnection(
          slack,
          AbortSignal.any([stopping.signal, AbortSignal.timeout(openTimeoutMs)]),
        );
        const connection = await dial(url);
        if (stopped()) return close(connection, 1000, "stopping");
        failures = 0;
        everConnected = true;
        log.info("Socket Mode connected to {host} (connection {connection})", {
          host: new URL(url).host,
          connection: connection.id,
        });
        for (const old of connections) if (old.retiring) retire(old, "refreshed");
        return;
      } catch (error) {
        if (stopped()) return;
        if (error instanceof SlackApiError && fatalOpenErrors.has(error.code)) {
          log.error(
            "Socket Mode stopped: Slack refused SLACK_APP_TOKEN ({error}); it needs an app-level token (xapp-…) with connections:write",
            { error: error.code },
          );
          return shutdown();
        }
        const retryAfterMs = error instanceof SlackApiError
          ? (error.retryAfterSeconds ?? 0) * 1000
          : 0;
        waitMs = Math.max(backoffDelay(failures++, options.backoff, random), retryAfterMs);
        log.warn("Socket Mode could not connect ({reason}): retrying in {waitMs} ms", {
          reason: error instanceof SlackApiError ? error.code : String(error),
          waitMs,
        });
      }
    }
  }

  function ensureConnecting(firstWaitMs: number) {
    if (stopped() || connecting) return;
    connecting = connect(firstWaitMs).finally(() => (connecting = undefined));
  }

  /** Stops reconnecting and retires every connection. */
  function shutdown() {
    stopping.abort();
    for (const connection of connections) {
      if (connection.live) {
        retire(connection, "stopping");
      } else {
        // A dial in progress: nothing is in hand, and its connect loop ends here.
        close(connection, 1000, "stopping");
        lose(connection, "stopped");
      }
    }
  }

  ensureConnecting(0);

  return {
    state() {
      if (stopped()) return "stopped";
      if (hasLive()) return "connected";
      return everConnected ? "reconnecting" : "connecting";
    },
    async stop() {
      shutdown();
      await connecting;
      const inFlight = [...connections].flatMap((c) => [...c.inFlight]);
      await Promise.allSettled(inFlight);
      const timeout = new AbortController();
      await Promise.race([
        Promise.all(closing),
        sleep(closeWaitMs, timeout.signal).catch(() => {}),
      ]);
      timeout.abort();
      for (const connection of connections) clearInterval(connection.watchdog);
    },
  };
}
