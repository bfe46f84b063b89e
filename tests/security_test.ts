/**
 * Who can call what, over real HTTP: the bearer token, Origin and Host checks,
 * body and batch limits, and the routes that stay open.
 */
import assert from "node:assert/strict";
import { type Stack, startStack } from "./harness.ts";

const token = "test-mcp-token-0123456789abcdef";
const accept = "application/json, text/event-stream";

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1.0.0" },
  },
};

function post(stack: Stack, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Sends raw HTTP/1.1 (fetch will not send a forged Host) and returns the status code. */
async function rawStatus(stack: Stack, head: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(stack.url).port) });
  try {
    await conn.write(new TextEncoder().encode(head));
    const buffer = new Uint8Array(1024);
    const n = await conn.read(buffer);
    return Number(
      /^HTTP\/1\.1 (\d{3})/.exec(new TextDecoder().decode(buffer.subarray(0, n ?? 0)))?.[1],
    );
  } finally {
    conn.close();
  }
}

Deno.test("with MCP_AUTH_TOKEN, /mcp and POST / answer 401 without the bearer token", async () => {
  await using stack = await startStack({ env: { MCP_AUTH_TOKEN: token } });
  for (const path of ["/mcp", "/"]) {
    for (
      const headers of [{}, { authorization: "Bearer wrong-token" }] as Record<string, string>[]
    ) {
      const response = await post(stack, path, initialize, headers);
      assert.equal(response.status, 401, path);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer realm="slack-mcp"/);
      assert.equal((await response.json()).error, "unauthorized");
    }
  }
  await assert.rejects(stack.connect(), /Authentication required/);
});

Deno.test("with MCP_AUTH_TOKEN, the right token opens a session and calls tools", async () => {
  await using stack = await startStack({ env: { MCP_AUTH_TOKEN: token } });
  const client = await stack.connect({ token });
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === "slack_list_channels"));
  const compat = await post(
    stack,
    "/",
    { jsonrpc: "2.0", method: "list_channels", params: { limit: 2 }, id: 7 },
    { authorization: `Bearer ${token}` },
  );
  assert.equal(compat.status, 200);
  assert.equal((await compat.json()).id, 7);
});

Deno.test("health and the Slack webhook are not behind the bearer token", async () => {
  await using stack = await startStack({ env: { MCP_AUTH_TOKEN: token } });
  const health = await fetch(`${stack.url}/healthz`);
  assert.deepEqual(await health.json(), { status: "ok" });
  const webhook = await post(stack, "/slack/events", { type: "url_verification", challenge: "x" });
  await webhook.body?.cancel();
  assert.equal(webhook.headers.get("www-authenticate"), null);
  assert.notEqual(webhook.status, 200, "an unsigned webhook must still be refused");
});

Deno.test("a foreign Origin gets 403 on /mcp and POST /, a loopback or listed one does not", async () => {
  await using stack = await startStack({
    env: { ALLOWED_ORIGINS: "https://inspector.example.com" },
  });
  for (const path of ["/mcp", "/"]) {
    const refused = await post(stack, path, initialize, { origin: "https://evil.example" });
    assert.equal(refused.status, 403, path);
    assert.match((await refused.json()).message, /ALLOWED_ORIGINS/);
  }
  for (const origin of ["http://localhost:6274", "https://inspector.example.com"]) {
    const allowed = await post(stack, "/mcp", initialize, { origin });
    assert.equal(allowed.status, 200, origin);
    assert.equal(allowed.headers.get("access-control-allow-origin"), origin);
    assert.match(allowed.headers.get("access-control-expose-headers") ?? "", /mcp-session-id/);
    await allowed.body?.cancel();
  }
});

Deno.test("a CORS preflight passes only for allowed origins, without the bearer token", async () => {
  await using stack = await startStack({
    env: { MCP_AUTH_TOKEN: token, ALLOWED_ORIGINS: "https://inspector.example.com" },
  });
  const preflight = (origin: string) =>
    fetch(`${stack.url}/mcp`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-session-id",
      },
    });
  const ok = await preflight("https://inspector.example.com");
  await ok.body?.cancel();
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://inspector.example.com");
  assert.match(ok.headers.get("access-control-allow-headers") ?? "", /authorization/);
  const refused = await preflight("https://evil.example");
  await refused.body?.cancel();
  assert.equal(refused.status, 403);
});

Deno.test("a rebound Host header gets 403 on a loopback bind (DNS rebinding)", async () => {
  await using stack = await startStack();
  const request = (host: string) =>
    `POST /mcp HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\naccept: ${accept}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`;
  assert.equal(await rawStatus(stack, request("evil.example")), 403);
  assert.equal(await rawStatus(stack, request("127.0.0.1.evil.example")), 403);
  // The same request from a loopback Host reaches MCP (which refuses `{}` as no initialize).
  assert.equal(await rawStatus(stack, request(new URL(stack.url).host)), 400);
});

Deno.test("a body over 8 MiB gets 413 whether its length is declared or chunked", async () => {
  await using stack = await startStack();
  const big = JSON.stringify({ ...initialize, pad: "x".repeat(8 * 1024 * 1024) });
  for (const path of ["/mcp", "/"]) {
    const declared = await post(stack, path, big);
    assert.equal(declared.status, 413, path);
    assert.equal((await declared.json()).error, "payload_too_large");
  }
  const chunked = await fetch(`${stack.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: ReadableStream.from([new TextEncoder().encode(big)]),
  });
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
});

Deno.test("an endless chunked body is cut off after 8 MiB instead of being read to the end", async () => {
  await using stack = await startStack();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(stack.url).port) });
  const encoder = new TextEncoder();
  const chunk = encoder.encode(`10000\r\n${"x".repeat(0x10000)}\r\n`);
  let answer = "";
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    conn.close();
  };
  const reading = (async () => {
    const buffer = new Uint8Array(4096);
    const n = await conn.read(buffer).catch(() => null);
    answer = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    // Ends a write blocked on a server that stopped reading.
    close();
  })();
  let sent = 0;
  const limit = 256 * 1024 * 1024;
  try {
    await conn.write(encoder.encode(
      `POST /mcp HTTP/1.1\r\nhost: ${
        new URL(stack.url).host
      }\r\ncontent-type: application/json\r\naccept: ${accept}\r\ntransfer-encoding: chunked\r\n\r\n`,
    ));
    // Whole chunks only: a partial write would break the chunked framing.
    while (!answer && sent < limit) {
      for (let at = 0; at < chunk.length;) at += await conn.write(chunk.subarray(at));
      sent += chunk.length;
    }
  } catch {
    // The connection closed under a pending write: the server had stopped reading.
  }
  // A server that read everything would still be waiting for the body's end.
  close();
  await reading;
  assert.match(answer, /^HTTP\/1\.1 413/);
  assert.ok(sent < limit, `the server read all ${sent} bytes`);
});

Deno.test("a JSON-RPC batch over 20 messages gets a clear JSON-RPC error", async () => {
  await using stack = await startStack();
  const pings = Array.from(
    { length: 20 },
    (_, i) => ({ jsonrpc: "2.0", id: i + 2, method: "ping" }),
  );
  const response = await post(stack, "/mcp", [initialize, ...pings]);
  assert.equal(response.status, 400);
  const body = await response.json();
  assert.equal(body.error.code, -32600);
  assert.match(body.error.message, /at most 20 messages, this one has 21/);
  const client = await stack.connect();
  assert.ok((await client.listTools()).tools.length > 0, "the server keeps serving");
});

Deno.test("an unknown route gets a JSON 404 and every answer carries a request id", async () => {
  await using stack = await startStack();
  const missing = await fetch(`${stack.url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error, "not_found");
  assert.match(missing.headers.get("x-request-id") ?? "", /^[\w-]{8,}$/);
  const echoed = await fetch(`${stack.url}/healthz`, { headers: { "x-request-id": "abc-123" } });
  await echoed.body?.cancel();
  assert.equal(echoed.headers.get("x-request-id"), "abc-123");
  const forged = await fetch(`${stack.url}/healthz`, { headers: { "x-request-id": "a b\tc" } });
  await forged.body?.cancel();
  assert.notEqual(forged.headers.get("x-request-id"), "a b\tc");
});

Deno.test("without MCP_AUTH_TOKEN, inventing bearer tokens does not buy a fresh rate limit", async () => {
  await using stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: "2" } });
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const response = await post(
      stack,
      "/",
      { jsonrpc: "2.0", method: "get_latest_event", params: {}, id: i },
      { authorization: `Bearer invented-${i}` },
    );
    await response.body?.cancel();
    statuses.push(response.status);
  }
  assert.deepEqual(statuses, [200, 200, 429]);
});
