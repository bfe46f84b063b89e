/**
 * Slack's side of Socket Mode, for the emulator: `apps.connections.open`
 * hands out single-use tickets, `GET /link/?ticket=…` upgrades to a WebSocket
 * that says `hello`, then carries each event as an `events_api` envelope.
 * Like Slack, it waits for the `{"envelope_id"}` acknowledgement and sends an
 * envelope again (`retry_attempt` + 1) when none comes in time or when its
 * connection closes first, giving up after `maxRetries`. Hooks make it
 * refresh, drop or silently stall connections, or turn Socket Mode off.
 * @module
 */
import type { EventEnvelope } from "./emulator.ts";
import { sleep } from "../util/sleep.ts";
import { logger } from "../log/logger.ts";

/** Options of {@link createSocketServer}. */
export interface SocketServerOptions {
  appId: string;
  /** Subscribes to the emulator's events; called once Socket Mode is first used. */
  onEvent(listener: (envelope: EventEnvelope) => void): () => void;
  /** How long an envelope waits for its acknowledgement before it is sent again, default 3000 ms. */
  ackTimeoutMs?: number;
  /** Redeliveries before an envelope is given up, default 3 (as the Events API). */
  maxRetries?: number;
  /** How long a connection told to refresh stays open if the app does not close it, default 10 s. */
  refreshGraceMs?: number;
}

/** One envelope sent to the app. */
export interface SocketDelivery {
  envelopeId: string;
  eventId: string;
  retryAttempt: number;
  /** Which connection, numbered from 1 in order of opening. */
  connection: number;
}

/** The Socket Mode server and its test hooks. */
export interface SocketServer {
  /** A new single-use ticket for a `/link/?ticket=…` URL; starts queueing events for the app. */
  issueTicket(): string;
  /** Answers `GET /link/?ticket=…`: a WebSocket upgrade, or 401 for an unknown or used ticket. */
  handle(request: Request): Response;
  /** Sends `disconnect` with `reason` to every connection, closing each after the grace period. */
  refreshAll(reason?: "refresh_requested" | "warning"): void;
  /** Closes every connection at once, without a `disconnect` first. */
  dropAll(): void;
  /** Leaves every connection open but lets nothing through either way, like a half-open link. */
  stallAll(): void;
  /** Turns Socket Mode off for the app: `disconnect: link_disabled` now and on every new connection. */
  disable(): void;
  /** Connections open now. */
  readonly connections: number;
  /** Envelopes not yet acknowledged (sent, or waiting for a connection). */
  readonly pending: number;
  /** Every envelope sent, oldest first. */
  readonly deliveries: readonly SocketDelivery[];
  /** Closes every connection and stops every timer. */
  close(): Promise<void>;
}

interface Link {
  id: number;
  socket: WebSocket;
  /** Said hello: may carry envelopes. */
  live: boolean;
  /** Told to go away: no new envelopes. */
  draining: boolean;
  stalled: boolean;
  graceTimer?: ReturnType<typeof setTimeout>;
  closed: PromiseWithResolvers<void>;
}

interface Envelope {
  envelopeId: string;
  payload: EventEnvelope;
  attempt: number;
  link?: Link;
  timer?: ReturnType<typeof setTimeout>;
}

/** How long {@link SocketServer.close} waits for apps to finish the close handshake. */
const closeWaitMs = 1000;

function randomTicket(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/**
 * Creates the server; the emulator routes `/link/` requests to it.
 *
 * @example
 * ```ts
 * const socket = createSocketServer({ appId: "A0DEMOAPP1", onEvent: emulator.onEvent });
 * const url = `ws://${host}/link/?ticket=${socket.issueTicket()}`;
 * ```
 */
export function createSocketServer(options: SocketServerOptions): SocketServer {
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const maxRetries = options.maxRetries ?? 3;
  const refreshGraceMs = options.refreshGraceMs ?? 10_000;
  const log = logger("demo");
  const links = new Set<Link>();
  const tickets = new Set<string>();
  const waiting: Envelope[] = [];
  const unacked = new Map<string, Envelope>();
  const deliveries: SocketDelivery[] = [];
  let unsubscribe: (() => void) | undefined;
  let linkCount = 0;
  let disabled = false;
  let closing = false;

  function send(link: Link, message: Record<string, unknown>) {
    // A stalled link swallows what is sent, as a dead TCP path would.
    if (link.stalled || link.socket.readyState !== WebSocket.OPEN) return;
    link.socket.send(JSON.stringify(message));
  }

  function disconnect(link: Link, reason: string) {
    send(link, { type: "disconnect", reason, debug_info: { host: "applink-emulator" } });
  }

  /** Slack sends to any connection; the newest one that may take envelopes here. */
  function target(): Link | undefined {
    return [...links].findLast((link) =>
      link.live && !link.draining && link.socket.readyState === WebSocket.OPEN
    );
  }

  function dispatch(envelope: Envelope) {
    const link = target();
    if (!link) {
      waiting.push(envelope);
      return;
    }
    envelope.link = link;
    unacked.set(envelope.envelopeId, envelope);
    deliveries.push({
      envelopeId: envelope.envelopeId,
      eventId: envelope.payload.event_id,
      retryAttempt: envelope.attempt,
      connection: link.id,
    });
    send(link, {
      envelope_id: envelope.envelopeId,
      type: "events_api",
      payload: envelope.payload,
      accepts_response_payload: false,
      retry_attempt: envelope.attempt,
      retry_reason: envelope.attempt > 0 ? "timeout" : "",
    });
    envelope.timer = setTimeout(() => retry(envelope), ackTimeoutMs);
  }

  /** Sends an unacknowledged envelope again, or gives it up after `maxRetries`. */
  function retry(envelope: Envelope) {
    clearTimeout(envelope.timer);
    unacked.delete(envelope.envelopeId);
    envelope.link = undefined;
    if (++envelope.attempt > maxRetries) {
      log.warn("Socket Mode gave up on event {eventId} after {retries} retries", {
        eventId: envelope.payload.event_id,
        retries: maxRetries,
      });
      return;
    }
    dispatch(envelope);
  }

  function enqueue(payload: EventEnvelope) {
    dispatch({ envelopeId: crypto.randomUUID(), payload, attempt: 0 });
  }

  function forgetEnvelopes() {
    for (const envelope of unacked.values()) clearTimeout(envelope.timer);
    unacked.clear();
    waiting.length = 0;
    unsubscribe?.();
    unsubscribe = undefined;
  }

  function onOpen(link: Link) {
    if (closing) return link.socket.close(1001, "server closing");
    if (disabled) {
      disconnect(link, "link_disabled");
      return link.socket.close(1000, "link disabled");
    }
    link.live = true;
    send(link, {
      type: "hello",
      num_connections: [...links].filter((l) => l.live).length,
      debug_info: {
        host: "applink-emulator",
        build_number: 1,
        approximate_connection_time: 18060,
      },
      connection_info: { app_id: options.appId },
    });
    for (const envelope of waiting.splice(0)) dispatch(envelope);
  }

  function onMessage(link: Link, data: unknown) {
    if (link.stalled || typeof data !== "string") return;
    let message: { type?: unknown; id?: unknown; envelope_id?: unknown };
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message?.type === "ping") {
      send(link, { type: "pong", reply_to: message.id });
      return;
    }
    const envelope = typeof message?.envelope_id === "string"
      ? unacked.get(message.envelope_id)
      : undefined;
    if (envelope) {
      clearTimeout(envelope.timer);
      unacked.delete(envelope.envelopeId);
    }
  }

  function onClose(link: Link) {
    links.delete(link);
    clearTimeout(link.graceTimer);
    link.closed.resolve();
    for (const envelope of [...unacked.values()]) {
      if (envelope.link === link) retry(envelope);
    }
  }

  function handle(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ ok: false, error: "websocket_upgrade_required" }, { status: 426 });
    }
    const ticket = new URL(request.url).searchParams.get("ticket");
    if (!ticket || !tickets.delete(ticket)) {
      return Response.json({ ok: false, error: "invalid_ticket" }, { status: 401 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const link: Link = {
      id: ++linkCount,
      socket,
      live: false,
      draining: false,
      stalled: false,
      closed: Promise.withResolvers(),
    };
    links.add(link);
    socket.onopen = () => onOpen(link);
    socket.onmessage = (event) => onMessage(link, event.data);
    socket.onclose = () => onClose(link);
    return response;
  }

  return {
    issueTicket() {
      if (!unsubscribe && !disabled && !closing) unsubscribe = options.onEvent(enqueue);
      const ticket = randomTicket();
      tickets.add(ticket);
      return ticket;
    },
    handle,
    refreshAll(reason = "refresh_requested") {
      for (const link of links) {
        if (!link.live || link.draining) continue;
        disconnect(link, reason);
        link.draining = true;
        link.graceTimer = setTimeout(() => link.socket.close(1000, "refreshed"), refreshGraceMs);
      }
    },
    dropAll() {
      for (const link of links) {
        if (link.socket.readyState === WebSocket.OPEN) link.socket.close(1011, "connection lost");
      }
    },
    stallAll() {
      for (const link of links) link.stalled = true;
    },
    disable() {
      disabled = true;
      forgetEnvelopes();
      for (const link of links) {
        if (link.socket.readyState !== WebSocket.OPEN) continue;
        disconnect(link, "link_disabled");
        link.socket.close(1000, "link disabled");
      }
    },
    get connections() {
      return links.size;
    },
    get pending() {
      return unacked.size + waiting.length;
    },
    deliveries,
    async close() {
      closing = true;
      forgetEnvelopes();
      for (const link of links) {
        clearTimeout(link.graceTimer);
        if (link.socket.readyState === WebSocket.OPEN) link.socket.close(1001, "server closing");
      }
      const stop = new AbortController();
      await Promise.race([
        Promise.all([...links].map((link) => link.closed.promise)),
        sleep(closeWaitMs, stop.signal).catch(() => {}),
      ]);
      stop.abort();
    },
  };
}
