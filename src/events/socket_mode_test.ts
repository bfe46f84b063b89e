import assert from "node:assert/strict";
import { until } from "../util/testing.ts";
import { backoffDelay, type SocketModeOptions, startSocketMode } from "./socket_mode.ts";
import { IntakeRefusedError } from "./intake.ts";
import { isEventEnvelope } from "./normalize.ts";
import { defaultTokens, type EmulatorOptions, serveEmulator } from "../slack_emulator/emulator.ts";
import { createSeedWorkspace, DEMO_INSTALLER_ID } from "../slack_emulator/seed.ts";
import { sleep } from "../util/sleep.ts";

/**
 * An intake that records event ids, refusing the next `refusals` events, slow by
 * `delayMs`; like the real one, it throws a `TypeError` for a non-envelope.
 */
function fakeIntake() {
  const intake = {
    seen: [] as string[],
    refusals: 0,
    delayMs: 0,
    async accept(envelope: unknown): Promise<"accepted" | "duplicate"> {
      if (!isEventEnvelope(envelope)) throw new TypeError("Not an event_callback envelope");
      const id = envelope.event_id;
      if (intake.delayMs) await sleep(intake.delayMs);
      if (intake.refusals > 0) {
        intake.refusals--;
        throw new IntakeRefusedError("The event queue is full (1); retry later.", "busy");
      }
      const duplicate = intake.seen.includes(id);
      intake.seen.push(id);
      return duplicate ? "duplicate" : "accepted";
    },
  };
  return intake;
}

/** The emulator with short Socket Mode timings, a client on it, and a way to make events. */
async function rig(
  options: { client?: Partial<SocketModeOptions>; socket?: EmulatorOptions["socket"] } = {},
) {
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: Date.now() }),
    socket: { ackTimeoutMs: 150, refreshGraceMs: 2000, ...options.socket },
  });
  const intake = fakeIntake();
  const sockets: WebSocket[] = [];
  const client = startSocketMode({
    apiUrl: served.url,
    appToken: defaultTokens.app,
    intake,
    backoff: { baseMs: 10, maxMs: 40 },
    pingIntervalMs: 1000,
    webSocket: (url) => {
      const socket = new WebSocket(url);
      sockets.push(socket);
      return socket;
    },
    ...options.client,
  });
  const { emulator } = served;
  let posts = 0;
  return {
    emulator,
    socket: emulator.socket,
    intake,
    client,
    sockets,
    /** A person posts in #general: one event. */
    post() {
      emulator.actAs(DEMO_INSTALLER_ID, "chat.postMessage", {
        channel: "C0GENERAL",
        text: `post ${++posts}`,
      });
    },
    opens: () => emulator.calls.filter((c) => c.method === "apps.connections.open").length,
    async [Symbol.asyncDispose]() {
      await client.stop();
      await served.close();
    },
  };
}

type Rig = Awaited<ReturnType<typeof rig>>;

/** Waits until every envelope sent so far is acknowledged and nothing waits for a connection. */
function settled(r: Rig) {
  return until(() => r.socket.pending === 0 && r.socket.deliveries.length > 0, "all acknowledged");
}

Deno.test("backoff is full jitter: a uniform pick below a doubling, capped ceiling", () => {
  const backoff = { baseMs: 100, maxMs: 1000 };
  assert.equal(backoffDelay(0, backoff, () => 0), 0);
  assert.equal(backoffDelay(0, backoff, () => 0.999), 99);
  assert.equal(backoffDelay(2, backoff, () => 0.5), 200);
  assert.equal(backoffDelay(3, backoff, () => 0.999), 799);
  assert.equal(backoffDelay(10, backoff, () => 0.999), 999);
  assert.equal(backoffDelay(4, {}, () => 0.5), 8000);
  assert.equal(backoffDelay(50, {}, () => 0.5), 15_000);
});

Deno.test("events are recorded through the intake and acknowledged once recorded", async () => {
  await using r = await rig();
  assert.equal(r.client.state(), "connecting");
  await until(() => r.client.state() === "connected", "connected");
  assert.equal(r.emulator.calls.at(-1)?.token, defaultTokens.app);
  r.post();
  r.post();
  await settled(r);
  const sent = r.socket.deliveries.map((d) => d.eventId);
  assert.equal(sent.length, 2);
  assert.deepEqual(r.intake.seen, sent);
  assert.ok(r.socket.deliveries.every((d) => d.retryAttempt === 0 && d.connection === 1));
});

Deno.test("an event the intake refuses is left unacknowledged, comes again and is then recorded", async () => {
  await using r = await rig();
  await until(() => r.client.state() === "connected", "connected");
  r.intake.refusals = 2;
  r.post();
  await settled(r);
  const [first, ...again] = r.socket.deliveries;
  assert.deepEqual(r.socket.deliveries.map((d) => d.retryAttempt), [0, 1, 2]);
  assert.ok(again.every((d) => d.eventId === first.eventId));
  assert.deepEqual(r.intake.seen, [first.eventId]);
});

Deno.test("a refresh opens the new connection before the old one is closed, losing nothing", async () => {
  await using r = await rig();
  await until(() => r.client.state() === "connected", "connected");
  const old = r.sockets[0];
  const atClose = Promise.withResolvers<{ state: string; sockets: number; code: number }>();
  old.addEventListener(
    "close",
    (event) =>
      atClose.resolve({ state: r.client.state(), sockets: r.sockets.length, code: event.code }),
  );
  r.socket.refreshAll();
  r.post();
  const closing = await atClose.promise;
  assert.deepEqual(closing, { state: "connected", sockets: 2, code: 1000 });
  await settled(r);
  assert.deepEqual(r.socket.deliveries.map((d) => d.connection), [2]);
  assert.equal(r.intake.seen.length, 1);
  assert.equal(r.socket.connections, 1);
});

Deno.test("a warning is handled like a refresh", async () => {
  await using r = await rig();
  await until(() => r.client.state() === "connected", "connected");
  r.socket.refreshAll("warning");
  await until(() => r.sockets.length === 2 && r.socket.connections === 1, "the swap");
  assert.equal(r.client.state(), "connected");
  assert.equal(r.opens(), 2);
});

Deno.test("a dropped connection reconnects and the envelope in hand is redelivered", async () => {
  await using r = await rig();
  await until(() => r.client.state() === "connected", "connected");
  r.intake.delayMs = 100;
  r.post();
  await until(() => r.socket.deliveries.length === 1, "the first delivery");
  const atClose = Promise.withResolvers<string>();
  r.sockets[0].addEventListener("close", () => atClose.resolve(r.client.state()));
  r.socket.dropAll();
  assert.equal(await atClose.promise, "reconnecting");
  r.post();
  await until(() => r.client.state() === "connected", "connected again");
  await settled(r);
  const [first, ...later] = r.socket.deliveries;
  assert.equal(first.connection, 1);
  assert.ok(later.every((d) => d.connection === 2));
  const again = later.find((d) => d.eventId === first.eventId);
  assert.equal(again?.retryAttempt, 1);
  assert.equal(new Set(r.intake.seen).size, 2);
});

Deno.test("a connection that stops answering pings is declared dead and replaced", async () => {
  await using r = await rig({ client: { pingIntervalMs: 30 } });
  await until(() => r.client.state() === "connected", "connected");
  // Idle long enough for a ping and its pong.
  await sleep(80);
  r.socket.stallAll();
  r.post();
  await until(() => r.sockets.length === 2 && r.client.state() === "connected", "a new connection");
  await settled(r);
  assert.deepEqual(r.intake.seen, [r.socket.deliveries[0].eventId]);
  assert.equal(r.socket.deliveries.at(-1)?.connection, 2);
});

Deno.test("a quiet connection is kept while the server has never answered a ping", async () => {
  await using r = await rig({ client: { pingIntervalMs: 20 } });
  await until(() => r.client.state() === "connected", "connected");
  r.socket.stallAll();
  await sleep(150);
  assert.equal(r.client.state(), "connected");
  assert.equal(r.sockets.length, 1);
});

Deno.test("link_disabled stops Socket Mode for good", async () => {
  await using r = await rig();
  await until(() => r.client.state() === "connected", "connected");
  r.socket.disable();
  await until(() => r.client.state() === "stopped", "stopped");
  await sleep(60);
  assert.equal(r.opens(), 1);
  assert.equal(r.sockets[0].readyState, WebSocket.CLOSED);
});

Deno.test("an app token Slack rejects stops Socket Mode without retrying", async () => {
  const served = await serveEmulator({ workspace: createSeedWorkspace({ now: Date.now() }) });
  const client = startSocketMode({
    apiUrl: served.url,
    appToken: "xapp-1-not-a-real-token",
    intake: fakeIntake(),
    backoff: { baseMs: 1, maxMs: 1 },
  });
  try {
    await until(() => client.state() === "stopped", "stopped");
    await sleep(20);
    assert.equal(served.emulator.calls.length, 1);
  } finally {
    await client.stop();
    await served.close();
  }
});

Deno.test("failed opens back off and retry, and a 429 waits its Retry-After", async () => {
  const served = await serveEmulator({ workspace: createSeedWorkspace({ now: Date.now() }) });
  served.emulator.failNext("apps.connections.open", { error: "internal_error", times: 2 });
  served.emulator.failNext("apps.connections.open", { status: 429, retryAfter: 1 });
  const client = startSocketMode({
    apiUrl: served.url,
    appToken: defaultTokens.app,
    intake: fakeIntake(),
    backoff: { baseMs: 10, maxMs: 20 },
  });
  try {
    await until(() => client.state() === "connected", "connected", 4000);
    const at = served.emulator.calls.map((c) => c.at);
    assert.equal(at.length, 4);
    assert.ok(at[1] - at[0] < 100 && at[2] - at[1] < 100, "plain failures back off briefly");
    assert.ok(at[3] - at[2] >= 1000, `waited ${at[3] - at[2]} ms after the 429`);
  } finally {
    await client.stop();
    await served.close();
  }
});

/**
 * A Slack whose every word is the test's: `onConnect` gets the server side of
 * the n-th connection (from 1) and what the client sends on it.
 */
function scriptedSlack(onConnect: (socket: WebSocket, n: number, received: unknown[]) => void) {
  const sockets: WebSocket[] = [];
  const received: unknown[][] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    const mine: unknown[] = [];
    sockets.push(socket);
    received.push(mine);
    socket.onmessage = (event) => mine.push(JSON.parse(event.data));
    socket.onopen = () => onConnect(socket, sockets.length, mine);
    return response;
  });
  const url = `ws://127.0.0.1:${server.addr.port}/link/?ticket=scripted`;
  return {
    sockets,
    received,
    fetch: (() => Promise.resolve(Response.json({ ok: true, url }))) as typeof fetch,
    async close() {
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.close();
      await server.shutdown();
    },
  };
}

const hello = JSON.stringify({ type: "hello", num_connections: 1 });

Deno.test("envelopes this server does not handle are acknowledged without reaching the intake", async () => {
  const slack = scriptedSlack((socket) => {
    socket.send(hello);
    socket.send("not json");
    socket.send(JSON.stringify({ envelope_id: "e-1", type: "slash_commands", payload: {} }));
    socket.send(JSON.stringify({ envelope_id: "e-2", type: "interactive", payload: {} }));
    socket.send(JSON.stringify({ envelope_id: "e-3", type: "events_api", payload: { nope: 1 } }));
  });
  const intake = fakeIntake();
  const client = startSocketMode({
    apiUrl: "http://slack.invalid/api/",
    appToken: defaultTokens.app,
    intake,
    fetch: slack.fetch,
  });
  try {
    await until(() => slack.received[0]?.length === 3, "three acknowledgements");
    assert.deepEqual(slack.received[0], [
      { envelope_id: "e-1" },
      { envelope_id: "e-2" },
      { envelope_id: "e-3" },
    ]);
    assert.deepEqual(intake.seen, []);
    assert.equal(client.state(), "connected");
  } finally {
    await client.stop();
    await slack.close();
  }
});

Deno.test("a connection that never says hello is given up and another one opened", async () => {
  const slack = scriptedSlack((socket, n) => {
    if (n > 1) socket.send(hello);
  });
  const client = startSocketMode({
    apiUrl: "http://slack.invalid/api/",
    appToken: defaultTokens.app,
    intake: fakeIntake(),
    fetch: slack.fetch,
    pingIntervalMs: 20,
    backoff: { baseMs: 5, maxMs: 5 },
  });
  try {
    await sleep(20);
    assert.equal(client.state(), "connecting");
    await until(() => client.state() === "connected", "connected");
    assert.equal(slack.sockets.length, 2);
    await until(() => slack.sockets[0].readyState === WebSocket.CLOSED, "the first one closed");
  } finally {
    await client.stop();
    await slack.close();
  }
});

Deno.test("stop acknowledges the events in hand before closing", async () => {
  const slack = scriptedSlack((socket) => {
    socket.send(hello);
    socket.send(JSON.stringify({
      envelope_id: "e-1",
      type: "events_api",
      payload: { type: "event_callback", event_id: "Ev1", event: { type: "message" } },
    }));
  });
  const intake = fakeIntake();
  intake.delayMs = 50;
  const client = startSocketMode({
    apiUrl: "http://slack.invalid/api/",
    appToken: defaultTokens.app,
    intake,
    fetch: slack.fetch,
  });
  try {
    await until(() => slack.sockets.length === 1, "connected");
    await sleep(10);
    await client.stop();
    assert.equal(client.state(), "stopped");
    assert.deepEqual(slack.received[0], [{ envelope_id: "e-1" }]);
    assert.equal(slack.sockets[0].readyState, WebSocket.CLOSED);
  } finally {
    await client.stop();
    await slack.close();
  }
});
