import assert from "node:assert/strict";
import { loadConversations, type LoadOptions } from "./conversation_loader.ts";
import { createSlackClient } from "./client.ts";
import { createPacer } from "./pacer.ts";
import { SlackApiError } from "./errors.ts";
import { createCache } from "../store/cache.ts";
import { createMemoryStore } from "../store/memory_store.ts";
import { bot, startEmulator, testNow } from "../slack_emulator/testing.ts";
import type { WorkspaceChannel } from "../slack_emulator/workspace.ts";

const engineering = "C0ENGINRG";
/** 50 s before the seed's clock: a minute's history key covers the next 50 s too. */
const latest = testNow / 1000 - 50;
const oldest = latest - 7 * 86_400;

/** Slack requests the client sent: which method, when, and whether each is still under way. */
function watchFetch() {
  const started: { method: string; at: number }[] = [];
  const pending = new Set<Promise<Response>>();
  const watched: typeof fetch = (input, init) => {
    if (init?.signal?.aborted) return Promise.reject(init.signal.reason);
    const response = fetch(input, init);
    started.push({ method: String(input).split("/").at(-1)!, at: performance.now() });
    pending.add(response);
    response.then(() => pending.delete(response), () => pending.delete(response));
    return response;
  };
  const count = (method: string) => started.filter((s) => s.method === method).length;
  return { fetch: watched, started, pending, count };
}

/** The emulator, and a paced client and cache over it, as the server builds them. */
async function rig(limits: Record<string, number> = {}) {
  const emulator = await startEmulator();
  const store = createMemoryStore();
  const pacer = createPacer({ store, limits });
  const watch = watchFetch();
  const slack = createSlackClient({
    apiUrl: emulator.served.url,
    botToken: bot,
    pacer,
    fetch: watch.fetch,
  });
  const cache = createCache({ store, ttlSeconds: 300, prefix: "test" });
  const load = (options: Partial<LoadOptions> = {}) =>
    loadConversations({ slack, cache }, {
      channels: [engineering],
      oldest,
      latest,
      budget: pacer.budget,
      ...options,
    });
  const channel = emulator.served.emulator.workspace.channels
    .find((c) => c.conversation.id === engineering)!;
  return { emulator, watch, load, channel, [Symbol.asyncDispose]: () => emulator.served.close() };
}

/** The channel's threads whose parent is in range, by reply count, largest first (a hand list). */
function threadsInRange(channel: WorkspaceChannel) {
  return channel.messages
    .filter((m) => Number(m.ts) >= oldest && Number(m.ts) <= latest && (m.reply_count ?? 0) > 0)
    .sort((a, b) => b.reply_count! - a.reply_count! || Number(b.ts) - Number(a.ts))
    .map((m) => m.ts);
}

Deno.test("history, then every thread, read once and reused by the next load in the same minute", async () => {
  await using t = await rig();
  const threads = threadsInRange(t.channel);
  assert.ok(threads.length >= 3, "the seeded channel has threads");
  const { conversations: [loaded], missing } = await t.load();
  assert.equal(missing, undefined);
  assert.deepEqual([...loaded.replies.keys()].sort(), threads.toSorted());
  for (const ts of threads) {
    assert.deepEqual(
      loaded.replies.get(ts)!.map((m) => m.ts),
      t.channel.threads.get(ts)!.map((m) => m.ts),
    );
  }
  assert.deepEqual(
    [t.watch.count("conversations.history"), t.watch.count("conversations.replies")],
    [1, threads.length],
  );
  const again = await t.load({ latest: latest + 40, oldest: oldest + 40 });
  assert.equal(again.missing, undefined);
  assert.equal(t.watch.started.length, 1 + threads.length, "the second load made no call");
});

Deno.test("at 1 call a minute, pages hold 15 messages and reading stops at the budget", async () => {
  await using t = await rig({ "conversations.history": 1, "conversations.replies": 1 });
  const threads = threadsInRange(t.channel);
  const { conversations: [loaded], missing } = await t.load();
  const historyCall = t.emulator.served.emulator.calls
    .find((c) => c.method === "conversations.history")!;
  assert.equal(historyCall.params.limit, "15");
  assert.equal(loaded.messages.length, 15);
  assert.match(loaded.truncated!.reason, /^history read back to 20/);
  assert.deepEqual(
    [t.watch.count("conversations.history"), t.watch.count("conversations.replies")],
    [1, 1],
  );
  const parents = loaded.messages.filter((m) => (m.reply_count ?? 0) > 0).map((m) => m.ts);
  assert.equal(loaded.replies.size, 1);
  assert.equal(loaded.unreadThreads.size, parents.length - 1);
  assert.ok(threads.length > parents.length, "older threads were not even seen");
  assert.deepEqual(missing!.historyChannels, [engineering]);
  assert.deepEqual(
    missing!.refusals.map((r) => [r.method, r.budget, r.perMinute]),
    [["conversations.history", "ours", 1], ["conversations.replies", "ours", 1]].slice(
      0,
      parents.length > 1 ? 2 : 1,
    ),
  );
  assert.ok(missing!.refusals.every((r) => r.retryAfterSeconds! > 0));
});

Deno.test("threads are read largest first, up to the budget left", async () => {
  await using t = await rig({ "conversations.replies": 2 });
  const threads = threadsInRange(t.channel);
  const { conversations: [loaded], missing } = await t.load();
  assert.deepEqual([...loaded.replies.keys()].sort(), threads.slice(0, 2).sort());
  assert.deepEqual([...loaded.unreadThreads].sort(), threads.slice(2).sort());
  assert.equal(t.watch.count("conversations.replies"), 2);
  assert.deepEqual(
    [missing!.threads, missing!.threadsTotal, missing!.historyChannels],
    [threads.length - 2, threads.length, []],
  );
});

Deno.test("a thread is read again once its parent shows a new latest_reply", async () => {
  await using t = await rig();
  const [ts] = threadsInRange(t.channel);
  await t.load();
  const fake = t.emulator.served.emulator;
  const person = t.channel.members.find((id) => id !== fake.workspace.app.botUserId)!;
  const posted = fake.actAs(person, "chat.postMessage", {
    channel: engineering,
    thread_ts: ts,
    text: "One more thing",
  });
  assert.equal(posted.ok, true, String(posted.error));
  const sameMinute = await t.load();
  assert.equal(
    sameMinute.conversations[0].replies.get(ts)!.length,
    t.channel.threads.get(ts)!.length - 1,
    "within the minute, history and thread agree on the old count",
  );
  const before = t.watch.count("conversations.replies");
  const { conversations: [loaded] } = await t.load({ latest: latest + 120 });
  assert.deepEqual(
    loaded.replies.get(ts)!.map((m) => m.ts),
    t.channel.threads.get(ts)!.map((m) => m.ts),
  );
  assert.equal(
    t.watch.count("conversations.replies") - before,
    1,
    "only that thread is read again",
  );
});

Deno.test("Slack's 429 stops the thread reads and is reported with its Retry-After", async () => {
  await using t = await rig();
  t.emulator.served.emulator.failNext("conversations.replies", { status: 429, retryAfter: 60 });
  const { conversations: [loaded], missing } = await t.load();
  assert.ok(loaded.unreadThreads.size >= 1);
  assert.deepEqual(missing!.refusals, [{
    method: "conversations.replies",
    budget: "slack",
    retryAfterSeconds: 60,
    perMinute: 50,
  }]);
});

Deno.test("the time limit aborts the calls under way and keeps what was read", async () => {
  await using t = await rig();
  t.emulator.served.emulator.failNext("conversations.replies", { delayMs: 10_000, times: 50 });
  const started = performance.now();
  const { conversations: [loaded], missing } = await t.load({ timeLimitMs: 300 });
  assert.ok(performance.now() - started < 2_000);
  assert.ok(loaded.read && loaded.messages.length > 0);
  assert.equal(loaded.unreadThreads.size, threadsInRange(t.channel).length);
  assert.equal(missing!.timedOut, true);
  assert.equal(t.watch.pending.size, 0, "no call outlives the load");
});

Deno.test("a cancelled load aborts every call under way and starts none after", async () => {
  await using t = await rig();
  t.emulator.served.emulator.failNext("conversations.replies", { delayMs: 10_000, times: 50 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("cancelled")), 200);
  await assert.rejects(t.load({ signal: controller.signal }), /cancelled/);
  const cancelledAt = performance.now();
  assert.ok(t.watch.count("conversations.replies") > 0, "thread reads were under way");
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(t.watch.pending.size, 0);
  assert.ok(t.watch.started.every((s) => s.at < cancelledAt));
});

Deno.test("a failure that no retry fixes aborts the sibling calls before it is thrown", async () => {
  await using t = await rig();
  const fake = t.emulator.served.emulator;
  fake.failNext("conversations.replies", { error: "missing_scope", extra: { needed: "x" } });
  fake.failNext("conversations.replies", { delayMs: 10_000, times: 50 });
  const error = await t.load().catch((e) => e);
  assert.ok(error instanceof SlackApiError);
  assert.equal(error.code, "missing_scope");
  const failedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(t.watch.pending.size, 0);
  assert.ok(t.watch.started.every((s) => s.at < failedAt));
});
