import assert from "node:assert/strict";
import { until } from "../util/testing.ts";
import { defaultTokens, type EmulatorOptions, serveEmulator } from "./emulator.ts";
import { createSeedWorkspace, DEMO_APP_ID, DEMO_INSTALLER_ID } from "./seed.ts";
import { sleep } from "../util/sleep.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A served emulator with short Socket Mode timings, and raw WebSocket clients for it. */
async function rig(socket: EmulatorOptions["socket"] = {}) {
  const served = await serveEmulator({
    workspace: createSeedWorkspace({ now: Date.now() }),
    socket: { ackTimeoutMs: 100, refreshGraceMs: 100, ...socket },
  });
  const { emulator } = served;
  const clients: WebSocket[] = [];

  async function openUrl(): Promise<string> {
    const response = await fetch(`${served.url}apps.connections.open`, {
      method: "POST",
      headers: { authorization: `Bearer ${defaultTokens.app}` },
    });
    return (await response.json()).url;
  }

  /** Connects to `url` (a new one by default); `messages` collects what the server sends. */
  async function connect(url?: string) {
    const socket = new WebSocket(url ?? await openUrl());
    clients.push(socket);
    const messages: Json[] = [];
    const closed = Promise.withResolvers<CloseEvent>();
    socket.onmessage = (event) => messages.push(JSON.parse(event.data));
    socket.onclose = (event) => closed.resolve(event);
    socket.onerror = () => {};
    return {
      socket,
      messages,
      closed: closed.promise,
      send: (message: Json) => socket.send(JSON.stringify(message)),
      /** Waits for the `n`-th message (from 1) of `type`. */
      async nth(type: string, n = 1): Promise<Json> {
        await until(() => messages.filter((m) => m.type === type).length >= n, `${n} × ${type}`);
        return messages.filter((m) => m.type === type)[n - 1];
      },
    };
  }

  return {
    emulator,
    socket: emulator.socket,
    openUrl,
    connect,
    post(text = "hello") {
      emulator.actAs(DEMO_INSTALLER_ID, "chat.postMessage", { channel: "C0GENERAL", text });
    },
    async [Symbol.asyncDispose]() {
      await served.close();
      await Promise.all(
        clients.map((c) =>
          c.readyState === WebSocket.CLOSED ? undefined : new Promise((resolve) => {
            c.addEventListener("close", resolve);
            c.close();
          })
        ),
      );
    },
  };
}

Deno.test("a ticket opens one connection, which says hello", async () => {
  await using r = await rig();
  const url = await r.openUrl();
  assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]{32}&app_id=A0DEMOAPP1$/);
  const link = await r.connect(url);
  const hello = await link.nth("hello");
  assert.equal(hello.num_connections, 1);
  assert.equal(hello.connection_info.app_id, DEMO_APP_ID);
  const reused = await r.connect(url);
  assert.equal((await reused.closed).wasClean, false);
  assert.deepEqual(reused.messages, []);
  assert.equal(r.socket.connections, 1);
});

Deno.test("the link answers 426 without an upgrade and 401 for an unknown ticket", async () => {
  await using r = await rig();
  const url = new URL(await r.openUrl());
  url.protocol = "http:";
  const plain = await fetch(url);
  assert.equal(plain.status, 426);
  await plain.body?.cancel();
  url.searchParams.set("ticket", "0".repeat(32));
  const guessed = await fetch(url, { headers: { upgrade: "websocket", connection: "upgrade" } });
  assert.equal(guessed.status, 401);
  assert.deepEqual(await guessed.json(), { ok: false, error: "invalid_ticket" });
});

Deno.test("events go out as events_api envelopes and stop once acknowledged", async () => {
  await using r = await rig();
  const link = await r.connect();
  await link.nth("hello");
  r.post("first");
  const envelope = await link.nth("events_api");
  assert.match(envelope.envelope_id, /^[0-9a-f-]{36}$/);
  assert.equal(envelope.accepts_response_payload, false);
  assert.equal(envelope.retry_attempt, 0);
  assert.equal(envelope.retry_reason, "");
  assert.equal(envelope.payload.type, "event_callback");
  assert.equal(envelope.payload.event.text, "first");
  link.send({ envelope_id: envelope.envelope_id });
  await until(() => r.socket.pending === 0, "acknowledged");
  await sleep(250);
  assert.equal(link.messages.filter((m) => m.type === "events_api").length, 1);
});

Deno.test("an unacknowledged envelope comes again with retry_attempt raised, then is given up", async () => {
  await using r = await rig({ maxRetries: 2 });
  const link = await r.connect();
  await link.nth("hello");
  r.post();
  const last = await link.nth("events_api", 3);
  const copies = link.messages.filter((m) => m.type === "events_api");
  assert.deepEqual(copies.map((m) => m.retry_attempt), [0, 1, 2]);
  assert.deepEqual(copies.map((m) => m.retry_reason), ["", "timeout", "timeout"]);
  assert.ok(copies.every((m) => m.envelope_id === last.envelope_id));
  await until(() => r.socket.pending === 0, "given up");
  assert.equal(r.socket.deliveries.length, 3);
});

Deno.test("envelopes unacknowledged on a closed connection go to the next one", async () => {
  await using r = await rig({ ackTimeoutMs: 5000 });
  const first = await r.connect();
  await first.nth("hello");
  r.post();
  const sent = await first.nth("events_api");
  first.socket.close();
  await first.closed;
  r.post("while no connection is open");
  const second = await r.connect();
  const again = await second.nth("events_api");
  assert.equal(again.envelope_id, sent.envelope_id);
  assert.equal(again.retry_attempt, 1);
  const waited = await second.nth("events_api", 2);
  assert.equal(waited.payload.event.text, "while no connection is open");
  assert.equal(waited.retry_attempt, 0);
});

Deno.test("events from before Socket Mode was first used are not queued", async () => {
  await using r = await rig();
  r.post("before");
  const link = await r.connect();
  await link.nth("hello");
  r.post("after");
  const envelope = await link.nth("events_api");
  assert.equal(envelope.payload.event.text, "after");
  assert.equal(r.socket.deliveries.length, 1);
});

Deno.test("refreshAll sends disconnect, sends new envelopes elsewhere and closes after the grace", async () => {
  await using r = await rig({ refreshGraceMs: 150 });
  const old = await r.connect();
  await old.nth("hello");
  r.socket.refreshAll();
  const disconnect = await old.nth("disconnect");
  assert.equal(disconnect.reason, "refresh_requested");
  r.post("during the refresh");
  const fresh = await r.connect();
  assert.equal((await fresh.nth("hello")).num_connections, 2);
  assert.equal((await fresh.nth("events_api")).payload.event.text, "during the refresh");
  assert.equal((await old.closed).code, 1000);
  assert.equal(old.messages.filter((m) => m.type === "events_api").length, 0);
});

Deno.test("pings are answered, and a stalled connection answers nothing", async () => {
  await using r = await rig();
  const link = await r.connect();
  await link.nth("hello");
  link.send({ type: "ping", id: 7 });
  assert.deepEqual(await link.nth("pong"), { type: "pong", reply_to: 7 });
  r.socket.stallAll();
  link.send({ type: "ping", id: 8 });
  r.post();
  await sleep(150);
  assert.deepEqual(link.messages.map((m) => m.type), ["hello", "pong"]);
  assert.equal(link.socket.readyState, WebSocket.OPEN);
});

Deno.test("dropAll closes every connection without a disconnect message", async () => {
  await using r = await rig();
  const link = await r.connect();
  await link.nth("hello");
  r.socket.dropAll();
  assert.equal((await link.closed).code, 1011);
  assert.deepEqual(link.messages.map((m) => m.type), ["hello"]);
});

Deno.test("disable sends link_disabled to open and new connections", async () => {
  await using r = await rig();
  const open = await r.connect();
  await open.nth("hello");
  r.socket.disable();
  assert.equal((await open.nth("disconnect")).reason, "link_disabled");
  await open.closed;
  const late = await r.connect();
  assert.equal((await late.nth("disconnect")).reason, "link_disabled");
  await late.closed;
  assert.equal(late.messages.length, 1);
  r.post();
  assert.equal(r.socket.pending, 0);
});
