import assert from "node:assert/strict";
import { until } from "../util/testing.ts";
import { createMcpEndpoint, type McpEndpoint, type McpEndpointOptions } from "./mcp_route.ts";
import { InMemoryServerEventBus, Server } from "@modelcontextprotocol/server";
import { Client, StreamableHTTPClientTransport } from "../../tests/sdk_client.ts";
import type { CallerInfo } from "../mcp/pipeline.ts";
import type { ServerFactory } from "../mcp/server.ts";
import { sleep } from "../util/sleep.ts";

const caller: CallerInfo = { clientId: "ip:127.0.0.1", requestId: "test" };
const url = "http://127.0.0.1/mcp";
const accept = "application/json, text/event-stream";

/** A factory whose one tool, `slow`, answers after `ms` milliseconds (or when cancelled). */
function slowFactory(): ServerFactory {
  return () => {
    const server = new Server({ name: "test", version: "1.0.0" }, {
      capabilities: { tools: {} },
    });
    server.setRequestHandler("tools/list", () => ({
      tools: [{ name: "slow", inputSchema: { type: "object" } }],
    }));
    server.setRequestHandler("tools/call", async (request, ctx) => {
      await sleep(Number(request.params.arguments?.ms ?? 0), ctx.mcpReq.signal);
      return { content: [{ type: "text", text: "done" }] };
    });
    return server;
  };
}

/** An endpoint plus SDK clients that reach it in-process; `close` ends both. */
function rig(options: Partial<McpEndpointOptions> = {}) {
  const endpoint = createMcpEndpoint({
    factory: slowFactory(),
    stateless: false,
    bus: new InMemoryServerEventBus(),
    ...options,
  });
  const clients: Client[] = [];
  const fetchFor = (who: CallerInfo) => (input: string | URL, init?: RequestInit) =>
    endpoint.handle(new Request(input, init), who);
  return {
    endpoint,
    async connect(who: CallerInfo = caller) {
      const client = new Client({ name: "test-client", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), { fetch: fetchFor(who) }),
      );
      clients.push(client);
      return client;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(clients.map((c) => c.close()));
      await endpoint.close();
    },
  };
}

function initialize(id = 1) {
  return {
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1.0.0" },
    },
  };
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept, ...headers },
    body: JSON.stringify(body),
  });
}

/** Opens a session with raw requests and returns its id. */
async function openSession(endpoint: McpEndpoint, who: CallerInfo = caller): Promise<string> {
  const response = await endpoint.handle(post(initialize()), who);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  const id = response.headers.get("mcp-session-id");
  assert.ok(id);
  const initialized = await endpoint.handle(
    post({ jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-session-id": id }),
    who,
  );
  assert.equal(initialized.status, 202);
  return id;
}

function pings(count: number) {
  return Array.from({ length: count }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "ping" }));
}

Deno.test("a session cap refuses new sessions with a clear error while existing ones keep working", async () => {
  await using r = rig({ maxSessions: 2 });
  const first = await r.connect();
  await r.connect();
  await assert.rejects(r.connect(), /Too many sessions \(2\)/);
  assert.equal(r.endpoint.sessionCount(), 2);
  const result = await first.callTool({ name: "slow", arguments: { ms: 0 } });
  assert.deepEqual(result.content, [{ type: "text", text: "done" }]);
});

Deno.test("a closed session frees its place under the cap", async () => {
  await using r = rig({ maxSessions: 1 });
  const id = await openSession(r.endpoint);
  const refused = await r.endpoint.handle(post(initialize()), caller);
  assert.equal(refused.status, 503);
  assert.match((await refused.json()).error.message, /Too many sessions \(1\)/);
  const deleted = await r.endpoint.handle(
    new Request(url, { method: "DELETE", headers: { "mcp-session-id": id } }),
    caller,
  );
  assert.equal(deleted.status, 200);
  assert.equal(r.endpoint.sessionCount(), 0);
  await r.connect();
});

Deno.test("a stream cap refuses extra GET streams until one closes", async () => {
  await using r = rig({ maxStreams: 1 });
  const [a, b] = [await openSession(r.endpoint), await openSession(r.endpoint)];
  const get = (id: string) =>
    r.endpoint.handle(
      new Request(url, { headers: { accept: "text/event-stream", "mcp-session-id": id } }),
      caller,
    );
  const open = await get(a);
  assert.equal(open.status, 200);
  assert.equal(r.endpoint.streamCount(), 1);
  const refused = await get(b);
  assert.equal(refused.status, 503);
  assert.match((await refused.json()).error.message, /Too many open event streams \(1\)/);
  await open.body?.cancel();
  assert.equal(r.endpoint.streamCount(), 0);
  const reopened = await get(b);
  assert.equal(reopened.status, 200);
  await reopened.body?.cancel();
});

Deno.test("a refused GET stream does not use up the stream cap", async () => {
  await using r = rig({ maxStreams: 1 });
  const id = await openSession(r.endpoint);
  const headers = { accept: "application/json", "mcp-session-id": id };
  const notAcceptable = await r.endpoint.handle(new Request(url, { headers }), caller);
  assert.equal(notAcceptable.status, 406);
  await notAcceptable.body?.cancel();
  assert.equal(r.endpoint.streamCount(), 0);
});

Deno.test("a JSON-RPC batch over the limit gets a clear error and smaller batches still work", async () => {
  await using r = rig({ maxBatch: 3 });
  const id = await openSession(r.endpoint);
  const tooMany = await r.endpoint.handle(post(pings(4), { "mcp-session-id": id }), caller);
  assert.equal(tooMany.status, 400);
  const body = await tooMany.json();
  assert.equal(body.error.code, -32600);
  assert.match(body.error.message, /at most 3 messages, this one has 4/);
  const ok = await r.endpoint.handle(post(pings(3), { "mcp-session-id": id }), caller);
  assert.equal(ok.status, 200);
  const text = await ok.text();
  for (const n of [1, 2, 3]) assert.match(text, new RegExp(`"id":${n}`));
});

Deno.test("the default batch limit is 20 messages, in stateless mode too", async () => {
  await using r = rig({ stateless: true });
  const tooMany = await r.endpoint.handle(post([initialize(), ...pings(20)]), caller);
  assert.equal(tooMany.status, 400);
  assert.match((await tooMany.json()).error.message, /at most 20 messages/);
});

Deno.test("a session answers only the client that opened it", async () => {
  await using r = rig();
  const id = await openSession(r.endpoint);
  const other = { clientId: "ip:127.0.0.2", requestId: "other" };
  const stolen = await r.endpoint.handle(post(pings(1)[0], { "mcp-session-id": id }), other);
  assert.equal(stolen.status, 404);
  await stolen.body?.cancel();
  const own = await r.endpoint.handle(post(pings(1)[0], { "mcp-session-id": id }), caller);
  assert.equal(own.status, 200);
  await own.body?.cancel();
});

Deno.test("a body that is not JSON gets a parse error", async () => {
  await using r = rig();
  const response = await r.endpoint.handle(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept },
      body: "{",
    }),
    caller,
  );
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error.code, -32700);
});

Deno.test("close lets an in-flight call finish, then closes the sessions and refuses new requests", async () => {
  await using r = rig();
  const client = await r.connect();
  const call = client.callTool({ name: "slow", arguments: { ms: 300 } });
  await sleep(50);
  await r.endpoint.close();
  assert.deepEqual((await call).content, [{ type: "text", text: "done" }]);
  assert.equal(r.endpoint.sessionCount(), 0);
  const refused = await r.endpoint.handle(post(initialize()), caller);
  assert.equal(refused.status, 503);
  assert.match((await refused.json()).error.message, /shutting down/);
});

Deno.test("close waits no longer than drainMs for a call that does not finish", async () => {
  await using r = rig({ drainMs: 100 });
  const id = await openSession(r.endpoint);
  const call = await r.endpoint.handle(
    post(
      {
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "slow", arguments: { ms: 60_000 } },
      },
      { "mcp-session-id": id },
    ),
    caller,
  );
  const answer = call.text();
  await sleep(50);
  const started = performance.now();
  await r.endpoint.close();
  assert.ok(performance.now() - started < 2_000);
  // The stream ends without a result, and the handler was cancelled (no timer is left behind).
  assert.doesNotMatch(await answer, /"id":9/);
});

Deno.test("idle sessions expire, but not while their client holds a notification stream", async () => {
  let clock = 0;
  await using r = rig({ idleMs: 20, now: () => clock });
  const [idle, listening] = [await openSession(r.endpoint), await openSession(r.endpoint)];
  const stream = await r.endpoint.handle(
    new Request(url, { headers: { accept: "text/event-stream", "mcp-session-id": listening } }),
    caller,
  );
  assert.equal(stream.status, 200);
  clock = 1_000;
  await sleep(60);
  assert.equal(r.endpoint.sessionCount(), 1, "the idle session is gone, the listening one stays");
  const probe = (id: string) =>
    r.endpoint.handle(
      new Request(url, {
        method: "POST",
        headers: { accept, "content-type": "application/json", "mcp-session-id": id },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
      }),
      caller,
    );
  const expired = await probe(idle);
  assert.equal(expired.status, 404);
  await expired.body?.cancel();
  await stream.body?.cancel();
});

Deno.test("2026-07-28 subscriptions/listen streams count against the stream cap too", async () => {
  const factory: ServerFactory = () =>
    new Server({ name: "test", version: "1.0.0" }, {
      capabilities: { resources: { subscribe: true } },
    });
  await using r = rig({ maxStreams: 1, factory });
  const listener = async () => {
    const client = new Client({ name: "listener", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        fetch: (input, init) => r.endpoint.handle(new Request(input, init), caller),
      }),
    );
    return client;
  };
  const [a, b] = [await listener(), await listener()];
  const filter = { resourceSubscriptions: ["test://x"] };
  const subscription = await a.listen(filter);
  assert.equal(r.endpoint.streamCount(), 1);
  await assert.rejects(b.listen(filter), /Too many open event streams \(1\)/);
  await subscription.close();
  await until(() => r.endpoint.streamCount() === 0);
  await (await b.listen(filter)).close();
  await Promise.all([a.close(), b.close()]);
});
