import assert from "node:assert/strict";
import { redisTest } from "../../tests/redis_server.ts";
import { sendCommands, startUpstashBridge } from "../../tests/upstash_bridge.ts";
import { createMemoryStore } from "./memory_store.ts";
import type { LimitResult, Store } from "./store.ts";
import { createUpstashStore, StoreUnavailableError } from "./upstash_store.ts";

/** A store plus the clock it expires by: fake for memory, real for Upstash. */
interface Harness {
  store: Store;
  now(): number;
  sleep(ms: number): Promise<void>;
}

const TOKEN = "contract-test-token";

/** Values that a JSON-parsing or text-mangling client would not hand back as stored. */
const TRICKY_VALUES = [
  "héllo wörld ✓ 日本語 🦕",
  '{"a":1,"b":[true,null]}',
  '"quoted"',
  "123",
  "007",
  "1e3",
  "-0",
  "true",
  "null",
  "",
  "OK",
  "SGVsbG8=",
  "line\r\nbreak",
];

async function sleepUntil(harness: Harness, at: number) {
  const wait = at - harness.now();
  if (wait > 0) await harness.sleep(wait);
}

/** Sleeps to `offsetMs` into the next window of `windowMs`; returns that window's start. */
async function alignToWindow(harness: Harness, windowMs: number, offsetMs: number) {
  const start = (Math.floor(harness.now() / windowMs) + 1) * windowMs;
  await sleepUntil(harness, start + offsetMs);
  return start;
}

function assertLimit(actual: LimitResult, allowed: boolean, remaining: number) {
  assert.equal(actual.allowed, allowed, `expected allowed=${allowed}: ${JSON.stringify(actual)}`);
  assert.equal(
    actual.remaining,
    remaining,
    `expected remaining=${remaining}: ${JSON.stringify(actual)}`,
  );
  if (allowed) assert.equal(actual.retryAfterMs, 0);
}

async function runContract(t: Deno.TestContext, harness: Harness) {
  const { store } = harness;

  await t.step("set then get returns the value, and a missing key reads as null", async () => {
    await store.set("basic", "value", 60);
    assert.equal(await store.get("basic"), "value");
    await store.set("basic", "replaced", 60);
    assert.equal(await store.get("basic"), "replaced");
    assert.equal(await store.get("basic:missing"), null);
  });

  await t.step("a value expires after its TTL", async () => {
    await store.set("expiring", "soon gone", 0.3);
    await harness.sleep(150);
    assert.equal(await store.get("expiring"), "soon gone");
    await harness.sleep(250);
    assert.equal(await store.get("expiring"), null);
  });

  await t.step("mget returns values in order, with null for missing keys", async () => {
    await store.set("mget:a", "A", 60);
    await store.set("mget:b", "B", 60);
    assert.deepEqual(await store.mget(["mget:a", "mget:missing", "mget:b"]), ["A", null, "B"]);
    assert.deepEqual(await store.mget([]), []);
  });

  await t.step("setIfAbsent sets only a key that is absent or expired", async () => {
    assert.equal(await store.setIfAbsent("dedup:E1", "first", 0.2), true);
    assert.equal(await store.setIfAbsent("dedup:E1", "second", 0.2), false);
    assert.equal(await store.get("dedup:E1"), "first");
    await harness.sleep(300);
    assert.equal(await store.setIfAbsent("dedup:E1", "third", 60), true);
    assert.equal(await store.get("dedup:E1"), "third");
  });

  await t.step("del removes keys and ignores missing ones", async () => {
    await store.set("del:a", "A", 60);
    await store.set("del:b", "B", 60);
    await store.del("del:a", "del:b", "del:missing");
    await store.del();
    assert.deepEqual(await store.mget(["del:a", "del:b"]), [null, null]);
  });

  await t.step("incr counts up from zero and reads back as a string", async () => {
    assert.equal(await store.incr("seq"), 1);
    assert.equal(await store.incr("seq"), 2);
    assert.equal(await store.incr("seq"), 3);
    assert.equal(await store.get("seq"), "3");
  });

  await t.step(
    "limit allows max calls per window, then refuses until the window slides",
    async () => {
      const windowMs = 600;
      const start = await alignToWindow(harness, windowMs, 10);
      assertLimit(await store.limit("calls", 3, windowMs), true, 2);
      assertLimit(await store.limit("calls", 3, windowMs), true, 1);
      assertLimit(await store.limit("calls", 3, windowMs), true, 0);
      const refused = await store.limit("calls", 3, windowMs);
      assertLimit(refused, false, 0);
      // All three calls are in this window, so nothing frees up before it ends.
      assert.ok(
        refused.retryAfterMs >= start + windowMs - harness.now(),
        `${refused.retryAfterMs}`,
      );
      assert.ok(refused.retryAfterMs <= windowMs + 1, `${refused.retryAfterMs}`);

      await harness.sleep(refused.retryAfterMs);
      // Early in the next window the three previous calls still weigh two.
      assertLimit(await store.limit("calls", 3, windowMs), true, 0);
      assertLimit(await store.limit("calls", 3, windowMs), false, 0);

      await sleepUntil(harness, start + windowMs + windowMs / 2);
      // Halfway through they weigh one, which frees one more call.
      assertLimit(await store.limit("calls", 3, windowMs), true, 0);
      assertLimit(await store.limit("calls", 3, windowMs), false, 0);
    },
  );

  await t.step(
    "append keeps the newest maxLength items and tail reads them oldest first",
    async () => {
      for (const item of ["1", "2", "3", "4", "5"]) await store.append("events", item, 3);
      assert.deepEqual(await store.tail("events", 10), ["3", "4", "5"]);
      assert.deepEqual(await store.tail("events", 2), ["4", "5"]);
      assert.deepEqual(await store.tail("events", 0), []);
      assert.deepEqual(await store.tail("events:missing", 5), []);
      // Long enough for the memory store to trim in batches: still exactly the newest 40.
      const many = Array.from({ length: 100 }, (_, i) => String(i));
      for (const item of many) await store.append("events:long", item, 40);
      assert.deepEqual(await store.tail("events:long", 100), many.slice(-40));
    },
  );

  await t.step("append rejects a maxLength below one", async () => {
    await assert.rejects(store.append("events", "x", 0), RangeError);
  });

  await t.step("UTF-8 and JSON-looking values round-trip exactly", async () => {
    const keys = TRICKY_VALUES.map((_, i) => `exact:${i}`);
    for (const [i, value] of TRICKY_VALUES.entries()) {
      await store.set(keys[i], value, 60);
      assert.equal(await store.get(keys[i]), value);
      await store.append("exact:list", value, 100);
    }
    assert.deepEqual(await store.mget(keys), TRICKY_VALUES);
    assert.deepEqual(await store.tail("exact:list", 100), TRICKY_VALUES);
  });

  await t.step("ping resolves", async () => {
    await store.ping();
  });
}

Deno.test("memory store meets the store contract", async (t) => {
  let clock = 1_700_000_000_000;
  await runContract(t, {
    store: createMemoryStore({ now: () => clock }),
    now: () => clock,
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
  });
});

redisTest("upstash store meets the store contract", async (redis, t) => {
  const bridge = await startUpstashBridge({ redisPort: redis.port, token: TOKEN });
  try {
    await runContract(t, {
      store: createUpstashStore({ url: bridge.url, token: TOKEN }),
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  } finally {
    await bridge.close();
  }
});

redisTest("two upstash stores on one bridge share one limit budget", async (redis) => {
  const bridge = await startUpstashBridge({ redisPort: redis.port, token: TOKEN });
  try {
    const a = createUpstashStore({ url: bridge.url, token: TOKEN });
    const b = createUpstashStore({ url: bridge.url, token: TOKEN });
    const windowMs = 60_000;
    // Keep all calls inside one window so the previous one cannot weigh in.
    if (Date.now() % windowMs > windowMs - 2_000) {
      await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 10));
    }
    assertLimit(await a.limit("conversations.history", 4, windowMs), true, 3);
    assertLimit(await b.limit("conversations.history", 4, windowMs), true, 2);
    assertLimit(await a.limit("conversations.history", 4, windowMs), true, 1);
    assertLimit(await b.limit("conversations.history", 4, windowMs), true, 0);
    assertLimit(await a.limit("conversations.history", 4, windowMs), false, 0);
    assertLimit(await b.limit("conversations.history", 4, windowMs), false, 0);
    const [keys] = await sendCommands(redis.port, [[
      "KEYS",
      "slack-mcp:rl:conversations.history:*",
    ]]);
    assert.ok(Array.isArray(keys) && keys.length === 1, "one shared counter in Redis");
  } finally {
    await bridge.close();
  }
});

redisTest(
  "once Redis is killed every upstash operation rejects with StoreUnavailableError within the timeout",
  async (redis) => {
    const bridge = await startUpstashBridge({ redisPort: redis.port, token: TOKEN });
    try {
      const timeoutMs = 300;
      const store = createUpstashStore({ url: bridge.url, token: TOKEN, timeoutMs });
      await store.ping();
      await redis.kill();
      const operations: [string, () => Promise<unknown>][] = [
        ["get", () => store.get("k")],
        ["mget", () => store.mget(["k", "l"])],
        ["set", () => store.set("k", "v", 60)],
        ["setIfAbsent", () => store.setIfAbsent("k", "v", 60)],
        ["del", () => store.del("k")],
        ["incr", () => store.incr("k")],
        ["limit", () => store.limit("k", 5, 60_000)],
        ["append", () => store.append("k", "v", 5)],
        ["tail", () => store.tail("k", 5)],
        ["ping", () => store.ping()],
      ];
      for (const [operation, run] of operations) {
        const started = performance.now();
        await assert.rejects(run(), (error) => {
          assert.ok(error instanceof StoreUnavailableError, `${operation}: ${error}`);
          assert.equal(error.operation, operation);
          assert.match(error.message, new RegExp(`\\b${operation}\\b`));
          assert.doesNotMatch(error.message, new RegExp(TOKEN));
          return true;
        });
        const elapsed = performance.now() - started;
        assert.ok(elapsed < timeoutMs + 100, `${operation} took ${elapsed} ms`);
      }
    } finally {
      await bridge.close();
    }
  },
);

Deno.test("an upstash store that gets no answer rejects with StoreUnavailableError at its timeout", async () => {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  const silent = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await released;
    return Response.json({ result: "PONG" });
  });
  try {
    const timeoutMs = 200;
    const store = createUpstashStore({
      url: `http://127.0.0.1:${silent.addr.port}`,
      token: TOKEN,
      timeoutMs,
    });
    const started = performance.now();
    await assert.rejects(store.ping(), (error) => {
      assert.ok(error instanceof StoreUnavailableError, String(error));
      assert.equal(error.operation, "ping");
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= timeoutMs - 10 && elapsed < timeoutMs + 150, `took ${elapsed} ms`);
  } finally {
    release();
    await silent.shutdown();
  }
});

redisTest(
  "an upstash store with the wrong token is refused without naming the token",
  async (redis) => {
    const bridge = await startUpstashBridge({ redisPort: redis.port, token: TOKEN });
    try {
      const wrongToken = "wrong-secret-token";
      const store = createUpstashStore({ url: bridge.url, token: wrongToken });
      await assert.rejects(store.get("k"), (error) => {
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.match(error.message, /Unauthorized/);
        assert.doesNotMatch(error.message, new RegExp(wrongToken));
        return true;
      });
    } finally {
      await bridge.close();
    }
  },
);
