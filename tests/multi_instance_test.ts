import assert from "node:assert/strict";
import { redisTest } from "./redis_server.ts";
import { startUpstashBridge } from "./upstash_bridge.ts";
import { call, postSignedEvent, type Stack, startStack, textOf } from "./harness.ts";
import { createUpstashStore } from "../src/store/upstash_store.ts";

Deno.env.set("UPSTASH_DISABLE_TELEMETRY", "1");
const token = "bridge-test-token";
const signingSecret = "multi-instance-signing-secret";

/** POSTs an Events API envelope to `url` signed as Slack would, optionally as a retry. */
async function deliver(url: string, envelope: unknown, retryNum?: number): Promise<number> {
  const retry: Record<string, string> = retryNum
    ? { "x-slack-retry-num": String(retryNum), "x-slack-retry-reason": "http_timeout" }
    : {};
  return (await postSignedEvent(url, envelope, { secret: signingSecret, headers: retry })).status;
}

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(
    await Deno.readTextFile(new URL(`./fixtures/events/${name}.json`, import.meta.url)),
  );
}

/** Two server instances sharing one Upstash store and one emulator. */
async function twoInstances(redisPort: number, env: Record<string, string> = {}) {
  const bridge = await startUpstashBridge({ redisPort, token });
  const shared = {
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: token,
    ...env,
  };
  // The production store, with a timeout that tolerates a loaded CI machine:
  // at 1 s, a slow bridge makes budget checks fail open and the test flaky.
  const store = () => createUpstashStore({ url: bridge.url, token, timeoutMs: 5_000 });
  const a = await startStack({ env: shared, overrides: { store: store() } });
  const b = await startStack({
    env: shared,
    emulatorUrl: a.emulatorUrl,
    overrides: { store: store() },
  });
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
    assert.deepEqual(second.structuredContent, first.structuredContent);
    assert.equal(historyCalls(a), 1, "b's read was a hit on a's entry");
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
    const before = historyCalls(a);
    const result = await call(client, "slack_get_channel_history", { channel_id: "general" });
    assert.equal(result.isError, undefined, textOf(result));
    assert.equal(historyCalls(a), before + 1, "read from Slack");
    const health = await fetch(`${a.url}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await close();
  }
});

redisTest(
  "an event received by one instance wakes a waiter on the other and is stored once",
  async (redis) => {
    const { a, b, close } = await twoInstances(redis.port, { SLACK_SIGNING_SECRET: signingSecret });
    try {
      const clientB = await b.connect();
      const waiting = call(clientB, "slack_wait_for_event", {
        type: "app_mention",
        timeout_seconds: 10,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const envelope = await fixture("app_mention");
      assert.equal(await deliver(a.url, envelope), 200);
      const woke = await waiting;
      assert.equal(woke.structuredContent!.event?.event_id, envelope.event_id);
      // Slack retries the same event to the other instance: acknowledged, not stored again.
      assert.equal(await deliver(b.url, envelope, 1), 200);
      const listed = await call(clientB, "slack_list_events", { type: "app_mention" });
      assert.equal(listed.structuredContent!.events.length, 1);
      const latest = await call(await a.connect(), "slack_get_latest_event", {});
      assert.equal(latest.structuredContent!.event.event_id, envelope.event_id);
    } finally {
      await close();
    }
  },
);

redisTest(
  "Slack method budgets are shared: a third history call over a budget of 2 is held back",
  async (redis) => {
    const { a, b, close } = await twoInstances(redis.port, {
      SLACK_METHOD_LIMITS: "conversations.history=2",
    });
    try {
      const [clientA, clientB] = [await a.connect(), await b.connect()];
      await call(clientA, "slack_get_channel_history", { channel_id: "C0GENERAL" });
      await call(clientB, "slack_get_channel_history", { channel_id: "C0RANDOM0" });
      const windowEnd = Math.ceil(Date.now() / 60_000) * 60_000;
      const third = await call(clientA, "slack_get_channel_history", { channel_id: "C0DESIGN0" });
      const calls = a.emulator.calls.filter((c) => c.method === "conversations.history");
      if (third.isError) {
        // Refused: the budget frees up later than the pacer's longest wait.
        assert.match(
          textOf(third),
          /own budget for conversations\.history \(2 calls a minute\) is spent: retry in \d+ s\. SLACK_METHOD_LIMITS sets it/,
        );
        assert.equal(calls.length, 2, "the held-back call never reached Slack");
      } else {
        // Waited: the budget freed up within the longest wait, when the minute window rolled over.
        assert.equal(calls.length, 3);
        assert.ok(calls[2].at >= windowEnd, "the third call waited for the next window");
      }
    } finally {
      await close();
    }
  },
);

redisTest(
  "a message event received by one instance drops the history the other cached",
  async (redis) => {
    const { a, b, close } = await twoInstances(redis.port, { SLACK_SIGNING_SECRET: signingSecret });
    try {
      const clientB = await b.connect();
      const args = { channel_id: "C0GENERAL", limit: 5 };
      const reads = async (channel_id: string) => {
        // b shares a's emulator, whose call log is on a.
        const before = historyCalls(a);
        await call(clientB, "slack_get_channel_history", { ...args, channel_id });
        return historyCalls(a) - before;
      };
      await reads("C0GENERAL");
      assert.equal(await reads("C0GENERAL"), 0, "a cache hit");
      assert.equal(await deliver(a.url, await fixture("message")), 200);
      assert.equal(await reads("C0GENERAL"), 1, "the event dropped the cached history");
      assert.equal(await reads("C0RANDOM0"), 1);
      assert.equal(await reads("C0RANDOM0"), 0, "other channels keep their cache");
    } finally {
      await close();
    }
  },
);

redisTest(
  "a subscriptions/listen stream on one instance hears of an event delivered to the other within 1 s",
  async (redis) => {
    const { a, b, close } = await twoInstances(redis.port, { SLACK_SIGNING_SECRET: signingSecret });
    try {
      const listener = await b.connect({ era: "modern" });
      const updates: { uri: string; at: number }[] = [];
      listener.setNotificationHandler(
        "notifications/resources/updated",
        (n) => void updates.push({ uri: n.params.uri, at: Date.now() }),
      );
      const subscription = await listener.listen({
        resourceSubscriptions: ["slack://events/latest"],
      });
      const sent = Date.now();
      assert.equal(await deliver(a.url, await fixture("message")), 200);
      while (updates.length === 0 && Date.now() - sent < 3_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(updates[0]?.uri, "slack://events/latest");
      assert.ok(updates[0].at - sent <= 1_000, `took ${updates[0].at - sent} ms`);
      await subscription.close();
    } finally {
      await close();
    }
  },
);
