import assert from "node:assert/strict";
import { createPacer } from "./pacer.ts";
import { createMemoryStore } from "../store/memory_store.ts";
import { SlackApiError } from "./errors.ts";
import type { Store } from "../store/store.ts";

Deno.test("acquire() lets a method's budget through, then fails past the longest wait", async () => {
  const pacer = createPacer({
    store: createMemoryStore(),
    limits: { "conversations.history": 2 },
    maxWaitMs: 100,
  });
  await pacer.acquire("conversations.history", undefined);
  await pacer.acquire("conversations.history", undefined);
  const error = await pacer.acquire("conversations.history", undefined).catch((e) => e);
  assert.ok(error instanceof SlackApiError);
  assert.equal(error.code, "ratelimited");
  assert.equal(error.method, "conversations.history");
  assert.ok(error.retryAfterSeconds! > 0);
});

Deno.test("chat.postMessage waits a second between posts to one channel, in order", async () => {
  const pacer = createPacer({ store: createMemoryStore() });
  const started = performance.now();
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3].map((n) => pacer.acquire("chat.postMessage", "C1").then(() => order.push(n))),
  );
  await pacer.acquire("chat.postMessage", "C2");
  const elapsed = performance.now() - started;
  assert.deepEqual(order, [1, 2, 3]);
  assert.ok(elapsed >= 1900, `three posts to one channel took ${elapsed} ms`);
});

Deno.test("posts to different channels do not wait for each other", async () => {
  const pacer = createPacer({ store: createMemoryStore() });
  const started = performance.now();
  await Promise.all(["C1", "C2", "C3"].map((c) => pacer.acquire("chat.postMessage", c)));
  assert.ok(performance.now() - started < 500);
});

Deno.test("a failing store lets calls through (fail open)", async () => {
  const failing = { limit: () => Promise.reject(new Error("down")) } as unknown as Store;
  await createPacer({ store: failing }).acquire("users.list", undefined);
});

Deno.test("an aborted wait rejects with the abort reason", async () => {
  const pacer = createPacer({ store: createMemoryStore() });
  await pacer.acquire("chat.postMessage", "C1");
  const controller = new AbortController();
  const waiting = pacer.acquire("chat.postMessage", "C1", controller.signal);
  controller.abort(new Error("cancelled"));
  await assert.rejects(waiting, /cancelled/);
});
