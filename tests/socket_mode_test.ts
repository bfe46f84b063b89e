/**
 * Socket Mode end to end: the emulator's Socket Mode server, our client, the
 * server's real intake and event stream, and the event tools over MCP; with
 * lost acknowledgements, refreshes, drops, a store outage and link_disabled.
 */
import assert from "node:assert/strict";
import { until } from "../src/util/testing.ts";
import { captureLogs } from "../src/log/testing.ts";
import { call, demoTokens, startStack } from "./harness.ts";
import { faultyStore } from "./fixtures/faulty_store.ts";
import { type SocketModeOptions, startSocketMode } from "../src/events/socket_mode.ts";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace, DEMO_INSTALLER_ID } from "../src/slack_emulator/seed.ts";
import type { ServiceOverrides } from "../src/services.ts";
import { stopLogging } from "../src/log/logger.ts";
import { redacted } from "../src/util/redact.ts";
import { sleep } from "../src/util/sleep.ts";

/**
 * An emulator with short Socket Mode timings, our server on it, and Socket
 * Mode feeding the server's intake. `webSocket` may wrap the sockets opened.
 */
async function startSocketStack(
  options: { overrides?: ServiceOverrides; client?: Partial<SocketModeOptions> } = {},
) {
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: Date.now() }),
    socket: { ackTimeoutMs: 150, refreshGraceMs: 2000 },
  });
  const stack = await startStack({ emulatorUrl: served.url, overrides: options.overrides });
  const socketMode = startSocketMode({
    apiUrl: served.url,
    appToken: demoTokens.app,
    intake: stack.server.intake,
    backoff: { baseMs: 10, maxMs: 40 },
    pingIntervalMs: 100,
    ...options.client,
  });
  const { emulator } = served;
  let posts = 0;
  return {
    stack,
    emulator,
    socketMode,
    events: stack.server.services.events,
    /** A person posts in #general; returns the text. */
    post(): string {
      const text = `socket mode post ${++posts}`;
      emulator.actAs(DEMO_INSTALLER_ID, "chat.postMessage", { channel: "C0GENERAL", text });
      return text;
    },
    /** Event ids stored, oldest first. */
    async storedIds(): Promise<string[]> {
      return (await stack.server.services.events.list({ limit: 100 })).map((e) => e.event_id);
    },
    async [Symbol.asyncDispose]() {
      await socketMode.stop();
      await stack.close();
      await served.close();
    },
  };
}

/** The event ids the emulator sent, in first-sent order, once each. */
function sentIds(emulator: { socket: { deliveries: readonly { eventId: string }[] } }) {
  return [...new Set(emulator.socket.deliveries.map((d) => d.eventId))];
}

Deno.test("an event delivered over the socket reaches slack_get_latest_event", async () => {
  await using s = await startSocketStack();
  await until(() => s.socketMode.state() === "connected", "connected");
  const text = s.post();
  await until(async () => (await s.events.latest()) !== null, "the event is stored");
  const client = await s.stack.connect();
  const result = await call(client, "slack_get_latest_event", { type: "message" });
  const event = result.structuredContent?.event;
  assert.equal(event.text, text);
  assert.equal(event.channel, "C0GENERAL");
  assert.equal(event.user, DEMO_INSTALLER_ID);
  assert.equal(event.event_id, s.emulator.socket.deliveries[0].eventId);
});

Deno.test("an envelope whose acknowledgement is lost is redelivered and stored once", async () => {
  let dropped = 0;
  /** Swallows the first acknowledgement, as a broken link would. */
  class LossySocket extends WebSocket {
    override send(data: string) {
      if (data.includes("envelope_id") && dropped++ === 0) return;
      super.send(data);
    }
  }
  await using s = await startSocketStack({ client: { webSocket: (url) => new LossySocket(url) } });
  await until(() => s.socketMode.state() === "connected", "connected");
  s.post();
  await until(() => s.emulator.socket.deliveries.length === 2, "the redelivery");
  await until(() => s.emulator.socket.pending === 0, "the redelivery is acknowledged");
  assert.deepEqual(s.emulator.socket.deliveries.map((d) => d.retryAttempt), [0, 1]);
  assert.deepEqual(await s.storedIds(), sentIds(s.emulator));
});

Deno.test("refreshes and abrupt drops reconnect without losing or doubling an event", async () => {
  await using s = await startSocketStack();
  await until(() => s.socketMode.state() === "connected", "connected");
  for (let i = 1; i <= 12; i++) {
    s.post();
    if (i % 4 === 0) s.emulator.socket.refreshAll();
    if (i % 6 === 0) s.emulator.socket.dropAll();
    await sleep(10);
  }
  await until(() => s.emulator.socket.pending === 0, "every envelope is acknowledged");
  await until(() => s.socketMode.state() === "connected", "connected again");
  const sent = sentIds(s.emulator);
  assert.equal(sent.length, 12);
  assert.deepEqual((await s.storedIds()).toSorted(), sent.toSorted());
  const connections = new Set(s.emulator.socket.deliveries.map((d) => d.connection));
  assert.ok(connections.size >= 3, `only ${connections.size} connections carried events`);
});

Deno.test("an event refused while the store is down is not acknowledged and is stored once it is back", async () => {
  const { store, failing } = faultyStore();
  await using s = await startSocketStack({ overrides: { store } });
  await until(() => s.socketMode.state() === "connected", "connected");
  failing.add("setIfAbsent");
  s.post();
  await until(() => s.emulator.socket.deliveries.length >= 2, "a redelivery");
  assert.deepEqual(await s.storedIds(), []);
  failing.delete("setIfAbsent");
  await until(() => s.emulator.socket.pending === 0, "the event is acknowledged");
  assert.deepEqual(await s.storedIds(), sentIds(s.emulator));
  assert.ok(s.emulator.socket.deliveries.at(-1)!.retryAttempt >= 1);
});

Deno.test("link_disabled stops Socket Mode and it does not come back", async () => {
  await using s = await startSocketStack();
  await until(() => s.socketMode.state() === "connected", "connected");
  s.emulator.socket.disable();
  await until(() => s.socketMode.state() === "stopped", "stopped");
  await sleep(50);
  const opens = s.emulator.calls.filter((c) => c.method === "apps.connections.open");
  assert.equal(opens.length, 1);
  assert.equal(s.emulator.socket.connections, 0);
});

Deno.test("the app token and the connection tickets never reach the log", async () => {
  const chunks = await captureLogs({
    level: "debug",
    format: "json",
    // Nothing configured to mask: what the socket logs must be clean by itself.
  });
  const tickets: string[] = [];
  try {
    const { store, failing } = faultyStore();
    await using s = await startSocketStack({
      overrides: { store },
      client: {
        webSocket: (url) => {
          tickets.push(new URL(url).searchParams.get("ticket")!);
          return new WebSocket(url);
        },
      },
    });
    await until(() => s.socketMode.state() === "connected", "connected");
    failing.add("setIfAbsent");
    s.post();
    await until(() => s.emulator.socket.deliveries.length >= 2, "a redelivery");
    failing.delete("setIfAbsent");
    s.emulator.socket.refreshAll();
    // At least: on a loaded machine a late pong (100 ms pings here) may add a reconnect.
    await until(() => tickets.length >= 2 && s.emulator.socket.connections === 1, "refreshed");
    const beforeDrop = tickets.length;
    s.emulator.socket.dropAll();
    await until(
      () => tickets.length > beforeDrop && s.socketMode.state() === "connected",
      "back",
    );
  } finally {
    await stopLogging();
  }
  const socketLines = chunks.join("").split("\n").filter((line) =>
    line.includes('"logger":"slack-mcp.socket"')
  );
  assert.ok(socketLines.some((l) => l.includes("Socket Mode connected")), "nothing was logged");
  assert.ok(socketLines.some((l) => l.includes("unacknowledged")), "the refusal was not logged");
  const log = chunks.join("");
  assert.ok(tickets.length >= 3);
  for (const ticket of tickets) assert.ok(!log.includes(ticket), "a ticket leaked");
  assert.ok(!log.includes(demoTokens.app), "the app token leaked");
  assert.ok(!socketLines.some((l) => l.includes(redacted)), "the socket logged a secret");
});
