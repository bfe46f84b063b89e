import assert from "node:assert/strict";
import { captureLogs } from "../log/testing.ts";
import { createWebhook, maxWebhookBodyBytes } from "./webhook.ts";
import { createIntake, type Intake, IntakeRefusedError } from "./intake.ts";
import { createEventStream } from "./event_stream.ts";
import { signSlackRequest } from "../slack/signature.ts";
import { createMemoryStore } from "../store/memory_store.ts";
import { stopLogging } from "../log/logger.ts";

const secret = "webhook-test-signing-secret";
const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const fixtures = new URL("../../tests/fixtures/events/", import.meta.url);
const messageBody = Deno.readTextFileSync(new URL("message.json", fixtures));

interface Send {
  body?: string;
  headers?: Record<string, string>;
  signedWith?: string;
  signedAt?: number;
}

async function signedRequest(options: Send = {}): Promise<Request> {
  const body = options.body ?? messageBody;
  const timestamp = String(Math.floor((options.signedAt ?? now) / 1000));
  const signature = await signSlackRequest({
    secret: options.signedWith ?? secret,
    timestamp,
    body,
  });
  return new Request("http://127.0.0.1/slack/events", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signature,
      ...options.headers,
    },
    body,
  });
}

function rig(intake?: Pick<Intake, "accept">) {
  const store = createMemoryStore({ now: () => now });
  const events = createEventStream({ store, now: () => now });
  const real = createIntake({ store, events, cache: { invalidate: () => Promise.resolve() } });
  const webhook = createWebhook({ signingSecret: secret, intake: intake ?? real, now: () => now });
  return {
    send: (request: Request) => webhook(request, "req-test-1"),
    ids: async () => (await events.list({ limit: 100 })).map((e) => e.event_id),
  };
}

/** A body of `size` bytes in 64 KiB chunks, counting how many bytes were pulled. */
function countingBody(size: number) {
  const pulled = { bytes: 0 };
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= size) return controller.close();
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, pulled };
}

Deno.test("a signed url_verification is answered with its challenge", async () => {
  const { send } = rig();
  const body = Deno.readTextFileSync(new URL("url_verification.json", fixtures));
  const response = await send(await signedRequest({ body }));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
  });
});

Deno.test("a signed event is acknowledged with 200 and stored", async () => {
  const { send, ids } = rig();
  const response = await send(await signedRequest());
  assert.equal(response.status, 200);
  assert.deepEqual(await ids(), ["Ev0MSG00001"]);
});

Deno.test("forged, stale, future, tampered and unsigned events get 401 and leave no trace", async () => {
  const { send, ids } = rig();
  const unsigned = new Request("http://127.0.0.1/slack/events", {
    method: "POST",
    body: messageBody,
  });
  const tampered = await signedRequest();
  const cases: [string, Request][] = [
    ["wrong secret", await signedRequest({ signedWith: "another-signing-secret" })],
    ["stale", await signedRequest({ signedAt: now - 301_000 })],
    ["future", await signedRequest({ signedAt: now + 301_000 })],
    [
      "tampered",
      new Request(tampered, { body: messageBody.replace("all green", "all red!!") }),
    ],
    ["unsigned", unsigned],
    ["non-hex", await signedRequest({ headers: { "x-slack-signature": `v0=${"g".repeat(64)}` } })],
  ];
  for (const [name, request] of cases) {
    const response = await send(request);
    assert.equal(response.status, 401, name);
    const body = await response.json();
    assert.equal(body.error, "invalid_signature", name);
    assert.ok(body.message.length < 80, name);
  }
  assert.deepEqual(await ids(), []);
});

Deno.test("an unsigned url_verification is refused: only Slack may verify the URL", async () => {
  const { send } = rig();
  const request = new Request("http://127.0.0.1/slack/events", {
    method: "POST",
    body: JSON.stringify({ type: "url_verification", challenge: "c" }),
  });
  assert.equal((await send(request)).status, 401);
});

Deno.test("malformed JSON with a valid signature gets 400", async () => {
  const { send } = rig();
  const response = await send(await signedRequest({ body: '{"type":"event_callback",' }));
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error, "invalid_json");
});

Deno.test("an event_callback without an event id gets 400", async () => {
  const { send, ids } = rig();
  const body = JSON.stringify({ ...JSON.parse(messageBody), event_id: undefined });
  const response = await send(await signedRequest({ body }));
  assert.equal(response.status, 400);
  assert.deepEqual(await ids(), []);
});

Deno.test("a body declared over 1 MiB gets 413 before any of it is read", async () => {
  const { send } = rig();
  const { stream, pulled } = countingBody(2 * maxWebhookBodyBytes);
  const request = await signedRequest({
    body: "",
    headers: { "content-length": String(2 * maxWebhookBodyBytes) },
  });
  const response = await send(new Request(request, { body: stream }));
  assert.equal(response.status, 413);
  assert.equal(pulled.bytes, 0);
});

Deno.test("a body that lies about its length is cut off just past 1 MiB with 413", async () => {
  const { send } = rig();
  const { stream, pulled } = countingBody(8 * maxWebhookBodyBytes);
  const request = await signedRequest({ headers: { "content-length": "100" } });
  const response = await send(new Request(request, { body: stream }));
  assert.equal(response.status, 413);
  assert.ok(pulled.bytes <= maxWebhookBodyBytes + 2 * 64 * 1024, `read ${pulled.bytes} bytes`);
});

Deno.test("a chunked body over 1 MiB sent over HTTP gets 413", async () => {
  const { send } = rig();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => send(request),
  );
  const { stream } = countingBody(2 * maxWebhookBodyBytes);
  const response = await fetch(`http://127.0.0.1:${server.addr.port}/slack/events`, {
    method: "POST",
    body: stream,
  });
  assert.equal(response.status, 413);
  assert.equal((await response.json()).error, "payload_too_large");
});

Deno.test("a Slack retry of a stored event is acknowledged and not stored twice", async () => {
  const { send, ids } = rig();
  assert.equal((await send(await signedRequest())).status, 200);
  const retry = await signedRequest({
    headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
  });
  assert.equal((await send(retry)).status, 200);
  assert.deepEqual(await ids(), ["Ev0MSG00001"]);
});

Deno.test("an event the intake refuses gets 503 so Slack retries it", async () => {
  const { send } = rig({
    accept: () =>
      Promise.reject(
        new IntakeRefusedError("The event queue is full (1000); retry later.", "busy"),
      ),
  });
  const response = await send(await signedRequest());
  assert.equal(response.status, 503);
  assert.equal((await response.json()).error, "busy");
});

Deno.test("an app_rate_limited notice is acknowledged without storing anything", async () => {
  const { send, ids } = rig();
  const body = JSON.stringify({
    token: "XXYYZZ",
    type: "app_rate_limited",
    team_id: "T0DEMO001",
    minute_rate_limited: 1764072000,
    api_app_id: "A0DEMOAPP1",
  });
  assert.equal((await send(await signedRequest({ body }))).status, 200);
  assert.deepEqual(await ids(), []);
});

Deno.test("rejections are logged with reason and request id, never the secret or signature", async () => {
  const lines = await captureLogs({
    level: "info",
    format: "json",
  });
  try {
    const { send } = rig();
    const forged = await signedRequest({ signedWith: "another-signing-secret" });
    const signature = forged.headers.get("x-slack-signature")!;
    await send(forged);
    await send(await signedRequest({ body: "{not json" }));
    await stopLogging();
    const log = lines.join("");
    assert.match(log, /signature mismatch/);
    assert.match(log, /Body is not valid JSON/);
    assert.equal(log.match(/req-test-1/g)?.length, 2);
    assert.ok(!log.includes(secret), "the signing secret leaked");
    assert.ok(!log.includes(signature.slice(3)), "the signature leaked");
  } finally {
    await stopLogging();
  }
});
