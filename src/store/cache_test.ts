import assert from "node:assert/strict";
import { createCache, createParseMemo } from "./cache.ts";
import { createMemoryStore } from "./memory_store.ts";
import type { Store } from "./store.ts";

function setup(ttlSeconds = 300, store?: Store) {
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const cache = createCache({
    store: store ?? createMemoryStore({ now: clock.now }),
    ttlSeconds,
    prefix: "t",
    now: clock.now,
  });
  return { cache, clock };
}

Deno.test("getOrLoad() loads once, then serves the cached value with its age", async () => {
  const { cache, clock } = setup();
  let loads = 0;
  const load = () => Promise.resolve({ n: ++loads });
  const first = await cache.getOrLoad("k", load);
  clock.advance(42_000);
  const second = await cache.getOrLoad("k", load);
  assert.deepEqual(first, { value: { n: 1 }, cached: false, ageSeconds: 0 });
  assert.deepEqual(second, { value: { n: 1 }, cached: true, ageSeconds: 42 });
});

Deno.test("getOrLoad() reloads after the TTL", async () => {
  const { cache, clock } = setup(10);
  let loads = 0;
  await cache.getOrLoad("k", () => Promise.resolve(++loads));
  clock.advance(11_000);
  const again = await cache.getOrLoad("k", () => Promise.resolve(++loads));
  assert.equal(again.value, 2);
  assert.equal(again.cached, false);
});

Deno.test("concurrent misses for one key make a single load", async () => {
  const { cache } = setup();
  let loads = 0;
  const { promise, resolve } = Promise.withResolvers<number>();
  const results = Promise.all(
    Array.from({ length: 5 }, () => cache.getOrLoad("k", () => (loads++, promise))),
  );
  resolve(7);
  assert.deepEqual((await results).map((r) => r.value), [7, 7, 7, 7, 7]);
  assert.equal(loads, 1);
});

Deno.test("invalidate() makes entries under the tag stale, leaving others", async () => {
  const { cache } = setup();
  let loads = 0;
  const load = () => Promise.resolve(++loads);
  await cache.getOrLoad("a", load, ["history:C1"]);
  await cache.getOrLoad("b", load, ["history:C2"]);
  await cache.invalidate("history:C1");
  assert.equal((await cache.getOrLoad("a", load, ["history:C1"])).cached, false);
  assert.equal((await cache.getOrLoad("b", load, ["history:C2"])).cached, true);
});

Deno.test("generations in a tagStore survive the entry store evicting everything", async () => {
  const entries = createMemoryStore({ maxKeys: 1 });
  const tags = createMemoryStore();
  const cache = createCache({ store: entries, tagStore: tags, ttlSeconds: 300, prefix: "t" });
  let loads = 0;
  const load = () => Promise.resolve(++loads);
  await cache.getOrLoad("a", load, ["x"]);
  await cache.invalidate("x");
  await cache.getOrLoad("a", load, ["x"]); // stored under generation 1
  assert.equal(await tags.get("t:gen:x"), "1");
  await cache.invalidate("x");
  await entries.set("flood", "evicts a", 60);
  assert.equal((await cache.getOrLoad("a", load, ["x"])).value, 3);
  assert.equal(await entries.get("t:gen:x"), null, "no generation among the entries");
});

Deno.test("a TTL of 0 disables caching", async () => {
  const { cache } = setup(0);
  let loads = 0;
  await cache.getOrLoad("k", () => Promise.resolve(++loads));
  await cache.getOrLoad("k", () => Promise.resolve(++loads));
  assert.equal(loads, 2);
});

Deno.test("a failing store falls through to the loader and reports the failure", async () => {
  const failing = new Proxy({} as Store, {
    get: (_target, prop) =>
      prop === "kind" ? "upstash" : () => Promise.reject(new Error("store down")),
  });
  const failures: string[] = [];
  const cache = createCache({
    store: failing,
    ttlSeconds: 300,
    prefix: "t",
    onError: (operation) => failures.push(operation),
  });
  const result = await cache.getOrLoad("k", () => Promise.resolve("fresh"), ["tag"]);
  await cache.invalidate("tag");
  assert.deepEqual(result, { value: "fresh", cached: false, ageSeconds: 0 });
  assert.deepEqual(failures, ["read", "invalidate"]);
});

Deno.test("a failed load is not cached and is retried on the next call", async () => {
  const { cache } = setup();
  await assert.rejects(cache.getOrLoad("k", () => Promise.reject(new Error("slack down"))));
  assert.equal((await cache.getOrLoad("k", () => Promise.resolve(1))).value, 1);
});

Deno.test("a read after invalidate() does not join a load that started before it", async () => {
  const { cache } = setup();
  const { promise: slow, resolve } = Promise.withResolvers<string>();
  const before = cache.getOrLoad("history", () => slow, ["history:C1"]);
  await cache.invalidate("history:C1");
  const after = await cache.getOrLoad("history", () => Promise.resolve("new"), ["history:C1"]);
  resolve("old");
  assert.equal((await before).value, "old");
  assert.equal(after.value, "new");
  const next = await cache.getOrLoad("history", () => Promise.resolve("newer"), ["history:C1"]);
  assert.notEqual(next.value, "old", "the stale load's result is never served from the cache");
});

Deno.test("hits reuse the parse of unchanged text, per token prefix when caches share parses", async () => {
  let now = 1_000_000;
  const store = createMemoryStore({ now: () => now });
  const parsed = createParseMemo({ ttlSeconds: 300, now: () => now });
  const cacheOf = (prefix: string) =>
    createCache({ store, ttlSeconds: 300, prefix, parsed, now: () => now });
  const [alice, bob] = [cacheOf("alice"), cacheOf("bob")];
  await alice.getOrLoad("k", () => Promise.resolve({ of: "alice" }));
  await bob.getOrLoad("k", () => Promise.resolve({ of: "bob" }));
  now += 1_000;
  const first = await alice.getOrLoad("k", () => Promise.reject(new Error("cached")));
  const again = await alice.getOrLoad("k", () => Promise.reject(new Error("cached")));
  assert.equal(again.value, first.value, "the same parse");
  assert.deepEqual(first.value, { of: "alice" });
  assert.deepEqual((await bob.getOrLoad("k", () => Promise.reject(new Error("cached")))).value, {
    of: "bob",
  });
});

Deno.test("the parse memo keeps at most maxEntries parses, those used lately kept first", () => {
  const parsed = createParseMemo({ ttlSeconds: 300, maxEntries: 2 });
  const a = parsed.parse("a", "{}");
  parsed.parse("b", "{}");
  assert.equal(parsed.parse("a", "{}"), a);
  parsed.parse("c", "{}");
  assert.equal(parsed.parse("a", "{}"), a, "a was used more recently than b");
  const b = parsed.parse("b", "{}");
  parsed.parse("c", "{}");
  parsed.parse("a", "{}");
  assert.notEqual(parsed.parse("b", "{}"), b, "b was evicted and parsed again");
});

Deno.test("the parse memo keeps at most maxChars of parsed text", () => {
  const parsed = createParseMemo({ ttlSeconds: 300, maxChars: 20 });
  const text = JSON.stringify({ s: "x".repeat(8) }); // 14 characters
  const a = parsed.parse("a", text);
  assert.equal(parsed.parse("a", text), a);
  parsed.parse("b", text);
  assert.notEqual(parsed.parse("a", text), a, "a went to make room for b");
  const big = JSON.stringify({ s: "x".repeat(30) });
  assert.notEqual(parsed.parse("big", big), parsed.parse("big", big), "too big to keep");
});

Deno.test("the parse memo drops parses unused for the entries' TTL", () => {
  let now = 0;
  const parsed = createParseMemo({ ttlSeconds: 10, now: () => now });
  const a = parsed.parse("a", "{}");
  now += 9_000;
  assert.equal(parsed.parse("a", "{}"), a);
  now += 10_000;
  assert.notEqual(parsed.parse("a", "{}"), a);
});
