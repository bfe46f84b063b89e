import assert from "node:assert/strict";
import { createMemoryStore, entryOverhead } from "./memory_store.ts";
import type { Store } from "./store.ts";

function fakeClock(start = 1_700_000_000_000) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

/** Checks that `retryAfterMs` is exact: refused a millisecond earlier, allowed right at it. */
async function assertExactRetry(store: Store, clock: { time: number }, key: string, max: number) {
  const refused = await store.limit(key, max, 1_000);
  assert.equal(refused.allowed, false);
  const retryAt = clock.time + refused.retryAfterMs;
  clock.time = retryAt - 1;
  assert.equal((await store.limit(key, max, 1_000)).allowed, false, "refused just before");
  clock.time = retryAt;
  assert.equal((await store.limit(key, max, 1_000)).allowed, true, "allowed right at the delay");
  return refused.retryAfterMs;
}

Deno.test("limit's retry delay runs to just past the window end when this window is full", async () => {
  const clock = fakeClock(1_700_000_000_000);
  const store = createMemoryStore({ now: clock.now });
  clock.time += 250;
  for (let i = 0; i < 5; i++) assert.equal((await store.limit("k", 5, 1_000)).allowed, true);
  // At the window's first millisecond the five calls still weigh fully.
  assert.equal(await assertExactRetry(store, clock, "k", 5), 751);
});

Deno.test("limit's retry delay is shorter than the window when the previous window's weight decays", async () => {
  const clock = fakeClock(1_700_000_000_000);
  const store = createMemoryStore({ now: clock.now });
  for (let i = 0; i < 10; i++) await store.limit("k", 10, 1_000);
  clock.time += 1_100;
  // 100 ms in, the ten previous calls weigh floor(0.9 * 10) = 9, leaving room for one.
  assert.deepEqual(await store.limit("k", 10, 1_000), {
    allowed: true,
    remaining: 0,
    retryAfterMs: 0,
  });
  clock.time += 1;
  // A millisecond later they weigh 8, room for one more.
  assert.equal((await store.limit("k", 10, 1_000)).allowed, true);
  // With two calls in this window the weight must drop to 7: at 201 ms in, 100 ms from now.
  assert.equal(await assertExactRetry(store, clock, "k", 10), 100);
});

Deno.test("limit's retry delay is exact across many call patterns", async () => {
  const clock = fakeClock(1_700_000_000_000);
  const store = createMemoryStore({ now: clock.now });
  let seed = 7;
  const random = (below: number) => (seed = (seed * 48_271) % 2_147_483_647) % below;
  let refusals = 0;
  for (let i = 0; i < 500; i++) {
    clock.time += random(120);
    const probe = await store.limit("k", 7, 1_000);
    if (!probe.allowed) {
      refusals++;
      clock.time += probe.retryAfterMs - 1;
      assert.equal((await store.limit("k", 7, 1_000)).allowed, false, `call ${i}`);
      clock.time += 1;
      assert.equal((await store.limit("k", 7, 1_000)).allowed, true, `call ${i}`);
    }
  }
  assert.ok(refusals > 50, `only ${refusals} refusals exercised`);
});

Deno.test("limit starts afresh when the window size for a key changes", async () => {
  const clock = fakeClock();
  const store = createMemoryStore({ now: clock.now });
  assert.equal((await store.limit("k", 1, 1_000)).allowed, true);
  assert.equal((await store.limit("k", 1, 1_000)).allowed, false);
  assert.equal((await store.limit("k", 1, 2_000)).allowed, true);
});

Deno.test("keys beyond maxKeys evict one not used lately", async () => {
  const store = createMemoryStore({ now: fakeClock().now, maxKeys: 3 });
  await store.set("a", "A", 60);
  await store.set("b", "B", 60);
  await store.set("c", "C", 60);
  await store.get("a");
  await store.set("d", "D", 60);
  assert.deepEqual(await store.mget(["a", "b", "c", "d"]), ["A", null, "C", "D"]);
});

Deno.test("a full store drops expired keys before evicting live ones", async () => {
  const clock = fakeClock();
  const store = createMemoryStore({ now: clock.now, maxKeys: 3 });
  await store.set("old", "live", 60);
  await store.set("b", "live", 60);
  await store.set("short", "gone", 1);
  clock.time += 2_000;
  await store.set("d", "live", 60);
  assert.deepEqual(await store.mget(["old", "b", "d"]), ["live", "live", "live"]);
});

/** What one key of `keyLength` and `valueLength` characters counts toward maxBytes. */
const bytesOf = (keyLength: number, valueLength: number) => keyLength + valueLength + entryOverhead;

Deno.test("keys beyond maxBytes evict those not used lately", async () => {
  const value = "x".repeat(1_000);
  const store = createMemoryStore({ now: fakeClock().now, maxBytes: 3 * bytesOf(1, 1_000) });
  await store.set("a", value, 60);
  await store.set("b", value, 60);
  await store.set("c", value, 60);
  await store.get("a");
  await store.set("d", value, 60);
  assert.deepEqual((await store.mget(["a", "b", "c", "d"])).map((v) => v?.length ?? null), [
    1_000,
    null,
    1_000,
    1_000,
  ]);
});

Deno.test("a value larger than maxBytes on its own is not kept, and nothing else is evicted", async () => {
  const store = createMemoryStore({ now: fakeClock().now, maxBytes: bytesOf(1, 100) * 2 });
  await store.set("a", "A", 60);
  await store.set("b", "B", 60);
  await store.set("b", "x".repeat(1_000), 60);
  assert.deepEqual(await store.mget(["a", "b"]), ["A", null]);
});

Deno.test("a capped list counts toward maxBytes as it grows, and frees what it drops", async () => {
  const item = "x".repeat(100);
  const keep = "y".repeat(300);
  // Room for "keep" and a list of three items, not four.
  const maxBytes = bytesOf(4, 300) + bytesOf(4, 300) + 50;
  const store = createMemoryStore({ now: fakeClock().now, maxBytes });
  await store.set("keep", keep, 60);
  for (let i = 0; i < 20; i++) await store.append("list", item, 3);
  assert.equal(await store.get("keep"), keep);
  assert.equal((await store.tail("list", 10)).length, 3);
  await store.append("another", item, 3);
  assert.equal(await store.get("keep"), null, "evicted once the lists outgrow the budget");
});

Deno.test("incr keeps the key's expiry", async () => {
  const clock = fakeClock();
  const store = createMemoryStore({ now: clock.now });
  await store.set("n", "41", 10);
  assert.equal(await store.incr("n"), 42);
  clock.time += 10_000;
  assert.equal(await store.get("n"), null);
});

Deno.test("operations on a key of the wrong kind reject, as in Redis", async () => {
  const store = createMemoryStore({ now: fakeClock().now });
  await store.set("text", "abc", 60);
  await store.append("list", "x", 5);
  await assert.rejects(store.append("text", "x", 5), /Key "text" holds a string, not a list/);
  await assert.rejects(store.get("list"), /Key "list" holds a list, not a string/);
  await assert.rejects(store.incr("text"), /Value at "text" is not an integer: abc/);
  assert.deepEqual(await store.mget(["list", "text"]), [null, "abc"]);
});

Deno.test("invalid arguments are refused with the value named", async () => {
  const store = createMemoryStore({ now: fakeClock().now });
  await assert.rejects(store.set("k", "v", 0), /ttlSeconds must be positive, got 0/);
  await assert.rejects(store.setIfAbsent("k", "v", -1), /ttlSeconds must be positive, got -1/);
  await assert.rejects(store.limit("k", 0, 1_000), /max must be a positive integer, got 0/);
  await assert.rejects(store.limit("k", 1, 0.5), /windowMs must be a positive integer, got 0.5/);
  assert.throws(() => createMemoryStore({ maxKeys: 0 }), /maxKeys must be a positive integer/);
  assert.throws(() => createMemoryStore({ maxBytes: 0 }), /maxBytes must be a positive integer/);
});
