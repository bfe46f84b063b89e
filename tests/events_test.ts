/**
 * Events end to end: signed requests to our webhook over HTTP, the event tools
 * and resources through real SDK client sessions, the compat route, and the
 * emulator's writes coming back as events through `event_delivery`.
 */
import assert from "node:assert/strict";
import { until } from "../src/util/testing.ts";
import {
  call,
  demoTokens,
  postSignedEvent,
  seedNow,
  type SignedPostOptions,
  textOf,
} from "./harness.ts";
import { faultyStore } from "./fixtures/faulty_store.ts";
import { loadConfig } from "../src/config.ts";
import type { ServiceOverrides } from "../src/services.ts";
import { createRuntime } from "../src/runtime.ts";
import { createMcpEndpoint } from "../src/http/mcp_route.ts";
import { createEventBus } from "../src/mcp/event_bus.ts";
import { createApp } from "../src/app.ts";
import type { ToolContext, ToolDeps } from "../src/mcp/tool.ts";
import { waitForEvent } from "../src/mcp/tools/events.ts";
import { createIntake, type IntakeOptions } from "../src/events/intake.ts";
import { createWebhook } from "../src/events/webhook.ts";
import { createEventStream, type WritableEventStream } from "../src/events/event_stream.ts";
import type { EventEnvelope } from "../src/events/normalize.ts";
import { createEmulator, serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace, DEMO_INSTALLER_ID } from "../src/slack_emulator/seed.ts";
import { startEventDelivery } from "../src/slack_emulator/event_delivery.ts";
import { verifySlackSignature } from "../src/slack/signature.ts";
import { createMemoryStore } from "../src/store/memory_store.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";
import { sleep } from "../src/util/sleep.ts";

const secret = "events-test-signing-secret";
const fixtures = new URL("./fixtures/events/", import.meta.url);

/**
 * Our server with the webhook, intake, event tools and resources, wired as
 * `src/serve.ts` is to wire them, in front of a seeded emulator.
 */
async function startEventStack(
  options: { overrides?: ServiceOverrides; intake?: Partial<IntakeOptions> } = {},
) {
  const emulator = await serveEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  const config = loadConfig({
    SLACK_BOT_TOKEN: demoTokens.bot,
    SLACK_USER_TOKEN: demoTokens.user,
    SLACK_API_URL: emulator.url,
    SLACK_SIGNING_SECRET: secret,
    PORT: "0",
  });
  const { services, pipeline, factory } = await createRuntime(config, options.overrides);
  const mcp = createMcpEndpoint({
    factory,
    stateless: false,
    bus: createEventBus(services.events),
  });
  const intake = createIntake({
    store: services.store,
    events: services.events as WritableEventStream,
    cache: services.cache,
    ...options.intake,
  });
  const app = createApp({
    config,
    pipeline,
    mcp,
    webhook: createWebhook({ signingSecret: secret, intake }),
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request, info) => app.fetch(request, info),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const clients: Client[] = [];
  return {
    url,
    services,
    emulator: emulator.emulator,
    async connect() {
      const client = new Client({ name: "events-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
      await client.listTools();
      clients.push(client);
      return client;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(clients.map((c) => c.close()));
      await mcp.close();
      await intake.drain(1000);
      await server.shutdown();
      await emulator.close();
    },
  };
}

type EventStack = Awaited<ReturnType<typeof startEventStack>>;

/** A handler context whose dependencies are only `deps`. */
function contextWith(deps: Partial<ToolDeps>, signal = new AbortController().signal): ToolContext {
  return {
    deps: deps as ToolDeps,
    policy: { writeChannels: [] },
    signal,
    progress: () => Promise.resolve(),
  };
}

let nextId = 0;

/** A fixture envelope with a fresh event id, its event patched by `event`. */
function envelope(name: string, event: Record<string, unknown> = {}): EventEnvelope {
  const parsed = JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, fixtures)));
  return { ...parsed, event_id: `Ev0TEST${++nextId}`, event: { ...parsed.event, ...event } };
}

/** POSTs `body` to the webhook signed as Slack would (or with `secret` / `signedAt` of a forger). */
function post(stack: EventStack, body: unknown, options: Partial<SignedPostOptions> = {}) {
  return postSignedEvent(stack.url, body, { secret, ...options });
}

async function storedIds(stack: EventStack) {
  return (await stack.services.events.list({ limit: 1000 })).map((e) => e.event_id);
}

Deno.test("the webhook answers Slack's url_verification on both routes", async () => {
  await using stack = await startEventStack();
  const challenge = JSON.parse(Deno.readTextFileSync(new URL("url_verification.json", fixtures)));
  for (const path of ["/slack/events", "/webhook"]) {
    const response = await post(stack, challenge, { path });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { challenge: challenge.challenge });
  }
});

Deno.test("a signed event is served by the event tools and by the compat route", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const empty = await call(client, "slack_get_latest_event");
  assert.deepEqual(empty.structuredContent, { event: null });

  const mention = envelope("app_mention");
  assert.equal((await post(stack, mention)).status, 200);
  const latest = await call(client, "slack_get_latest_event", { type: "app_mention" });
  assert.equal(latest.structuredContent?.event.event_id, mention.event_id);
  assert.equal(latest.structuredContent?.event.text, "<@U0BOT0001> what shipped today?");
  assert.match(latest.structuredContent?.event.received_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  assert.ok(
    Object.values(latest.structuredContent?.event).every((v) => v !== "" && v !== null),
    "no empty fields",
  );
  // IDs stay where follow-up calls need them; the names come once per result.
  assert.equal(latest.structuredContent?.event.user, "U0ALICE01");
  assert.equal(latest.structuredContent?.event.channel, "C0GENERAL");
  assert.equal(latest.structuredContent?.users.U0ALICE01, "alice");
  assert.equal(latest.structuredContent?.users.U0BOT0001, "Slack MCP", "mentions are named too");
  assert.deepEqual(latest.structuredContent?.channels, { C0GENERAL: "general" });
  const text = (latest.content[0] as { text: string }).text;
  assert.match(text, /app_mention in #general by alice: @Slack MCP what shipped today\?/);
  assert.match(
    text,
    /\nUsers: alice U0ALICE01, Slack MCP U0BOT0001\nChannels: #general C0GENERAL$/,
  );

  const response = await fetch(`${stack.url}/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "get_latest_event", params: {}, id: 1 }),
  });
  const compat = await response.json();
  assert.equal(compat.jsonrpc, "2.0");
  assert.equal(compat.id, 1);
  assert.equal(compat.result.event.event_id, mention.event_id);
  assert.equal(compat.result.event.type, "app_mention");
});

Deno.test("filters by type, channel name and since pick the right events", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const message = envelope("message");
  const reaction = envelope("reaction_added", {
    item: { type: "message", channel: "C0RANDOM0", ts: "1.000100" },
  });
  await post(stack, message);
  await post(stack, reaction);
  const inGeneral = await call(client, "slack_list_events", { channel_id: "#general" });
  assert.deepEqual(
    inGeneral.structuredContent?.events.map((e: { event_id: string }) => e.event_id),
    [
      message.event_id,
    ],
  );
  const reactions = await call(client, "slack_get_latest_event", { type: "reaction_added" });
  assert.equal(reactions.structuredContent?.event.channel, "C0RANDOM0");
  const future = await call(client, "slack_list_events", {
    since: new Date(Date.now() + 60_000).toISOString(),
  });
  assert.deepEqual(future.structuredContent?.events, []);
  const all = await call(client, "slack_list_events", {
    since: Math.floor(Date.now() / 1000) - 60,
  });
  assert.equal(all.structuredContent?.events.length, 2);
  const printed = await call(client, "slack_list_events", {
    since: all.structuredContent?.events[0].received_at.replace(/:\d\d UTC$/, ""),
  });
  assert.equal(printed.structuredContent?.events.length, 2, "a printed time reads back");
  const bad = await call(client, "slack_list_events", { since: "last tuesday" });
  assert.equal(bad.isError, true);
});

Deno.test("event tools name people and channels from cached lookups, never a Slack call per event", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const posted = [
    envelope("message"),
    envelope("message", { ts: "1764072001.000100" }),
    envelope("reaction_added", {
      user: "U0BRUNO02",
      item: { type: "message", channel: "C0RANDOM0", ts: "1764072000.000100" },
    }),
    envelope("message_bot_message", { channel: "C0ENGINRG" }),
    envelope("message", { channel: "D0DMBRUNO", user: "U0BRUNO02" }),
  ];
  for (const body of posted) assert.equal((await post(stack, body)).status, 200);
  await until(async () => (await storedIds(stack)).length === posted.length);
  stack.emulator.resetCalls();

  const listed = await call(client, "slack_list_events", {});
  const { events, users, channels } = listed.structuredContent!;
  assert.deepEqual(events.map((e: { user: string }) => e.user), [
    "U0ALICE01",
    "U0ALICE01",
    "U0BRUNO02",
    "B0CI00001",
    "U0BRUNO02",
  ]);
  assert.deepEqual(users, { U0ALICE01: "alice", U0BRUNO02: "bruno" });
  // A DM is not a named channel: its ID stands, and names it in follow-up calls.
  assert.deepEqual(channels, {
    C0GENERAL: "general",
    C0RANDOM0: "random",
    C0ENGINRG: "engineering",
  });
  const text = textOf(listed);
  assert.match(text, /reaction_added :tada: in #random by bruno on 1764072000\.000100/);
  assert.match(text, /message \(bot_message\) in #engineering by B0CI00001: Nightly build/);
  assert.match(text, /message in D0DMBRUNO by bruno/);
  assert.equal(text.match(/^Users: /gm)?.length, 1, "names said once per result");
  const methods = () => stack.emulator.calls.map((c) => c.method).sort();
  assert.deepEqual(methods(), ["conversations.list", "users.info", "users.info"]);

  // Polling again costs Slack nothing: the lookups are cached.
  stack.emulator.resetCalls();
  await call(client, "slack_list_events", {});
  await call(client, "slack_get_latest_event", {});
  assert.deepEqual(methods(), []);
});

Deno.test("forged and stale events get 401 and leave no trace in the stream", async () => {
  await using stack = await startEventStack();
  assert.equal(
    (await post(stack, envelope("message"), { secret: "a-forgers-secret" })).status,
    401,
  );
  assert.equal(
    (await post(stack, envelope("message"), { signedAt: Date.now() - 6 * 60_000 })).status,
    401,
  );
  const unsigned = await fetch(`${stack.url}/slack/events`, {
    method: "POST",
    body: JSON.stringify(envelope("message")),
  });
  assert.equal(unsigned.status, 401);
  await unsigned.body?.cancel();
  assert.deepEqual(await storedIds(stack), []);
});

Deno.test("malformed JSON gets 400 and an oversized body 413 through the app", async () => {
  await using stack = await startEventStack();
  assert.equal((await post(stack, '{"type":')).status, 400);
  assert.equal((await post(stack, "x".repeat(1024 * 1024 + 1))).status, 413);
});

Deno.test("Slack's retries of an event are acknowledged and it is stored once", async () => {
  await using stack = await startEventStack();
  const event = envelope("message");
  assert.equal((await post(stack, event)).status, 200);
  for (const retry of ["1", "2", "3"]) {
    const response = await post(stack, event, {
      headers: { "x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout" },
    });
    assert.equal(response.status, 200);
  }
  assert.deepEqual(await storedIds(stack), [event.event_id]);
});

Deno.test("with the store down an event gets 503, and Slack's later retry is stored", async () => {
  const { store, failing } = faultyStore();
  await using stack = await startEventStack({ overrides: { store } });
  const event = envelope("message");
  failing.add("*");
  assert.equal((await post(stack, event)).status, 503);
  failing.clear();
  assert.equal((await post(stack, event, { headers: { "x-slack-retry-num": "1" } })).status, 200);
  assert.deepEqual(await storedIds(stack), [event.event_id]);
});

Deno.test("with the queue full an event gets 503 and is not stored", async () => {
  await using stack = await startEventStack({ intake: { capacity: 0 } });
  assert.equal((await post(stack, envelope("message"))).status, 503);
  assert.deepEqual(await storedIds(stack), []);
});

Deno.test("a message event drops the channel's cached history at once", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const historyCalls = () =>
    stack.emulator.calls.filter((c) => c.method === "conversations.history").length;
  const history = () =>
    call(client, "slack_get_channel_history", { channel_id: "C0GENERAL", limit: 5 });
  await history();
  await history();
  assert.equal(historyCalls(), 1, "the second read is a cache hit");
  await post(stack, envelope("message"));
  await history();
  assert.equal(historyCalls(), 2, "the event dropped the cached history");
});

Deno.test("slack_wait_for_event returns as soon as a matching event arrives", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const started = Date.now();
  const waiting = call(client, "slack_wait_for_event", {
    type: "reaction_added",
    channel_id: "C0GENERAL",
    timeout_seconds: 20,
  });
  await sleep(300);
  await post(stack, envelope("message"));
  const reaction = envelope("reaction_added");
  await post(stack, reaction);
  const result = await waiting;
  assert.equal(result.structuredContent?.event.event_id, reaction.event_id);
  assert.equal(result.structuredContent?.timed_out, undefined, "timed_out only when true");
  assert.ok(Date.now() - started < 5000);
});

Deno.test("slack_wait_for_event answers null after its timeout", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const started = Date.now();
  const result = await call(client, "slack_wait_for_event", { timeout_seconds: 0.5 });
  assert.deepEqual(result.structuredContent, { event: null, timed_out: true });
  assert.ok(Date.now() - started >= 450);
});

Deno.test("a cancelled slack_wait_for_event stops waiting at once", async () => {
  const events = createEventStream({ store: createMemoryStore() });
  const controller = new AbortController();
  const started = Date.now();
  const waiting = waitForEvent.handler(
    { timeout_seconds: 60 },
    contextWith({ events }, controller.signal),
  );
  setTimeout(() => controller.abort(), 50);
  const result = await waiting;
  assert.deepEqual(result.structured, { event: null }, "cancelled is not timed out");
  assert.ok(Date.now() - started < 1000);
});

Deno.test("timeouts over 60 seconds are capped, not refused", async () => {
  let waitedMs = 0;
  const events = { wait: (_filter: unknown, ms: number) => (waitedMs = ms, Promise.resolve(null)) };
  const result = await waitForEvent.handler(
    waitForEvent.input.parse({ timeout_seconds: 600 }),
    contextWith({ events } as unknown as Partial<ToolDeps>),
  );
  assert.equal(waitedMs, 60_000);
  assert.equal(result.text, "No matching event within 60 s.");
});

Deno.test("resources list, template and reads show the latest event and a channel's history", async () => {
  await using stack = await startEventStack();
  const client = await stack.connect();
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri), [
    "slack://events/latest",
    "ui://slack-mcp/analysis.html",
  ]);
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), [
    "slack://channels/{channel_id}/history",
  ]);

  const event = envelope("message");
  await post(stack, event);
  const latest = await client.readResource({ uri: "slack://events/latest" });
  assert.equal(
    JSON.parse((latest.contents[0] as { text: string }).text).event.event_id,
    event.event_id,
  );

  const history = await client.readResource({ uri: "slack://channels/general/history" });
  const parsed = JSON.parse((history.contents[0] as { text: string }).text);
  assert.equal(parsed.channel_id, "C0GENERAL");
  assert.ok(parsed.days[0].messages.length > 0);
  assert.equal(history.contents[0].mimeType, "application/json");

  await assert.rejects(
    client.readResource({ uri: "slack://channels/no-such-channel/history" }),
    /No conversation matches/,
  );
  await assert.rejects(client.readResource({ uri: "slack://nothing/here" }), /Unknown resource/);
});

Deno.test("subscribed sessions are notified of new events; others and unsubscribed ones are not", async () => {
  await using stack = await startEventStack();
  const subscriber = await stack.connect();
  const bystander = await stack.connect();
  const updates: string[] = [];
  const bystanderUpdates: string[] = [];
  subscriber.setNotificationHandler(
    "notifications/resources/updated",
    (n) => void updates.push(n.params.uri),
  );
  bystander.setNotificationHandler(
    "notifications/resources/updated",
    (n) => void bystanderUpdates.push(n.params.uri),
  );
  await subscriber.subscribeResource({ uri: "slack://events/latest" });
  await subscriber.subscribeResource({ uri: "slack://channels/general/history" });

  await post(stack, envelope("message"));
  await until(() => updates.length === 2);
  assert.deepEqual(updates.toSorted(), [
    "slack://channels/general/history",
    "slack://events/latest",
  ]);

  await post(stack, envelope("member_joined_channel"));
  await until(() => updates.length === 3);
  assert.equal(updates[2], "slack://events/latest");

  await subscriber.unsubscribeResource({ uri: "slack://events/latest" });
  await post(stack, envelope("reaction_added"));
  await until(() => updates.length === 4);
  assert.equal(updates[3], "slack://channels/general/history");

  await sleep(100);
  assert.equal(updates.length, 4);
  assert.deepEqual(bystanderUpdates, []);
  await assert.rejects(
    subscriber.subscribeResource({ uri: "slack://elsewhere" }),
    /Unknown resource/,
  );
});

Deno.test("a session listens to the event stream only while subscribed and open", async () => {
  await using stack = await startEventStack();
  const events = stack.services.events;
  const subscribe = events.subscribe;
  let listeners = 0;
  events.subscribe = (listener) => {
    listeners++;
    const unsubscribe = subscribe(listener);
    return () => (listeners--, unsubscribe());
  };
  const client = await stack.connect();
  await client.readResource({ uri: "slack://events/latest" });
  assert.equal(listeners, 0);
  await client.subscribeResource({ uri: "slack://events/latest" });
  await client.subscribeResource({ uri: "slack://channels/C0GENERAL/history" });
  assert.equal(listeners, 1);
  await client.unsubscribeResource({ uri: "slack://events/latest" });
  assert.equal(listeners, 1);
  await (client.transport as StreamableHTTPClientTransport).terminateSession();
  await until(() => listeners === 0);
});

Deno.test("under 2026-07-28 a subscriptions/listen stream is told of each new event", async () => {
  await using stack = await startEventStack();
  const client = new Client({ name: "listener", version: "1.0.0" }, {
    versionNegotiation: { mode: { pin: "2026-07-28" } },
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`)));
  assert.equal(client.getProtocolEra(), "modern");
  const updates: string[] = [];
  client.setNotificationHandler(
    "notifications/resources/updated",
    (n) => void updates.push(n.params.uri),
  );
  const subscription = await client.listen({
    resourceSubscriptions: ["slack://events/latest", "slack://channels/C0GENERAL/history"],
  });
  await post(stack, envelope("message"));
  await until(() => updates.length === 2);
  assert.deepEqual(updates.toSorted(), [
    "slack://channels/C0GENERAL/history",
    "slack://events/latest",
  ]);
  await post(stack, envelope("member_joined_channel"));
  await until(() => updates.length === 3);
  assert.equal(updates[2], "slack://events/latest");
  await subscription.close();
  await client.close();
});

Deno.test("a message posted through an MCP tool comes back as an event through event delivery", async () => {
  await using stack = await startEventStack();
  await using _delivery = {
    delivery: startEventDelivery({
      emulator: stack.emulator,
      webhookUrl: `${stack.url}/slack/events`,
      signingSecret: secret,
      activityEveryMs: 0,
    }),
    [Symbol.asyncDispose]() {
      return this.delivery.stop();
    },
  };
  const client = await stack.connect();
  const text = `Round trip ${crypto.randomUUID()}`;
  const posted = await call(client, "slack_post_message", { channel_id: "#general", text });
  assert.equal(posted.isError, undefined);
  await until(async () => (await stack.services.events.latest({ type: "message" }))?.text === text);
  const event = await call(client, "slack_get_latest_event", {
    type: "message",
    channel_id: "general",
  });
  assert.equal(event.structuredContent?.event.text, text);
  assert.equal(event.structuredContent?.event.channel, "C0GENERAL");
});

/** A stand-in for our webhook that records each delivery and answers from `statuses`. */
function recordingWebhook(statuses: (number | "hang")[]) {
  const deliveries: {
    retryNum: string | null;
    reason: string | null;
    eventId: string;
    valid: boolean;
  }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    const verdict = await verifySlackSignature({
      secret,
      body,
      now: Date.now(),
      timestamp: request.headers.get("x-slack-request-timestamp"),
      signature: request.headers.get("x-slack-signature"),
    });
    deliveries.push({
      retryNum: request.headers.get("x-slack-retry-num"),
      reason: request.headers.get("x-slack-retry-reason"),
      eventId: JSON.parse(new TextDecoder().decode(body)).event_id,
      valid: verdict.ok,
    });
    const status = statuses.shift() ?? 200;
    if (status === "hang") await sleep(300);
    return new Response(null, { status: status === "hang" ? 200 : status });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/slack/events`, deliveries, server };
}

Deno.test("event delivery signs each event and retries failures with Slack's retry headers", async () => {
  const hook = recordingWebhook([503, "hang", 200]);
  const emulator = createEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  const delivery = startEventDelivery({
    emulator,
    webhookUrl: hook.url,
    signingSecret: secret,
    activityEveryMs: 0,
    retryDelaysMs: [10, 10, 10],
    timeoutMs: 100,
  });
  emulator.actAs(DEMO_INSTALLER_ID, "chat.postMessage", { channel: "C0GENERAL", text: "hello" });
  await until(() => hook.deliveries.length === 3);
  await delivery.stop();
  await hook.server.shutdown();
  assert.deepEqual(hook.deliveries.map((d) => [d.retryNum, d.reason, d.valid]), [
    [null, null, true],
    ["1", "http_error", true],
    ["2", "http_timeout", true],
  ]);
  assert.equal(new Set(hook.deliveries.map((d) => d.eventId)).size, 1);
});

Deno.test("stopping event delivery abandons pending retries at once", async () => {
  const hook = recordingWebhook([500]);
  const emulator = createEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  const delivery = startEventDelivery({
    emulator,
    webhookUrl: hook.url,
    signingSecret: secret,
    activityEveryMs: 0,
    retryDelaysMs: [60_000],
  });
  emulator.actAs(DEMO_INSTALLER_ID, "chat.postMessage", { channel: "C0GENERAL", text: "hello" });
  await until(() => hook.deliveries.length === 1);
  const started = Date.now();
  await delivery.stop();
  assert.ok(Date.now() - started < 1000);
  await hook.server.shutdown();
  assert.equal(hook.deliveries.length, 1);
});

Deno.test("event delivery makes seeded users act now and then", async () => {
  const hook = recordingWebhook([]);
  const emulator = createEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  const delivery = startEventDelivery({
    emulator,
    webhookUrl: hook.url,
    signingSecret: secret,
    activityEveryMs: 20,
  });
  await until(() => hook.deliveries.length >= 2);
  await delivery.stop();
  await hook.server.shutdown();
  assert.ok(hook.deliveries.every((d) => d.valid && d.retryNum === null));
});
