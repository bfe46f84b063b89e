import assert from "node:assert/strict";
import { createPacer, withPacing } from "./pacer.ts";
import { createSlackClient } from "./client.ts";
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

Deno.test("a refusal and budget() name our rate and the setting it comes from", async () => {
  const setting = "SLACK_RATE_PRESET=2025-non-marketplace";
  const pacer = createPacer({
    store: createMemoryStore(),
    limits: { "conversations.history": 1 },
    settings: { "conversations.history": setting },
    maxWaitMs: 0,
  });
  assert.equal(pacer.budget("conversations.history").setting, setting);
  assert.equal(pacer.budget("users.list").setting, undefined, "Slack's tier: no setting");
  await pacer.acquire("conversations.history", undefined);
  const error = await pacer.acquire("conversations.history", undefined).catch((e) => e);
  assert.ok(error instanceof SlackApiError);
  assert.deepEqual([error.budget, error.perMinute, error.setting], ["ours", 1, setting]);
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

Deno.test("budget() tells what is left without taking any, and the page size that fits", async () => {
  let clock = 1_000_000;
  const pacer = createPacer({
    store: createMemoryStore({ now: () => clock }),
    limits: { "conversations.history": 1, "conversations.replies": 3 },
    now: () => clock,
  });
  assert.deepEqual(pacer.budget("conversations.history"), {
    method: "conversations.history",
    perMinute: 1,
    remaining: 1,
    retryAfterSeconds: 0,
    pageSize: 15,
  });
  await pacer.acquire("conversations.history", undefined);
  assert.deepEqual(
    [
      pacer.budget("conversations.history").remaining,
      pacer.budget("conversations.history").retryAfterSeconds,
    ],
    [0, 60],
  );
  clock += 60_000;
  assert.equal(pacer.budget("conversations.history").remaining, 1);
  await pacer.acquire("conversations.replies", undefined);
  assert.deepEqual(
    [
      pacer.budget("conversations.replies").remaining,
      pacer.budget("conversations.replies").pageSize,
    ],
    [2, 200],
  );
  assert.equal(pacer.budget("users.list").perMinute, 20);
});

Deno.test("inside withPacing({ maxWaitMs: 0 }) a call without budget is refused at once", async () => {
  const pacer = createPacer({ store: createMemoryStore(), limits: { "users.list": 1 } });
  await pacer.acquire("users.list", undefined);
  const started = performance.now();
  const error = await withPacing({ maxWaitMs: 0 }, () => pacer.acquire("users.list", undefined))
    .catch((e) => e);
  assert.ok(error instanceof SlackApiError);
  assert.deepEqual([error.code, error.budget], ["ratelimited", "ours"]);
  assert.ok(performance.now() - started < 100);
});

Deno.test("an aborted call takes no budget", async () => {
  const pacer = createPacer({ store: createMemoryStore(), limits: { "users.list": 1 } });
  await assert.rejects(pacer.acquire("users.list", undefined, AbortSignal.abort()));
  assert.equal(pacer.budget("users.list").remaining, 1);
  await pacer.acquire("users.list", undefined);
});

Deno.test("a client tells its pacer's budget, and nothing when it has no pacer", () => {
  const pacer = createPacer({ store: createMemoryStore(), limits: { "conversations.history": 1 } });
  const paced = createSlackClient({ apiUrl: "http://slack.test/", botToken: "xoxb-1", pacer });
  assert.equal(paced.budget("conversations.history")?.perMinute, 1);
  assert.equal(paced.budget("conversations.history")?.pageSize, 15);
  const bare = createSlackClient({ apiUrl: "http://slack.test/", botToken: "xoxb-1" });
  assert.equal(bare.budget("conversations.history"), undefined);
});
