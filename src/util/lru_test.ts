import assert from "node:assert/strict";
import { createLru } from "./lru.ts";

function fakeClock() {
  const clock = { time: 1_000_000, now: () => clock.time };
  return clock;
}

Deno.test("past maxEntries the oldest entry not used since goes", () => {
  const lru = createLru<string, number>({ maxEntries: 2 });
  lru.set("a", 1);
  lru.set("b", 2);
  assert.equal(lru.get("a"), 1); // a is used: it gets a second chance
  lru.set("c", 3);
  assert.deepEqual(lru.keys().sort(), ["a", "c"]);
  assert.equal(lru.get("b"), undefined);
});

Deno.test("a used entry's second chance lasts until the next eviction passes it", () => {
  const lru = createLru<string, number>({ maxEntries: 2 });
  lru.set("a", 1);
  lru.set("b", 2);
  lru.get("a");
  lru.set("c", 3); // passes a (now unused, at the back), drops b
  lru.set("d", 4); // c is the oldest unused
  assert.deepEqual(lru.keys().sort(), ["a", "d"]);
  lru.set("e", 5); // a was not used again
  assert.deepEqual(lru.keys().sort(), ["d", "e"]);
});

Deno.test("reads and rewrites of a key keep its place in the map", () => {
  const lru = createLru<string, number>({ maxEntries: 10 });
  lru.set("a", 1);
  lru.set("b", 2);
  lru.get("a");
  lru.set("a", 3);
  assert.deepEqual(lru.keys(), ["a", "b"]);
  assert.equal(lru.get("a"), 3);
});

Deno.test("past maxWeight the oldest unused entries go until the rest fits", () => {
  const lru = createLru<string, string>({
    maxEntries: 100,
    maxWeight: 10,
    weigh: (value) => value.length,
  });
  lru.set("a", "xxxx");
  lru.set("b", "xxxx");
  lru.set("c", "xxxx");
  assert.deepEqual(lru.keys(), ["b", "c"]);
  assert.equal(lru.weight, 8);
  // Replacing a value re-weighs it.
  lru.set("b", "x");
  assert.equal(lru.weight, 5);
  lru.set("d", "xxxxxxxxx");
  assert.deepEqual(lru.keys().sort(), ["b", "d"]);
  assert.equal(lru.weight, 10);
});

Deno.test("a value heavier than maxWeight on its own is not kept, and the rest stays", () => {
  const lru = createLru<string, string>({ maxEntries: 10, maxWeight: 5, weigh: (v) => v.length });
  lru.set("a", "xx");
  lru.set("b", "old");
  lru.set("b", "xxxxxx");
  assert.deepEqual(lru.keys(), ["a"]);
  assert.equal(lru.weight, 2);
});

Deno.test("entries idle for maxIdleMs read as missing and are dropped on the next write", () => {
  const clock = fakeClock();
  const lru = createLru<string, number>({ maxEntries: 10, maxIdleMs: 1_000, now: clock.now });
  lru.set("a", 1);
  lru.set("b", 2);
  clock.time += 600;
  assert.equal(lru.get("a"), 1); // used: a's idle time starts again
  clock.time += 600;
  assert.equal(lru.get("b"), undefined);
  lru.set("c", 3);
  assert.deepEqual(lru.keys(), ["a", "c"]);
  clock.time += 1_000;
  lru.set("d", 4);
  assert.deepEqual(lru.keys(), ["d"]);
});

Deno.test("expired entries read as missing and go before live ones when the map is full", () => {
  const clock = fakeClock();
  const lru = createLru<string, { expiresAt: number }>({
    maxEntries: 2,
    expired: (value, time) => value.expiresAt <= time,
    now: clock.now,
  });
  lru.set("short", { expiresAt: clock.time + 10 });
  lru.set("live", { expiresAt: Infinity });
  assert.ok(lru.get("short")); // "short" is used: only its expiry can make it go
  clock.time += 10;
  lru.set("new", { expiresAt: Infinity });
  // "short" had expired: it goes, not "live".
  assert.deepEqual(lru.keys(), ["live", "new"]);
  lru.set("x", { expiresAt: clock.time });
  assert.equal(lru.get("x"), undefined);
});

Deno.test("delete keeps the weight in step", () => {
  const lru = createLru<string, string>({ maxEntries: 10, weigh: (v) => v.length });
  lru.set("a", "xx");
  lru.set("b", "xxx");
  assert.equal(lru.delete("a"), true);
  assert.equal(lru.delete("a"), false);
  assert.deepEqual(lru.keys(), ["b"]);
  assert.equal(lru.weight, 3);
});

Deno.test("bad bounds are refused", () => {
  assert.throws(() => createLru({ maxEntries: 0 }), /maxEntries must be a positive integer/);
  assert.throws(() => createLru({ maxEntries: 1, maxWeight: -1 }), /maxWeight must be 0 or more/);
  assert.throws(() => createLru({ maxEntries: 1, maxIdleMs: 0 }), /maxIdleMs must be positive/);
});

Deno.test("a map that is only read still lets its idle entries go", () => {
  const clock = fakeClock();
  const lru = createLru<string, number>({ maxEntries: 10, maxIdleMs: 1_000, now: clock.now });
  lru.set("a", 1);
  lru.set("b", 2);
  clock.time += 1_500;
  lru.get("nothing");
  assert.deepEqual(lru.keys(), []);
});
