/**
 * Readiness and graceful shutdown: `/readyz` against Slack and the store, and
 * the real process (`main.ts`) stopping on SIGTERM/SIGINT without dropping
 * the call in flight.
 */
import assert from "node:assert/strict";
import { until } from "../src/util/testing.ts";
import { captureLogs } from "../src/log/testing.ts";
import { demoTokens, seedNow, startStack } from "./harness.ts";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import { createMemoryStore } from "../src/store/memory_store.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";
import { spawnServer } from "./server_process.ts";
import { stopLogging } from "../src/log/logger.ts";
import { loadConfig } from "../src/config.ts";
import { listen } from "../src/serve.ts";

async function readyz(url: string) {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: await response.json() };
}

function authTestCalls(stack: Awaited<ReturnType<typeof startStack>>) {
  return stack.emulator.calls.filter((c) => c.method === "auth.test").length;
}

Deno.test("/readyz is ready when Slack auth.test and the store answer", async () => {
  await using stack = await startStack();
  assert.deepEqual(await readyz(stack.url), {
    status: 200,
    body: { status: "ready", checks: { slack: { ok: true }, store: { ok: true } } },
  });
});

Deno.test("/readyz answers 503 naming Slack when auth.test fails, and recovers at once", async () => {
  await using stack = await startStack();
  stack.emulator.failNext("auth.test", { error: "invalid_auth" });
  const failing = await readyz(stack.url);
  assert.equal(failing.status, 503);
  assert.equal(failing.body.status, "not_ready");
  assert.equal(failing.body.checks.slack.ok, false);
  assert.match(failing.body.checks.slack.detail, /invalid_auth/);
  assert.equal(failing.body.checks.store.ok, true);
  assert.equal((await readyz(stack.url)).status, 200, "a failure is not cached");
});

Deno.test("/readyz answers 503 naming the store when it is unreachable", async () => {
  await using stack = await startStack({
    overrides: {
      store: { ...createMemoryStore(), ping: () => Promise.reject(new Error("store unreachable")) },
    },
  });
  const { status, body } = await readyz(stack.url);
  assert.equal(status, 503);
  assert.deepEqual(body.checks.store, { ok: false, detail: "store unreachable" });
  assert.equal(body.checks.slack.ok, true);
});

Deno.test("a passing /readyz is reused for a while instead of calling Slack on every probe", async () => {
  await using stack = await startStack();
  assert.equal((await readyz(stack.url)).status, 200);
  const calls = authTestCalls(stack);
  stack.emulator.failNext("auth.test", { error: "invalid_auth" });
  for (let i = 0; i < 3; i++) assert.equal((await readyz(stack.url)).status, 200);
  assert.equal(authTestCalls(stack), calls);
});

/** Whether a TCP connection to `url` is accepted. */
async function accepts(url: string): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(url).port) })).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("SIGTERM stops accepting, lets the call in flight finish, and exits 0", async () => {
  const served = await serveEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  await using _emulator = { [Symbol.asyncDispose]: () => served.close() };
  await using server = await spawnServer({
    SLACK_BOT_TOKEN: demoTokens.bot,
    SLACK_API_URL: served.url,
  });
  const client = new Client({ name: "lifecycle-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  try {
    served.emulator.failNext("conversations.list", { delayMs: 1_500 });
    const call = client.callTool({ name: "slack_list_channels", arguments: { limit: 5 } });
    await until(
      () => served.emulator.calls.some((c) => c.method === "conversations.list"),
      "the call to reach Slack",
    );
    let answered = false;
    call.then(() => (answered = true), () => (answered = true));
    server.child.kill("SIGTERM");
    await until(async () => !(await accepts(server.url)), "the listener to close");
    assert.equal(answered, false, "new connections must be refused while the call still runs");
    const result = await call;
    assert.notEqual(result.isError, true, JSON.stringify(result.content));
    assert.ok((result.structuredContent as { channels: unknown[] }).channels.length > 0);
    const { code, stderr } = await server.finished();
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGTERM: shutting down/);
    assert.match(stderr, /Stopped/);
  } finally {
    await client.close();
  }
});

Deno.test("SIGINT on an idle server exits 0 at once", async () => {
  const served = await serveEmulator({ workspace: createSeedWorkspace({ now: seedNow }) });
  await using _emulator = { [Symbol.asyncDispose]: () => served.close() };
  await using server = await spawnServer({
    SLACK_BOT_TOKEN: demoTokens.bot,
    SLACK_API_URL: served.url,
  });
  const started = performance.now();
  server.child.kill("SIGINT");
  const { code, stderr } = await server.finished();
  assert.equal(code, 0, stderr);
  assert.ok(performance.now() - started < 5_000);
});

Deno.test("a runtime that fails to load is logged once and requests get 503, /healthz still 200", async () => {
  const lines = await captureLogs({
    level: "info",
    format: "text",
  });
  const config = loadConfig({ SLACK_BOT_TOKEN: demoTokens.bot, PORT: "0" });
  // The services read their store first: a store that cannot be had fails the load.
  const overrides = Object.defineProperty({}, "store", {
    get: () => {
      throw new Error("no store for you");
    },
  });
  const listening = await listen(config, overrides);
  try {
    assert.equal((await fetch(`${listening.url}/healthz`)).status, 200);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${listening.url}/readyz`);
      assert.equal(response.status, 503);
      await response.body?.cancel();
    }
    const failures = lines.filter((l) => l.includes("The MCP stack failed to load"));
    assert.equal(failures.length, 1, lines.join(""));
    assert.match(failures[0], /no store for you/);
  } finally {
    await listening.close();
    await stopLogging();
  }
});
