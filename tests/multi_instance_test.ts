import assert from "node:assert/strict";
import { redisTest } from "./redis_server.ts";
import { startUpstashBridge } from "./upstash_bridge.ts";
import { call, type Stack, startStack, textOf } from "./harness.ts";

Deno.env.set("UPSTASH_DISABLE_TELEMETRY", "1");
const token = "bridge-test-token";

/** Two server instances sharing one Upstash store and one emulator. */
async function twoInstances(redisPort: number, env: Record<string, string> = {}) {
  const bridge = await startUpstashBridge({ redisPort, token });
  const shared = {
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: token,
    ...env,
  };
  const a = await startStack({ env: shared });
  const b = await startStack({ env: shared, emulatorUrl: a.emulatorUrl });
  return {
    a,
    b,
    bridge,
    async close() {
      await b.close();
      await a.close();
      await bridge.close();
    },
  };
}

function historyCalls(stack: Stack): number {
  return stack.emulator.calls.filter((c) => c.method === "conversations.history").length;
}

redisTest("a cache entry filled by one instance is a hit on the other", async (redis) => {
  const { a, b, close } = await twoInstances(redis.port);
  try {
    const args = { channel_id: "C0GENERAL", limit: 7 };
    const first = await call(await a.connect(), "slack_get_channel_history", args);
    const second = await call(await b.connect(), "slack_get_channel_history", args);
    assert.equal(first.structuredContent!.cached, false);
    assert.equal(second.structuredContent!.cached, true);
    assert.equal(historyCalls(a), 1);
  } finally {
    await close();
  }
});

redisTest("two instances share one tool-call budget per client", async (redis) => {
  const { a, b, close } = await twoInstances(redis.port, { RATE_LIMIT_PER_MINUTE: "4" });
  try {
    const headers = { authorization: "Bearer same-client-token-123" };
    const [clientA, clientB] = [await a.connect({ headers }), await b.connect({ headers })];
    const results = [];
    for (const client of [clientA, clientB, clientA, clientB, clientA, clientB]) {
      results.push(await call(client, "slack_list_channels", {}));
    }
    const refused = results.filter((r) => r.isError);
    assert.equal(refused.length, 2);
    assert.match(textOf(refused[0]), /at most 4 tool calls per minute.*Retry in \d+ s/);
  } finally {
    await close();
  }
});

redisTest("with Redis killed mid-run, reads still answer from Slack", async (redis) => {
  const { a, close } = await twoInstances(redis.port);
  try {
    const client = await a.connect();
    await call(client, "slack_list_channels", {});
    await redis.kill();
    const result = await call(client, "slack_get_channel_history", { channel_id: "general" });
    assert.equal(result.isError, undefined, textOf(result));
    assert.equal(result.structuredContent!.cached, false);
    const health = await fetch(`${a.url}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await close();
  }
});
